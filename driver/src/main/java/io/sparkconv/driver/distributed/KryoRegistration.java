package io.sparkconv.driver.distributed;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
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
        kryo.register(WorkerResult.class, new Serializer<WorkerResult>() {
            @Override
            public void write(Kryo k, Output out, WorkerResult r) {
                out.writeInt(r.rank());
                out.writeInt(r.stageAttempt());
                out.writeBoolean(r.params() != null);
                if (r.params() != null) {
                    out.writeInt(r.params().length);
                    out.writeFloats(r.params());
                }
                out.writeDouble(r.allReduceMillisPerStep());
                out.writeDouble(r.computeMillisPerStep());
                out.writeLong(r.steps());
                out.writeDouble(r.trainSeconds());
                out.writeString(r.stop());
                out.writeString(r.stopMessage());
            }

            @Override
            public WorkerResult read(Kryo k, Input in, Class<WorkerResult> type) {
                int rank = in.readInt();
                int attempt = in.readInt();
                float[] params = in.readBoolean() ? in.readFloats(in.readInt()) : null;
                return new WorkerResult(rank, attempt, params, in.readDouble(), in.readDouble(), in.readLong(),
                        in.readDouble(), in.readString(), in.readString());
            }
        });
    }
}
