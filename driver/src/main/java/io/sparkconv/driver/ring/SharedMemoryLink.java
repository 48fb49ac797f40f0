package io.sparkconv.driver.ring;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A hop between two workers on the same host through a memory-mapped file in {@code /dev/shm}, as
 * NCCL does within a node: a single-producer single-consumer ring of pieces. The sender copies a
 * piece of its vector into a free slot and publishes it; the receiver adds (or copies) the slot
 * straight into its vector and frees it. Compared with loopback TCP, each float is copied once
 * instead of four times (into the socket buffer, out of it, into and out of the direct buffers)
 * and no system call is made per piece.
 *
 * <p>The receiver creates the file and announces its path and a random nonce; the sender uses it
 * only if it can open the file and reads the same nonce there, which proves both see the same
 * memory (two containers on one host may not). The TCP connection of the hop is kept: it carries
 * the handshake, and its end-of-stream tells a worker that its peer's process is gone.
 *
 * <p>Layout: a 4 KiB header (magic, nonce, the published and the consumed piece counts on
 * separate cache lines, each slot's float count), then {@link #SLOTS} slots of
 * {@link #SLOT_FLOATS} floats. Counts only grow, across steps; both sides cut the same ranges
 * into the same pieces, and each slot's count is checked against what the receiver expects.
 */
final class SharedMemoryLink {
    /** 1 MiB slots, 4 of them: the ring (4 MiB) stays in the shared L3 cache while both sides work on it. */
    static final int SLOT_FLOATS = 1 << 18;
    static final int SLOTS = 4;
    private static final long MAGIC = 0x5350_4152_4B52_4E47L; // "SPARKRNG"
    private static final int NONCE = 8;
    private static final int PUBLISHED = 64;
    private static final int CONSUMED = 128;
    private static final int COUNTS = 192;
    private static final int DATA = 4096;
    static final long FILE_BYTES = DATA + (long) SLOTS * SLOT_FLOATS * 4;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private SharedMemoryLink() {}

    /** Creates and maps a receiver's file, stamped with its nonce. */
    static MappedByteBuffer create(Path file, long nonce) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES);
            map.order(ByteOrder.nativeOrder());
            map.putLong(NONCE, nonce);
            map.putLong(0, MAGIC);
            return map;
        }
    }

    /** Maps the next worker's file if this process can see it with the announced nonce; null if not. */
    static MappedByteBuffer open(Path file, long nonce) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() != FILE_BYTES) {
                return null;
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES);
            map.order(ByteOrder.nativeOrder());
            return map.getLong(0) == MAGIC && map.getLong(NONCE) == nonce ? map : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the hop's TCP connection reached end-of-stream: the peer's process closed it or died. */
    private static boolean closed(SocketChannel channel, ByteBuffer probe) throws IOException {
        probe.clear();
        if (channel.read(probe) < 0) {
            return true;
        }
        if (probe.position() > 0) {
            throw new IOException("unexpected bytes on a shared-memory hop's connection");
        }
        return false;
    }

    /** The sending side. */
    static final class Out implements Outbound {
        private final MappedByteBuffer map;
        private final SocketChannel channel;
        private final String closedMessage;
        private final ByteBuffer probe = ByteBuffer.allocate(1);
        private long published;
        private float[] data;
        private int from;
        private int pos;
        private int end;

        Out(MappedByteBuffer map, SocketChannel channel, int rank, int nextRank) throws IOException {
            this.map = map;
            this.channel = channel;
            channel.configureBlocking(false);
            this.published = (long) LONGS.getAcquire(map, PUBLISHED);
            this.closedMessage = "ring worker " + nextRank + " closed its connection to worker " + rank;
        }

        @Override
        public void begin(float[] data, int from, int end) {
            this.data = data;
            this.from = from;
            this.pos = from;
            this.end = end;
        }

        @Override
        public boolean pump() {
            if (pos == end || published - (long) LONGS.getAcquire(map, CONSUMED) >= SLOTS) {
                return false;
            }
            int slot = (int) (published % SLOTS);
            int n = Math.min(SLOT_FLOATS, end - pos);
            PieceMath.store(map, DATA + slot * SLOT_FLOATS * 4, data, pos, n);
            map.putInt(COUNTS + 4 * slot, n);
            published++;
            LONGS.setRelease(map, PUBLISHED, published); // the piece's bytes become visible before the count
            pos += n;
            return true;
        }

        @Override
        public boolean done() {
            return pos == end;
        }

        @Override
        public int sent() {
            return pos - from;
        }

        @Override
        public void checkPeer() throws IOException {
            // The next worker cannot finish without what is left to send, so a close now is a failure.
            if (!done() && closed(channel, probe)) {
                throw new IOException(closedMessage);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** The receiving side. */
    static final class In implements Inbound {
        private final MappedByteBuffer map;
        private final SocketChannel channel;
        private final String closedMessage;
        private final ByteBuffer probe = ByteBuffer.allocate(1);
        private long consumed;
        private float[] data;
        private int from;
        private int pos;
        private int end;
        private boolean add;

        In(MappedByteBuffer map, SocketChannel channel, int prevRank, int rank) throws IOException {
            this.map = map;
            this.channel = channel;
            channel.configureBlocking(false);
            this.consumed = (long) LONGS.getAcquire(map, CONSUMED);
            this.closedMessage = "ring worker " + prevRank + " closed its connection to worker " + rank;
        }

        @Override
        public void begin(float[] data, int from, int end, boolean add) {
            this.data = data;
            this.from = from;
            this.pos = from;
            this.end = end;
            this.add = add;
        }

        @Override
        public boolean pump() throws IOException {
            if (pos == end || (long) LONGS.getAcquire(map, PUBLISHED) == consumed) {
                return false;
            }
            int slot = (int) (consumed % SLOTS);
            int n = Math.min(SLOT_FLOATS, end - pos);
            int count = map.getInt(COUNTS + 4 * slot);
            if (count != n) {
                throw new IOException("shared-memory ring out of step: piece " + consumed + " holds " + count
                        + " floats, expected " + n + " (do all workers reduce vectors of the same length?)");
            }
            int at = DATA + slot * SLOT_FLOATS * 4;
            if (add) {
                PieceMath.add(data, pos, map, at, n);
            } else {
                PieceMath.copy(data, pos, map, at, n);
            }
            consumed++;
            LONGS.setRelease(map, CONSUMED, consumed); // the slot is read before the sender may refill it
            pos += n;
            return true;
        }

        @Override
        public boolean done() {
            return pos == end;
        }

        @Override
        public int received() {
            return pos - from;
        }

        @Override
        public void checkPeer() throws IOException {
            // A previous worker may publish its last pieces and close before they are taken in: its
            // close is a failure only once nothing it published is left here. (It published before
            // closing, so once the close is seen, the count read after it is complete.)
            if (!done() && closed(channel, probe) && (long) LONGS.getAcquire(map, PUBLISHED) == consumed) {
                throw new IOException(closedMessage);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
