package io.sparkconv.driver.distributed;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.sparkconv.driver.predict.ModelShipment;
import io.sparkconv.prep.augment.PixelMoments;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers the classes that cross the wire with Kryo. Spark's Kryo (4.x) cannot build its field
 * serializer for Java records, so the records get small hand-written serializers; float vectors go
 * as raw floats.
 */
public final class KryoRegistration implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(float[].class);
        // a statistics job's task result; it holds a record (the shape), which Kryo's field serializer cannot build
        kryo.register(PixelMoments.class, new JavaSerializer());
        // predict's broadcast model, likewise
        kryo.register(ModelShipment.class, new JavaSerializer());
        kryo.register(WorkerResult.class, new Serializer<WorkerResult>() {
            @Override
            public void write(Kryo k, Output out, WorkerResult r) {
                out.writeInt(r.rank());
                out.writeInt(r.stageAttempt());
                writeVector(out, r.params());
                out.writeDouble(r.allReduceMillisPerStep());
                out.writeDouble(r.computeMillisPerStep());
                out.writeLong(r.steps());
                out.writeDouble(r.trainSeconds());
                out.writeString(r.stop());
                out.writeString(r.stopMessage());
                writeVector(out, r.testScores());
                out.writeDouble(r.dataWaitMillisPerStep());
                out.writeString(r.dataHeld());
                out.writeString(r.backend());
                out.writeLong(r.heapAfterGc());
                out.writeLong(r.heapMax());
            }

            @Override
            public WorkerResult read(Kryo k, Input in, Class<WorkerResult> type) {
                int rank = in.readInt();
                int attempt = in.readInt();
                float[] params = readVector(in);
                double allReduce = in.readDouble();
                double compute = in.readDouble();
                long steps = in.readLong();
                double seconds = in.readDouble();
                String stop = in.readString();
                String message = in.readString();
                float[] test = readVector(in);
                return new WorkerResult(rank, attempt, params, allReduce, compute, steps, seconds, stop, message, test,
                        in.readDouble(), in.readString(), in.readString(), in.readLong(), in.readLong());
            }
        });
    }

    /** A float vector that may be null: a flag, then its length and floats. */
    private static void writeVector(Output out, float[] v) {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeInt(v.length);
            out.writeFloats(v);
        }
    }

    private static float[] readVector(Input in) {
        return in.readBoolean() ? in.readFloats(in.readInt()) : null;
    }
}
