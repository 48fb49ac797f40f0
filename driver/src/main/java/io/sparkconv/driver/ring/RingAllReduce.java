package io.sparkconv.driver.ring;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * Sum-all-reduce of a float vector between K long-lived workers arranged in a ring over TCP:
 * reduce-scatter (K-1 steps) then all-gather (K-1 steps), each step sending one K-th of the
 * vector to the next worker while receiving one from the previous (Patarasuk and Yuan 2009).
 * Every worker sends and receives 2(K-1)/K of the vector, whatever K is.
 *
 * <p>Each chunk's sum is formed at exactly one worker, in ring order, and then copied verbatim to
 * the others, so all workers end with bit-identical vectors: replicas that apply the same update
 * never diverge.
 *
 * <p>Both directions run in one thread on non-blocking channels with direct buffers: a chunk is
 * sent and received in pieces, and each received piece is added while the next is in flight.
 * No socket operation waits longer than the timeout without progress; a dead or stalled peer
 * raises {@link SocketTimeoutException} instead of hanging the training stage.
 */
public final class RingAllReduce implements AutoCloseable {
    /** Floats per piece: large enough to amortise system calls, small enough to overlap add and transfer. */
    static final int PIECE_FLOATS = 1 << 18;
    private static final int HELLO = 0x53435247; // "SCRG"

    private final int rank;
    private final int size;
    private final SocketChannel toNext;
    private final SocketChannel fromPrev;
    private final long timeoutNanos;
    private final Selector selector;
    private final ByteBuffer sendBuf = ByteBuffer.allocateDirect(PIECE_FLOATS * 4).order(ByteOrder.nativeOrder());
    private final ByteBuffer recvBuf = ByteBuffer.allocateDirect(PIECE_FLOATS * 4).order(ByteOrder.nativeOrder());
    // Float views over the whole byte buffers, made once: a view covers the buffer's limit at creation.
    private final FloatBuffer sendFloats = sendBuf.asFloatBuffer();
    private final FloatBuffer recvFloats = recvBuf.asFloatBuffer();

    private RingAllReduce(int rank, int size, SocketChannel toNext, SocketChannel fromPrev, Duration timeout) throws IOException {
        this.rank = rank;
        this.size = size;
        this.toNext = toNext;
        this.fromPrev = fromPrev;
        this.timeoutNanos = timeout.toNanos();
        this.selector = Selector.open();
        if (size > 1) {
            toNext.configureBlocking(false);
            fromPrev.configureBlocking(false);
        }
    }

    /** A ring of one: sums are the identity. */
    public static RingAllReduce single() throws IOException {
        return new RingAllReduce(0, 1, null, null, Duration.ofSeconds(1));
    }

