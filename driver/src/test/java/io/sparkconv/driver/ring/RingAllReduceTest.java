package io.sparkconv.driver.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Real sockets on 127.0.0.1, one thread per worker. */
class RingAllReduceTest {
    interface WorkerBody {
        void run(RingAllReduce ring) throws Exception;
    }

    static void ring(int k, Duration timeout, WorkerBody body) throws Exception {
        List<ServerSocketChannel> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            ServerSocketChannel s = RingAllReduce.listen("127.0.0.1");
            servers.add(s);
            addresses.add((InetSocketAddress) s.getLocalAddress());
        }
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < k; r++) {
                int rank = r;
                done.add(pool.submit(() -> {
                    try (RingAllReduce ring = RingAllReduce.connect(rank, addresses, servers.get(rank), 77L, timeout)) {
                        body.run(ring);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "K={0}, {1} floats")
    @CsvSource({"2, 431080", "3, 1000003", "4, 7", "3, 2", "2, 1", "5, 600000"})
    void everyWorkerEndsWithTheSameExactSum(int k, int length) throws Exception {
        float[][] inputs = new float[k][length];
        SplittableRandom rng = new SplittableRandom(length);
        double[] expected = new double[length];
        for (int r = 0; r < k; r++) {
            for (int i = 0; i < length; i++) {
                inputs[r][i] = (float) (rng.nextDouble() * 2 - 1);
                expected[i] += inputs[r][i];
            }
        }
        float[][] results = new float[k][];
        ring(k, Duration.ofSeconds(20), ring -> {
            float[] mine = inputs[ring.rank()].clone();
            ring.sum(mine, 0, length);
            results[ring.rank()] = mine;
        });
        for (int i = 0; i < length; i++) {
            assertEquals(expected[i], results[0][i], 1e-5, "element " + i);
        }
        for (int r = 1; r < k; r++) {
            assertArrayEquals(results[0], results[r], "rank " + r + " is bit-identical to rank 0");
        }
    }

    @Test
    void aSubRangeLeavesTheRestAlone() throws Exception {
        ring(3, Duration.ofSeconds(20), ring -> {
            float[] v = {9, 1, 2, 3, 9};
            ring.sum(v, 1, 3);
            assertArrayEquals(new float[] {9, 3, 6, 9, 9}, v);
            // The ring is reusable step after step.
            float[] w = {ring.rank()};
            ring.sum(w, 0, 1);
            assertArrayEquals(new float[] {3}, w);
        });
    }

    @Test
    void aStalledPeerFailsWithinTheTimeoutInsteadOfHanging() throws Exception {
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class, () -> ring(2, Duration.ofMillis(1500), ring -> {
            if (ring.rank() == 1) {
                Thread.sleep(6_000); // alive but silent: holds its sockets open and never sends
                return;
            }
            ring.sum(new float[2_000_000], 0, 2_000_000);
        }));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getCause() instanceof SocketTimeoutException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains("no progress"), e.getCause().getMessage());
        assertTrue(seconds < 8, "failed after " + seconds + " s");
    }

    @Test
    void aPeerThatNeverJoinsFailsTheConnect() throws IOException {
        ServerSocketChannel mine = RingAllReduce.listen("127.0.0.1");
        ServerSocketChannel silent = RingAllReduce.listen("127.0.0.1"); // listens, never accepts or connects back
        List<InetSocketAddress> peers = List.of((InetSocketAddress) mine.getLocalAddress(), (InetSocketAddress) silent.getLocalAddress());
        assertThrows(SocketTimeoutException.class, () -> RingAllReduce.connect(0, peers, mine, 1L, Duration.ofMillis(800)));
        silent.close();
    }
}
