package io.sparkconv.driver.ring;

import io.sparkconv.kernels.train.Communicator;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Sum-all-reduce of a float vector between K long-lived workers arranged in a ring:
 * reduce-scatter (K-1 steps) then all-gather (K-1 steps), each step sending one K-th of the
 * vector to the next worker while receiving one from the previous (Patarasuk and Yuan 2009).
 * Every worker sends and receives 2(K-1)/K of the vector, whatever K is.
 *
 * <p>Each chunk's sum is formed at exactly one worker, in ring order, and then copied verbatim to
 * the others, so all workers end with bit-identical vectors: replicas that apply the same update
 * never diverge. The order does not depend on how a hop is carried, so every transport gives the
 * same bits.
 *
 * <p>A hop is a TCP connection (non-blocking, direct buffers), or, between two workers on the same
 * host, a shared-memory ring of pieces ({@link SharedMemoryLink}), chosen per hop at
 * {@link #connect}. Both directions run in one thread: pieces are sent and received alternately
 * and each received piece is added while the next is in flight. No exchange waits longer than the
 * timeout without progress; a dead or stalled peer raises {@link SocketTimeoutException} (or an
 * {@link IOException} naming the closed connection) instead of hanging the training stage.
 */
public final class RingAllReduce implements AutoCloseable, Communicator {
    /**
     * Waiting on a shared-memory hop: spin this many idle rounds, then yield the core until idle
     * for {@link #YIELD_NANOS}, then park. Parking is for long waits only: parkNanos(20 us) measured
     * 135 us here (a 1 MiB piece copies in 50-80 us), and parking between pieces doubled the
     * exchange; sched_yield costs ~2 us and hands the core over when someone else needs it.
     */
    private static final int SPINS = 100;
    private static final long YIELD_NANOS = 2_000_000;
    private static final long PARK_NANOS = 100_000;

    private final int rank;
    private final int size;
    private final long timeoutNanos;
    private final Selector selector;
    private final Outbound out;
    private final Inbound in;
    // Where this worker's time went, summed over its exchanges since the last timeSplit().
    private long sendNanos;
    private long receiveNanos;
    private long waitNanos;

    private RingAllReduce(int rank, int size, Duration timeout, Selector selector, Outbound out, Inbound in) {
        this.rank = rank;
        this.size = size;
        this.timeoutNanos = timeout.toNanos();
        this.selector = selector;
        this.out = out;
        this.in = in;
    }

    /** A ring of one: sums are the identity. */
    public static RingAllReduce single() {
        return new RingAllReduce(0, 1, Duration.ofSeconds(1), null, null, null);
    }

    /**
     * Joins the ring ({@link RingHandshake}): connects to the next worker and accepts the previous
     * one on {@code mine}, each hop over shared memory where both ends share a host, else TCP.
     * Closes {@code mine} (the listening socket, the inbox file's name).
     *
     * @param announcements every worker's {@link RingEndpoint#announcement()}, by rank
     */
    public static RingAllReduce connect(int rank, List<String> announcements, RingEndpoint mine,
                                        long runId, Duration timeout) throws IOException {
        if (announcements.size() == 1) {
            mine.close();
            return single();
        }
        RingHandshake.Links links = RingHandshake.join(rank, announcements, mine, runId, timeout);
        return new RingAllReduce(rank, announcements.size(), timeout, links.selector(), links.out(), links.in());
    }

    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    /** How this worker's two hops are carried, e.g. {@code "in shared-memory, out tcp"}; {@code "none"} for a ring of one. */
    public String transport() {
        if (size == 1) {
            return "none";
        }
        return "in " + (in instanceof SharedMemoryLink.In ? "shared-memory" : "tcp")
                + ", out " + (out instanceof SharedMemoryLink.Out ? "shared-memory" : "tcp");
    }

    /**
     * Where this worker's all-reduce time went since the last call, in ms: {send, receive, wait}.
     * Send: copying pieces out of the vector and handing them over (for TCP, the system call with
     * the kernel's copy); receive: taking pieces in (system call) and adding or copying them into the
     * vector; wait: idle until the peers made room or sent more.
     */
    public double[] timeSplit() {
        double[] ms = {sendNanos / 1e6, receiveNanos / 1e6, waitNanos / 1e6};
        sendNanos = 0;
        receiveNanos = 0;
        waitNanos = 0;
        return ms;
    }

    /** Replaces data[offset, offset+length) on every worker by its sum over all workers. */
    @Override
    public void sum(float[] data, int offset, int length) throws IOException {
        if (size == 1) {
            return;
        }
        // reduce-scatter: after step s, chunk (rank - s - 1) mod K holds s+2 workers' contributions here
        for (int s = 0; s < size - 1; s++) {
            exchange(data, offset, length, mod(rank - s), mod(rank - s - 1), true);
        }
        // all-gather: chunk (rank + 1) mod K is complete here; pass complete chunks around
        for (int s = 0; s < size - 1; s++) {
            exchange(data, offset, length, mod(rank + 1 - s), mod(rank - s), false);
        }
    }

    private int mod(int v) {
        return ((v % size) + size) % size;
    }

    private int chunkStart(int chunk, int length) {
        int base = length / size;
        int extra = length % size;
        return chunk * base + Math.min(chunk, extra);
    }

    /** Sends chunk {@code send} to the next worker while receiving chunk {@code recv} from the previous. */
    private void exchange(float[] data, int offset, int length, int send, int recv, boolean add) throws IOException {
        out.begin(data, offset + chunkStart(send, length), offset + chunkStart(send + 1, length));
        in.begin(data, offset + chunkStart(recv, length), offset + chunkStart(recv + 1, length), add);
        long lastProgress = System.nanoTime();
        int idleRounds = 0;
        while (!out.done() || !in.done()) {
            long t0 = System.nanoTime();
            boolean progress = out.pump();
            long t1 = System.nanoTime();
            progress |= in.pump();
            long t2 = System.nanoTime();
            sendNanos += t1 - t0;
            receiveNanos += t2 - t1;
            if (progress) {
                lastProgress = System.nanoTime();
                idleRounds = 0;
                continue;
            }
            long idle = System.nanoTime() - lastProgress;
            if (idle > timeoutNanos) {
                int sendLength = chunkStart(send + 1, length) - chunkStart(send, length);
                int recvLength = chunkStart(recv + 1, length) - chunkStart(recv, length);
                throw new SocketTimeoutException(String.format(
                        "ring worker %d: no progress for %d ms (sent %d of %d floats to worker %d, received %d of %d from worker %d)",
                        rank, idle / 1_000_000, out.sent(), sendLength, mod(rank + 1),
                        in.received(), recvLength, mod(rank - 1)));
            }
            awaitProgress(idle, ++idleRounds);
            waitNanos += System.nanoTime() - t2;
        }
    }

    /**
     * Two TCP hops: the selector sleeps until a socket is ready. A shared-memory hop has nothing to
     * select on: spin briefly (the peer is usually mid-copy), then yield, then park in short naps,
     * now and then checking that the peers' connections are still open.
     */
    private void awaitProgress(long idleNanos, int idleRounds) throws IOException {
        if (out instanceof TcpLink.Out o && in instanceof TcpLink.In i) {
            o.arm();
            i.arm();
            selector.select(Math.max(1, (timeoutNanos - idleNanos) / 1_000_000));
            selector.selectedKeys().clear();
            return;
        }
        if (idleRounds < SPINS) {
            Thread.onSpinWait();
            return;
        }
        if (idleRounds % 256 == 0) {
            out.checkPeer();
            in.checkPeer();
        }
        if (idleNanos < YIELD_NANOS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(PARK_NANOS);
        }
    }

    @Override
    public void close() throws IOException {
        if (size == 1) {
            return;
        }
        try (selector; out; in) {
            // closes all three
        }
    }
}
