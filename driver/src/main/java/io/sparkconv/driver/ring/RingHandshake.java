package io.sparkconv.driver.ring;

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

/**
 * How a worker joins the ring once, before any exchange: the two TCP connections (to the next
 * worker, from the previous one), the hello that tells crossed wires apart (magic, rank, size,
 * run id), and the choice of each hop's transport. What {@link RingAllReduce} then runs over.
 */
final class RingHandshake {
    private static final int HELLO = 0x53435247; // "SCRG"

    /** A worker's two hops, ready for exchanges; the selector serves the TCP ones. */
    record Links(Selector selector, Outbound out, Inbound in) {}

    private RingHandshake() {}

    /**
     * Connects to the next worker and accepts the previous one on {@code mine}, checking both by a
     * handshake (rank, size, run id). A hop goes through shared memory when both ends allow it and
     * the sender can map the receiver's announced inbox (so they share a host); otherwise over TCP.
     * Closes {@code mine}. A ring of K >= 2.
     */
    static Links join(int rank, List<String> announcements, RingEndpoint mine, long runId, Duration timeout)
            throws IOException {
        try (mine) {
            int size = announcements.size();
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
                return new Links(selector, out, in);
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
}
