package io.sparkconv.driver.ring;

import io.sparkconv.kernels.train.Communicator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
    private static final int HELLO = 0x53435247; // "SCRG"
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
     * Joins the ring: connects to the next worker and accepts the previous one on {@code mine},
     * checking both by a handshake (rank, size, run id). A hop goes through shared memory when both
     * ends allow it and the sender can map the receiver's announced inbox (so they share a host);
     * otherwise over TCP. Closes {@code mine} (the listening socket, the inbox file's name).
     *
     * @param announcements every worker's {@link RingEndpoint#announcement()}, by rank
     */
    public static RingAllReduce connect(int rank, List<String> announcements, RingEndpoint mine,
                                        long runId, Duration timeout) throws IOException {
        try (mine) {
            int size = announcements.size();
            if (size == 1) {
                return single();
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            RingEndpoint.Peer next = RingEndpoint.Peer.parse(announcements.get((rank + 1) % size));
            MappedByteBuffer nextInbox = mine.sharedMemory && next.inboxFile() != null
                    ? SharedMemoryLink.open(next.inboxFile(), next.nonce()) : null;
            SocketChannel toNext = connectWithRetry(next.address(), deadline);
            SocketChannel fromPrev = null;
            try {
                tune(toNext);
                writeFully(toNext, hello(rank, size, runId, nextInbox != null), deadline);
                fromPrev = accept(mine.server, deadline);
                tune(fromPrev);
                ByteBuffer got = ByteBuffer.allocate(24);
                readFully(fromPrev, got, deadline);
                got.flip();
                int magic = got.getInt();
                int prevRank = got.getInt();
                int prevSize = got.getInt();
                long prevRun = got.getLong();
                boolean prevShared = got.getInt() == 1;
                int expected = (rank - 1 + size) % size;
                if (magic != HELLO || prevRank != expected || prevSize != size || prevRun != runId) {
                    throw new IOException(String.format("ring handshake at rank %d: expected rank %d of %d, run %d;"
                            + " got magic 0x%08X rank %d of %d, run %d", rank, expected, size, runId, magic, prevRank, prevSize, prevRun));
                }
                if (prevShared && mine.inbox == null) {
                    throw new IOException("ring worker " + expected + " chose shared memory, but worker " + rank + " offers none");
                }
                Selector selector = Selector.open();
                int nextRank = (rank + 1) % size;
                Outbound out = nextInbox != null
                        ? new SharedMemoryLink.Out(nextInbox, toNext, rank, nextRank)
                        : new TcpLink.Out(toNext, selector);
                Inbound in = prevShared
                        ? new SharedMemoryLink.In(mine.inbox, fromPrev, expected, rank)
                        : new TcpLink.In(fromPrev, selector, expected, rank);
                return new RingAllReduce(rank, size, timeout, selector, out, in);
            } catch (IOException e) {
                toNext.close();
                if (fromPrev != null) {
                    fromPrev.close();
                }
                throw e;
            }
        }
    }

    /** No Nagle delay for the small messages; socket buffers that hold several pieces in flight. */
    private static void tune(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
    }

    private static ByteBuffer hello(int rank, int size, long runId, boolean sharedMemory) {
        ByteBuffer b = ByteBuffer.allocate(24);
        b.putInt(HELLO).putInt(rank).putInt(size).putLong(runId).putInt(sharedMemory ? 1 : 0).flip();
        return b;
    }

    private static SocketChannel connectWithRetry(InetSocketAddress address, long deadline) throws IOException {
        IOException last = null;
        while (System.nanoTime() < deadline) {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.socket().connect(address, (int) Math.max(1, Math.min(2_000, (deadline - System.nanoTime()) / 1_000_000)));
                return ch;
            } catch (IOException e) {
                ch.close();
                last = e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while connecting to " + address, ie);
                }
            }
        }
        throw new SocketTimeoutException("could not connect to the next ring worker at " + address
                + (last != null ? ": " + last.getMessage() : ""));
    }

    private static SocketChannel accept(ServerSocketChannel server, long deadline) throws IOException {
        server.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            server.register(sel, SelectionKey.OP_ACCEPT);
            while (true) {
                SocketChannel ch = server.accept();
                if (ch != null) {
                    return ch;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("the previous ring worker did not connect to " + server.getLocalAddress());
                }
                sel.select(left);
                sel.selectedKeys().clear();
            }
        }
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b, long deadline) throws IOException {
        ch.socket().setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void readFully(SocketChannel ch, ByteBuffer b, long deadline) throws IOException {
        ch.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_READ);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) {
                    throw new IOException("ring peer closed the connection during the handshake");
                }
                if (b.hasRemaining()) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new SocketTimeoutException("ring handshake timed out");
                    }
                    sel.select(left);
                    sel.selectedKeys().clear();
                }
            }
        }
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
