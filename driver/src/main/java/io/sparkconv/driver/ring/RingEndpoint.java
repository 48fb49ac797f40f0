package io.sparkconv.driver.ring;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.MappedByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * What a worker opens before the rendezvous and announces to the others: a listening TCP socket
 * and, when shared memory is allowed and {@code /dev/shm} is there, the file through which a
 * co-located previous worker may send to it. {@link #announcement()} is the string exchanged
 * through the barrier's allGather; {@link RingAllReduce#connect} takes everyone's.
 */
public final class RingEndpoint implements AutoCloseable {
    private static final Path SHM = Path.of("/dev/shm");

    final ServerSocketChannel server;
    final boolean sharedMemory;      // this worker may send through a co-located next worker's inbox
    final String host;
    final Path inboxFile;            // null: TCP only
    final long nonce;
    MappedByteBuffer inbox;          // handed to the ring by connect, or dropped by close

    private RingEndpoint(ServerSocketChannel server, boolean sharedMemory, String host, Path inboxFile, long nonce,
                         MappedByteBuffer inbox) {
        this.sharedMemory = sharedMemory;
        this.server = server;
        this.host = host;
        this.inboxFile = inboxFile;
        this.nonce = nonce;
        this.inbox = inbox;
    }

    /**
     * Opens the listening socket on {@code host} and, if {@code sharedMemory}, the shared-memory
     * inbox (silently skipped where {@code /dev/shm} is missing or not writable: TCP then serves).
     */
    public static RingEndpoint listen(String host, boolean sharedMemory) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20); // inherited by accepted sockets
        server.bind(new InetSocketAddress(host, 0));
        if (!sharedMemory || !Files.isDirectory(SHM) || !Files.isWritable(SHM)) {
            return new RingEndpoint(server, sharedMemory, host, null, 0, null);
        }
        long nonce = new SecureRandom().nextLong();
        Path file = SHM.resolve(String.format("sparkconv-ring-%016x", nonce));
        try {
            return new RingEndpoint(server, sharedMemory, host, file, nonce, SharedMemoryLink.create(file, nonce));
        } catch (IOException e) {
            Files.deleteIfExists(file);
            return new RingEndpoint(server, sharedMemory, host, null, 0, null);
        }
    }

    /** host|port|shared-memory file or -|nonce: what the other workers need to reach this one. */
    public String announcement() throws IOException {
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        return host + "|" + port + "|" + (inboxFile == null ? "-" : inboxFile.toString()) + "|" + Long.toHexString(nonce);
    }

    /** Whether a previous worker on this host can send through shared memory. */
    public boolean offersSharedMemory() {
        return inboxFile != null;
    }

    /** Another worker's announcement, parsed. */
    record Peer(InetSocketAddress address, Path inboxFile, long nonce) {
        static Peer parse(String announcement) {
            String[] f = announcement.split("\\|");
            if (f.length != 4) {
                throw new IllegalArgumentException("not a ring announcement: '" + announcement + "'");
            }
            return new Peer(new InetSocketAddress(f[0], Integer.parseInt(f[1])),
                    f[2].equals("-") ? null : Path.of(f[2]), Long.parseUnsignedLong(f[3], 16));
        }
    }

    /** Removes the inbox file: once the previous worker has mapped it (or chose TCP), no one needs the name. */
    void unlinkInbox() throws IOException {
        if (inboxFile != null) {
            Files.deleteIfExists(inboxFile);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            unlinkInbox();
            inbox = null;
        }
    }
}
