package io.sparkconv.driver.checkpoint;

import io.sparkconv.driver.json.Json;
import io.sparkconv.kernels.train.TrainingState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A training state that a run can resume from exactly: parameters, the optimizer's velocity, the
 * position (the next epoch and step to run; since all randomness is keyed by (seed, epoch, sample),
 * that position is the whole RNG state), the metrics so far, and the resolved config.
 *
 * <p>Stored on any Hadoop path as {@code checkpoint-<globalStep>.bin}: written under a temporary
 * name and renamed, so a reader never sees a half-written file and a crash mid-write loses
 * nothing already written. Older checkpoints are deleted once a newer one is in place.
 */
public final class Checkpoint {
    private static final int MAGIC = 0x5343434B; // "SCCK"
    private static final int VERSION = 1;
    private static final String PREFIX = "checkpoint-";
    private static final String SUFFIX = ".bin";

    /**
     * What besides the two vectors a checkpoint holds.
     *
     * @param epochLossSum for a checkpoint taken mid-epoch: the sum of the batch losses of that
     *                     epoch's steps before {@code step}, so a resumed epoch reports the same mean
     *                     train loss as an uninterrupted one; null at an epoch's end (and in
     *                     checkpoints written before it existed: the mean then covers the resumed steps)
     */
    public record Header(int epoch, int step, long globalStep, long seed, int paramCount,
                         List<Double> trainLoss, List<Double> valAccuracy, List<Double> valLoss,
                         int restarts, String configJson, Double epochLossSum) {
        /** A header taken at an epoch's end. */
        public Header(int epoch, int step, long globalStep, long seed, int paramCount, List<Double> trainLoss,
                      List<Double> valAccuracy, List<Double> valLoss, int restarts, String configJson) {
            this(epoch, step, globalStep, seed, paramCount, trainLoss, valAccuracy, valLoss, restarts, configJson, null);
        }
    }

    private final Header header;
    private final float[] params;
    private final float[] velocity;

    public Checkpoint(Header header, float[] params, float[] velocity) {
        if (params.length != header.paramCount() || velocity.length != header.paramCount()) {
            throw new IllegalArgumentException("checkpoint vectors of " + params.length + " and " + velocity.length
                    + " floats for " + header.paramCount() + " parameters");
        }
        this.header = header;
        this.params = params;
        this.velocity = velocity;
    }

    public Header header() {
        return header;
    }

    public float[] params() {
        return params;
    }

    public float[] velocity() {
        return velocity;
    }

    /** The state to resume from, as the epoch loop takes it. */
    public TrainingState state() {
        return new TrainingState(header.epoch(), header.step(), header.globalStep(), header.trainLoss(),
                header.valAccuracy(), header.valLoss(), header.epochLossSum(), params, velocity);
    }

    private static FileSystem fs(String dir) throws IOException {
        return FileSystem.get(URI.create(dir), new Configuration());
    }

    /** Writes this checkpoint into {@code dir} atomically and removes the older ones; returns its path. */
    public String write(String dir) throws IOException {
        FileSystem fs = fs(dir);
        Path folder = new Path(dir);
        fs.mkdirs(folder);
        Path tmp = new Path(folder, "." + PREFIX + UUID.randomUUID() + ".tmp");
        Path target = new Path(folder, String.format("%s%012d%s", PREFIX, header.globalStep(), SUFFIX));
        byte[] head = Json.MAPPER.writeValueAsBytes(header);
        try (FSDataOutputStream raw = fs.create(tmp, true);
             DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw, 1 << 20))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(head.length);
            out.write(head);
            writeFloats(out, params);
            writeFloats(out, velocity);
        }
        if (fs.exists(target)) {
            fs.delete(target, false);
        }
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename " + tmp + " to " + target);
        }
        for (FileStatus old : list(fs, folder)) {
            if (!old.getPath().getName().equals(target.getName())) {
                fs.delete(old.getPath(), false);
            }
        }
        return target.toString();
    }

    private static List<FileStatus> list(FileSystem fs, Path folder) throws IOException {
        List<FileStatus> found = new ArrayList<>();
        if (!fs.exists(folder)) {
            return found;
        }
        for (FileStatus s : fs.listStatus(folder)) {
            String name = s.getPath().getName();
            if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
                found.add(s);
            }
        }
        found.sort(Comparator.comparing(s -> s.getPath().getName()));
        return found;
    }

    /** The newest complete checkpoint in {@code dir}, if any. */
    public static Optional<Checkpoint> latest(String dir) throws IOException {
        FileSystem fs = fs(dir);
        List<FileStatus> all = list(fs, new Path(dir));
        if (all.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(read(fs, all.get(all.size() - 1).getPath()));
    }

    private static Checkpoint read(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream raw = fs.open(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 20))) {
            int magic = in.readInt();
            int version = in.readInt();
            if (magic != MAGIC) {
                throw new IOException(file + ": not a sparkconv checkpoint (magic " + Integer.toHexString(magic) + ")");
            }
            if (version != VERSION) {
                throw new IOException(file + ": checkpoint version " + version + ", this build reads " + VERSION);
            }
            byte[] head = new byte[in.readInt()];
            in.readFully(head);
            Header header = Json.MAPPER.readValue(new String(head, StandardCharsets.UTF_8), Header.class);
            float[] params = readFloats(in, header.paramCount(), file);
            float[] velocity = readFloats(in, header.paramCount(), file);
            return new Checkpoint(header, params, velocity);
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": truncated checkpoint", e);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; ) {
            int n = Math.min(v.length - i, buf.capacity() / 4);
            buf.clear();
            buf.asFloatBuffer().put(v, i, n);
            out.write(buf.array(), 0, n * 4);
            i += n;
        }
    }

    private static float[] readFloats(DataInputStream in, int count, Path file) throws IOException {
        float[] v = new float[count];
        byte[] bytes = new byte[1 << 20];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; ) {
            int n = Math.min(count - i, bytes.length / 4);
            in.readFully(bytes, 0, n * 4);
            buf.clear();
            buf.asFloatBuffer().get(v, i, n);
            i += n;
        }
        return v;
    }
}
