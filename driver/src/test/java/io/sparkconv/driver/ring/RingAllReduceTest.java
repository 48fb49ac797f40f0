package io.sparkconv.driver.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Real sockets on 127.0.0.1 and real /dev/shm files, one thread per worker. */
class RingAllReduceTest {
    /** The last ring's announcements, by rank, for bodies that look at them. */
    static volatile List<String> announcements;

    interface WorkerBody {
        void run(RingAllReduce ring) throws Exception;
    }

    static void ring(int k, Duration timeout, WorkerBody body) throws Exception {
        ring(k, timeout, true, body);
    }

    /** K workers on 127.0.0.1; {@code sharedMemory} lets their hops use /dev/shm. */
    static void ring(int k, Duration timeout, boolean sharedMemory, WorkerBody body) throws Exception {
        boolean[] shared = new boolean[k];
        Arrays.fill(shared, sharedMemory);
        ring(timeout, shared, body);
    }

    /** One worker per entry of {@code sharedMemory}: whether that worker offers and uses shared memory. */
    static void ring(Duration timeout, boolean[] sharedMemory, WorkerBody body) throws Exception {
        int k = sharedMemory.length;
        List<RingEndpoint> endpoints = new ArrayList<>();
        List<String> announced = new ArrayList<>();
        announcements = announced;
        for (int r = 0; r < k; r++) {
            RingEndpoint e = RingEndpoint.listen("127.0.0.1", sharedMemory[r]);
            endpoints.add(e);
            announced.add(e.announcement());
        }
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < k; r++) {
                int rank = r;
                done.add(pool.submit(() -> {
                    try (RingAllReduce ring = RingAllReduce.connect(rank, announced, endpoints.get(rank), 77L, timeout)) {
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

    static float[][] randomInputs(int k, int length) {
        float[][] inputs = new float[k][length];
        SplittableRandom rng = new SplittableRandom(length);
        for (int r = 0; r < k; r++) {
            for (int i = 0; i < length; i++) {
                inputs[r][i] = (float) (rng.nextDouble() * 2 - 1);
            }
        }
        return inputs;
    }

    /** Every worker's result and its transport, after one sum of {@code inputs}. */
    static float[][] sums(float[][] inputs, boolean[] sharedMemory, String[] transports) throws Exception {
        float[][] results = new float[inputs.length][];
        ring(Duration.ofSeconds(20), sharedMemory, ring -> {
            float[] mine = inputs[ring.rank()].clone();
            ring.sum(mine, 0, mine.length);
            results[ring.rank()] = mine;
            transports[ring.rank()] = ring.transport();
        });
        return results;
    }

    @ParameterizedTest(name = "K={0}, {1} floats, shared memory {2}")
    @CsvSource({"2, 431080, false", "3, 1000003, false", "4, 7, false", "3, 2, false", "2, 1, false", "5, 600000, false",
                "2, 431080, true", "3, 1000003, true", "4, 7, true", "3, 2, true", "2, 1, true", "5, 600000, true"})
    void everyWorkerEndsWithTheSameExactSum(int k, int length, boolean sharedMemory) throws Exception {
        float[][] inputs = randomInputs(k, length);
        double[] expected = new double[length];
        for (float[] input : inputs) {
            for (int i = 0; i < length; i++) {
                expected[i] += input[i];
            }
        }
        boolean[] shared = new boolean[k];
        Arrays.fill(shared, sharedMemory);
        String[] transports = new String[k];
        float[][] results = sums(inputs, shared, transports);
        for (int i = 0; i < length; i++) {
            assertEquals(expected[i], results[0][i], 1e-5, "element " + i);
        }
        for (int r = 1; r < k; r++) {
            assertArrayEquals(results[0], results[r], "rank " + r + " is bit-identical to rank 0");
        }
        String hop = sharedMemory ? "shared-memory" : "tcp";
        assertEquals("in " + hop + ", out " + hop, transports[0]);
    }

    @Test
    void tcpSharedMemoryAndMixedRingsGiveTheSameBits() throws Exception {
        // 3 workers, 5.2 pieces per chunk: the reduction order, not the transport, decides the bits.
        int length = 3 * 1_300_001;
        float[][] inputs = randomInputs(3, length);
        String[] tcp = new String[3];
        String[] shm = new String[3];
        String[] mixed = new String[3];
        float[][] viaTcp = sums(inputs, new boolean[] {false, false, false}, tcp);
        float[][] viaShm = sums(inputs, new boolean[] {true, true, true}, shm);
        // Worker 1 neither offers nor uses shared memory: hops 0->1 and 1->2 go over TCP, 2->0 through /dev/shm.
        float[][] viaMixed = sums(inputs, new boolean[] {true, false, true}, mixed);
        assertEquals("in shared-memory, out tcp", mixed[0]);
        assertEquals("in tcp, out tcp", mixed[1]);
        assertEquals("in tcp, out shared-memory", mixed[2]);
        assertEquals("in shared-memory, out shared-memory", shm[1]);
        for (int r = 0; r < 3; r++) {
            assertEquals("in tcp, out tcp", tcp[r]);
            assertArrayEquals(viaTcp[0], viaShm[r], "shared memory, rank " + r);
            assertArrayEquals(viaTcp[0], viaMixed[r], "mixed, rank " + r);
            assertArrayEquals(viaTcp[0], viaTcp[r], "tcp, rank " + r);
        }
    }

    @ParameterizedTest(name = "shared memory {0}")
    @ValueSource(booleans = {false, true})
    void aSubRangeLeavesTheRestAlone(boolean sharedMemory) throws Exception {
        ring(3, Duration.ofSeconds(20), sharedMemory, ring -> {
            float[] v = {9, 1, 2, 3, 9};
            ring.sum(v, 1, 3);
            assertArrayEquals(new float[] {9, 3, 6, 9, 9}, v);
            // The ring is reusable step after step.
            for (int step = 0; step < 50; step++) {
                float[] w = {ring.rank() + step};
                ring.sum(w, 0, 1);
                assertArrayEquals(new float[] {3 + 3 * step}, w);
            }
        });
    }

    @ParameterizedTest(name = "shared memory {0}")
    @ValueSource(booleans = {false, true})
    void aStalledPeerFailsWithinTheTimeoutInsteadOfHanging(boolean sharedMemory) throws Exception {
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class, () -> ring(2, Duration.ofMillis(1500), sharedMemory, ring -> {
            if (ring.rank() == 1) {
                Thread.sleep(6_000); // alive but silent: holds its sockets (and shared memory) open and never sends
                return;
            }
            ring.sum(new float[2_000_000], 0, 2_000_000);
        }));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getCause() instanceof SocketTimeoutException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains("no progress"), e.getCause().getMessage());
        assertTrue(seconds < 8, "failed after " + seconds + " s");
    }

    @ParameterizedTest(name = "shared memory {0}")
    @ValueSource(booleans = {false, true})
    void aPeerThatClosesFailsTheOthersBeforeTheTimeout(boolean sharedMemory) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> ring(2, Duration.ofSeconds(60), sharedMemory, ring -> {
            if (ring.rank() == 1) {
                return; // leaves the ring at once: its connections close, as when its process dies
            }
            for (int step = 0; step < 1_000; step++) {
                ring.sum(new float[2_000_000], 0, 2_000_000);
            }
        }));
        assertTrue(e.getCause().getMessage().contains("closed its connection"), String.valueOf(e.getCause()));
    }

    @Test
    void theSharedMemoryFilesAreGoneOnceTheRingIsUp() throws Exception {
        ring(2, Duration.ofSeconds(20), true, ring -> {
            assertEquals("in shared-memory, out shared-memory", ring.transport());
            String file = announcements.get(ring.rank()).split("\\|")[2];
            assertTrue(file.startsWith("/dev/shm/sparkconv-ring-"), file);
            // Unlinked as soon as both ends had mapped it: a worker killed later leaves nothing behind.
            assertFalse(Files.exists(Path.of(file)), file);
            ring.sum(new float[] {1, 2, 3}, 0, 3);
        });
    }

    @Test
    void aPeerThatNeverJoinsFailsTheConnect() throws IOException {
        RingEndpoint mine = RingEndpoint.listen("127.0.0.1", true);
        RingEndpoint silent = RingEndpoint.listen("127.0.0.1", true); // listens, never accepts or connects back
        List<String> peers = List.of(mine.announcement(), silent.announcement());
        assertThrows(SocketTimeoutException.class, () -> RingAllReduce.connect(0, peers, mine, 1L, Duration.ofMillis(800)));
        silent.close();
    }
}
