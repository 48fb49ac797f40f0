package io.sparkconv.driver.ring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A hop over a non-blocking TCP connection, with one direct buffer of one piece per direction: the
 * only path between hosts, and the fallback between co-located workers.
 */
final class TcpLink {
    /**
     * Floats per piece: large enough to amortise system calls, small enough that a piece is added
     * while the next is in flight. 256 KiB to 4 MiB measured the same within the noise here.
     */
    static final int PIECE_FLOATS = 1 << 18;

    private TcpLink() {}

    /** Sends: copies a piece of the vector into the direct buffer, then writes as much as the socket takes. */
    static final class Out implements Outbound {
        private final SocketChannel channel;
        private final SelectionKey key;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(PIECE_FLOATS * 4).order(ByteOrder.nativeOrder());
        private float[] data;
        private int from;
        private int pos;
        private int end;

        Out(SocketChannel channel, Selector selector) throws IOException {
            this.channel = channel;
            channel.configureBlocking(false);
            this.key = channel.register(selector, 0);
            buf.limit(0);
        }

        @Override
        public void begin(float[] data, int from, int end) {
            this.data = data;
            this.from = from;
            this.pos = from;
            this.end = end;
            buf.clear().limit(0);
        }

        @Override
        public boolean pump() throws IOException {
            if (!buf.hasRemaining() && pos < end) {
                int n = Math.min(PIECE_FLOATS, end - pos);
                buf.clear();
                PieceMath.store(buf, 0, data, pos, n);
                buf.limit(n * 4);
                pos += n;
            }
            return buf.hasRemaining() && channel.write(buf) > 0;
        }

        @Override
        public boolean done() {
            return pos == end && !buf.hasRemaining();
        }

        @Override
        public int sent() {
            return pos - from - buf.remaining() / 4;
        }

        /** Asks the selector to wake this worker when the socket takes more. */
        void arm() {
            key.interestOps(done() ? 0 : SelectionKey.OP_WRITE);
        }

        @Override
        public void checkPeer() {
            // a write to a closed peer fails by itself
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Receives a piece into the direct buffer, then adds or copies it into the vector in one pass. */
    static final class In implements Inbound {
        private final SocketChannel channel;
        private final SelectionKey key;
        private final int prevRank;
        private final int rank;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(PIECE_FLOATS * 4).order(ByteOrder.nativeOrder());
        private float[] data;
        private int from;
        private int pos;
        private int end;
        private boolean add;

        In(SocketChannel channel, Selector selector, int prevRank, int rank) throws IOException {
            this.channel = channel;
            this.prevRank = prevRank;
            this.rank = rank;
            channel.configureBlocking(false);
            this.key = channel.register(selector, 0);
        }

        @Override
        public void begin(float[] data, int from, int end, boolean add) {
            this.data = data;
            this.from = from;
            this.pos = from;
            this.end = end;
            this.add = add;
            buf.clear().limit(Math.min(PIECE_FLOATS, end - pos) * 4);
        }

        @Override
        public boolean pump() throws IOException {
            if (pos == end) {
                return false;
            }
            int got = channel.read(buf);
            if (got < 0) {
                throw new IOException("ring worker " + prevRank + " closed its connection to worker " + rank);
            }
            if (!buf.hasRemaining()) {
                int n = buf.limit() / 4;
                if (add) {
                    PieceMath.add(data, pos, buf, 0, n);
                } else {
                    PieceMath.copy(data, pos, buf, 0, n);
                }
                pos += n;
                buf.clear().limit(Math.min(PIECE_FLOATS, end - pos) * 4);
            }
            return got > 0;
        }

        @Override
        public boolean done() {
            return pos == end;
        }

        @Override
        public int received() {
            return pos - from;
        }

        /** Asks the selector to wake this worker when bytes arrive. */
        void arm() {
            key.interestOps(done() ? 0 : SelectionKey.OP_READ);
        }

        @Override
        public void checkPeer() {
            // a read from a closed peer fails by itself
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