    /** Opens this worker's listening socket, to be announced to the others before {@link #connect}. */
    public static ServerSocketChannel listen(String host) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20); // inherited by accepted sockets
        server.bind(new InetSocketAddress(host, 0));
        return server;
    }

    /**
     * Joins the ring: connects to the next worker's address and accepts the previous one on
     * {@code server}, checking both by a handshake (rank, size, run id).
     *
     * @param peers every worker's listening address, by rank
     */
    public static RingAllReduce connect(int rank, List<InetSocketAddress> peers, ServerSocketChannel server,
                                        long runId, Duration timeout) throws IOException {
        int size = peers.size();
        if (size == 1) {
            server.close();
            return single();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        InetSocketAddress next = peers.get((rank + 1) % size);
        SocketChannel toNext = connectWithRetry(next, deadline);
        try {
            tune(toNext);
            writeFully(toNext, hello(rank, size, runId), deadline);
            SocketChannel fromPrev = accept(server, deadline);
            tune(fromPrev);
            ByteBuffer got = ByteBuffer.allocate(20);
            readFully(fromPrev, got, deadline);
            got.flip();
            int magic = got.getInt();
            int prevRank = got.getInt();
            int prevSize = got.getInt();
            long prevRun = got.getLong();
            int expected = (rank - 1 + size) % size;
            if (magic != HELLO || prevRank != expected || prevSize != size || prevRun != runId) {
                throw new IOException(String.format("ring handshake at rank %d: expected rank %d of %d, run %d;"
                        + " got magic 0x%08X rank %d of %d, run %d", rank, expected, size, runId, magic, prevRank, prevSize, prevRun));
            }
            server.close();
            return new RingAllReduce(rank, size, toNext, fromPrev, timeout);
        } catch (IOException e) {
            toNext.close();
            throw e;
        }
    }

    /** No Nagle delay for the small messages; socket buffers that hold several pieces in flight. */
    private static void tune(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
    }

    private static ByteBuffer hello(int rank, int size, long runId) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putInt(HELLO).putInt(rank).putInt(size).putLong(runId).flip();
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
        ch.configureBlocking(true);
    }

    public int rank() {
        return rank;
    }

    public int size() {
        return size;
    }

    /** Replaces data[offset, offset+length) on every worker by its sum over all workers. */
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
        int sendFrom = offset + chunkStart(send, length);
        int sendEnd = offset + chunkStart(send + 1, length);
        int recvFrom = offset + chunkStart(recv, length);
        int recvEnd = offset + chunkStart(recv + 1, length);
        int sendPos = sendFrom;   // next float to load into sendBuf
        int recvPos = recvFrom;   // next float to store from recvBuf
        sendBuf.clear().limit(0);
        recvBuf.clear().limit(Math.min(PIECE_FLOATS, recvEnd - recvPos) * 4);
        SelectionKey wk = toNext.register(selector, 0);
        SelectionKey rk = fromPrev.register(selector, 0);
        long lastProgress = System.nanoTime();
        try {
            while (sendPos < sendEnd || sendBuf.hasRemaining() || recvPos < recvEnd) {
                boolean progress = false;
                if (!sendBuf.hasRemaining() && sendPos < sendEnd) {
                    int n = Math.min(PIECE_FLOATS, sendEnd - sendPos);
                    sendFloats.clear();
                    sendFloats.put(data, sendPos, n);
                    sendBuf.clear().limit(n * 4);
                    sendPos += n;
                }
                if (sendBuf.hasRemaining() && toNext.write(sendBuf) > 0) {
                    progress = true;
                }
                if (recvPos < recvEnd) {
                    int got = fromPrev.read(recvBuf);
                    if (got < 0) {
                        throw new IOException("ring worker " + mod(rank - 1) + " closed its connection to worker " + rank);
                    }
                    if (got > 0) {
                        progress = true;
                    }
                    if (!recvBuf.hasRemaining()) {
                        int n = recvBuf.limit() / 4;
                        recvFloats.clear();
                        if (add) {
                            // One pass straight from the direct buffer: a bulk copy into a scratch
                            // array first would add a full extra pass over memory per piece.
                            for (int i = 0; i < n; i++) {
                                data[recvPos + i] += recvFloats.get(i);
                            }
                        } else {
                            recvFloats.get(data, recvPos, n);
                        }
                        recvPos += n;
                        recvBuf.clear().limit(Math.min(PIECE_FLOATS, recvEnd - recvPos) * 4);
                    }
                }
                if (progress) {
                    lastProgress = System.nanoTime();
                    continue;
                }
                long idle = System.nanoTime() - lastProgress;
                if (idle > timeoutNanos) {
                    throw new SocketTimeoutException(String.format(
                            "ring worker %d: no progress for %d ms (sent %d of %d floats to worker %d, received %d of %d from worker %d)",
                            rank, idle / 1_000_000, sendPos - sendFrom, sendEnd - sendFrom, mod(rank + 1),
                            recvPos - recvFrom, recvEnd - recvFrom, mod(rank - 1)));
                }
                wk.interestOps(sendBuf.hasRemaining() ? SelectionKey.OP_WRITE : 0);
                rk.interestOps(recvPos < recvEnd ? SelectionKey.OP_READ : 0);
                selector.select(Math.max(1, (timeoutNanos - idle) / 1_000_000));
                selector.selectedKeys().clear();
            }
        } finally {
            wk.cancel();
            rk.cancel();
            selector.selectNow();
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        if (toNext != null) {
            toNext.close();
        }
        if (fromPrev != null) {
            fromPrev.close();
        }
    }
}
