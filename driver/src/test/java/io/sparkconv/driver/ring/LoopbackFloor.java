package io.sparkconv.driver.ring;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a K=2 all-reduce of n floats cannot beat on this machine: the same bytes moved between two
 * JVMs over loopback TCP with nothing else done (each side sends and receives 4n bytes at once, in
 * 1 MiB writes and reads from direct buffers, a thread per direction), and the plain memory copies
 * of that many bytes that any transport needs at least once.
 *
 * <pre>
 * java -cp driver/target/classes:driver/target/test-classes io.sparkconv.driver.ring.LoopbackFloor [floats] [repeats]
 * </pre>
 * It starts its peer as a second JVM (stopped after at most 5 minutes) and prints medians.
 */
public final class LoopbackFloor {
    private static final int PIECE = 1 << 20;

    private LoopbackFloor() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--peer")) {
            exchange(connect(Integer.parseInt(args[1])), Long.parseLong(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int floats = args.length > 0 ? Integer.parseInt(args[0]) : 62_378_344;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        long bytes = 4L * floats;
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), LoopbackFloor.class.getName(),
                    "--peer", Integer.toString(port), Long.toString(bytes), Integer.toString(repeats)));
            Process peer = new ProcessBuilder(command).inheritIO().start();
            try {
                double[] ms = exchange(server.accept(), bytes, repeats);
                System.out.printf("loopback TCP, full duplex, %,d bytes each way between two JVMs: median %.1f ms of %s%n",
                        bytes, median(ms), Arrays.toString(round(ms)));
            } finally {
                if (!peer.waitFor(5, TimeUnit.MINUTES)) {
                    peer.destroyForcibly();
                }
            }
        }
        copies(floats, repeats);
    }

    private static SocketChannel connect(int port) throws IOException {
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    }

    /** Each side writes {@code bytes} while reading as many, per repeat; returns the milliseconds of each. */
    private static double[] exchange(SocketChannel ch, long bytes, int repeats) throws Exception {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ByteBuffer out = ByteBuffer.allocateDirect(PIECE);
        ByteBuffer in = ByteBuffer.allocateDirect(PIECE);
        double[] ms = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            ByteBuffer one = ByteBuffer.allocate(1); // both sides start together
            ch.write(one);
            one.clear();
            while (one.hasRemaining()) {
                ch.read(one);
            }
            long t0 = System.nanoTime();
            Thread writer = new Thread(() -> {
                try {
                    for (long left = bytes; left > 0; ) {
                        out.clear().limit((int) Math.min(PIECE, left));
                        while (out.hasRemaining()) {
                            left -= ch.write(out);
                        }
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            for (long left = bytes; left > 0; ) {
                in.clear().limit((int) Math.min(PIECE, left));
                left -= ch.read(in);
            }
            writer.join();
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        ch.close();
        return ms;
    }

    /** The copies every transport pays at least once per float, and the add of the ring's receiver. */
    private static void copies(int floats, int repeats) {
        float[] a = new float[floats];
        float[] b = new float[floats];
        ByteBuffer direct = ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder());
        FloatBuffer view = direct.asFloatBuffer();
        double[] arraycopy = new double[repeats];
        double[] intoDirect = new double[repeats];
        double[] add = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            System.arraycopy(a, 0, b, 0, floats);
            long t1 = System.nanoTime();
            view.clear();
            view.put(a);
            long t2 = System.nanoTime();
            for (int at = 0; at < floats; at += PIECE / 4) {
                PieceMath.add(b, at, direct, 4 * at, Math.min(PIECE / 4, floats - at));
            }
            long t3 = System.nanoTime();
            arraycopy[r] = (t1 - t0) / 1e6;
            intoDirect[r] = (t2 - t1) / 1e6;
            add[r] = (t3 - t2) / 1e6;
        }
        System.out.printf("%,d floats: float[] copy %.1f ms, float[] into a direct buffer %.1f ms, add from it (%s) %.1f ms (medians)%n",
                floats, median(arraycopy), median(intoDirect), PieceMath.vectorized() ? "Vector API" : "scalar", median(add));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double[] round(double[] v) {
        return Arrays.stream(v).map(x -> Math.round(x * 10) / 10.0).toArray();
    }
}
