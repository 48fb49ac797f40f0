package io.sparkconv.driver.distributed;

import io.sparkconv.kernels.backends.BackendChoice;
import io.sparkconv.kernels.cpu.CpuIsa;
import io.sparkconv.kernels.onednn.OneDnn;
import io.sparkconv.kernels.cpu.Precision;
import io.sparkconv.kernels.cpu.PrecisionChoice;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.reflect.ClassTag$;

/**
 * What the executors' CPUs can run, asked of the executors themselves (the driver may be another
 * machine), and the one precision a run takes on all of them: a ring whose replicas computed in
 * different precisions would still agree bit for bit, but on a different model than either
 * precision trains.
 *
 * <p>The probe is a job of the training job's shape (K tasks; a barrier stage for {@code sync: ring},
 * which places one task per slot as training will), so it reaches the executors training will use.
 * Spark promises no placement across jobs, so every worker checks its own CPU again when it
 * compiles its net ({@link io.sparkconv.kernels.onednn.OneDnnBackend}).
 */
public final class ExecutorCpus {
    private ExecutorCpus() {}

    /**
     * One task's report.
     *
     * @param isa oneDNN's dispatch level there, or null where oneDNN does not load
     */
    public record Cpu(String host, String executor, String isa) {
        String where() {
            return "executor " + executor + " on " + host;
        }
    }

    /** Asks K tasks, shaped as the training job, where they run and what oneDNN dispatches to there. */
    public static List<Cpu> probe(JavaSparkContext sc, int workers, boolean barrier) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < workers; r++) {
            ranks.add(r);
        }
        JavaRDD<Integer> slots = sc.parallelize(ranks, workers);
        List<String> reports;
        if (barrier) {
            reports = slots.rdd().barrier().mapPartitions(new Report(), false, ClassTag$.MODULE$.apply(String.class))
                    .toJavaRDD().collect();
        } else {
            reports = slots.mapPartitions(new Report()).collect();
        }
        List<Cpu> cpus = new ArrayList<>();
        for (String r : reports) {
            String[] f = r.split("\t", -1);
            cpus.add(new Cpu(f[0], f[1], f[2].isEmpty() ? null : f[2]));
        }
        return cpus;
    }

    /**
     * The run's precision on these CPUs with backend (auto, java, onednn): fp32 and java need
     * nothing; bf16 needs native bf16 on every one of them; auto takes bf16 when every one has it.
     *
     * @throws PrecisionChoice.UnsupportedPrecisionException bf16 where some executor lacks native bf16 (or oneDNN)
     */
    public static Precision resolve(PrecisionChoice wanted, BackendChoice backend, List<Cpu> cpus) {
        if (wanted == PrecisionChoice.FP32 || backend == BackendChoice.JAVA) {
            return Precision.FP32;
        }
        Precision run = Precision.BF16;
        for (Cpu c : cpus) {
            if (c.isa() == null) {
                if (wanted == PrecisionChoice.BF16) {
                    throw new PrecisionChoice.UnsupportedPrecisionException("precision bf16 needs oneDNN, which does not load on "
                            + c.where() + ": use precision fp32 or auto");
                }
                run = Precision.FP32;
            } else if (wanted.resolve(CpuIsa.named(c.isa()), c.where()) == Precision.FP32) {
                run = Precision.FP32;
            }
        }
        return run;
    }

    /** "avx2" or "avx2 (2 executors), avx512_core_bf16 (1 executor)": what ran where, for logs and the summary. */
    public static String describe(List<Cpu> cpus) {
        TreeSet<String> isas = new TreeSet<>();
        for (Cpu c : cpus) {
            isas.add(c.isa() == null ? "no oneDNN" : c.isa());
        }
        if (isas.size() == 1) {
            return isas.first();
        }
        List<String> parts = new ArrayList<>();
        for (String isa : isas) {
            TreeSet<String> executors = new TreeSet<>();
            for (Cpu c : cpus) {
                if (isa.equals(c.isa() == null ? "no oneDNN" : c.isa())) {
                    executors.add(c.executor());
                }
            }
            parts.add(isa + " (" + executors.size() + (executors.size() == 1 ? " executor)" : " executors)"));
        }
        return String.join(", ", parts);
    }

    /** One task: host, executor id and oneDNN's level, tab-separated (a String needs no Kryo registration). */
    static final class Report extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Integer>,
            scala.collection.Iterator<String>> implements FlatMapFunction<java.util.Iterator<Integer>, String>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public scala.collection.Iterator<String> apply(scala.collection.Iterator<Integer> ignored) {
            return scala.jdk.javaapi.CollectionConverters.asScala(List.of(line()).iterator());
        }

        @Override
        public java.util.Iterator<String> call(java.util.Iterator<Integer> ignored) {
            return List.of(line()).iterator();
        }

        private static String line() {
            SparkEnv env = SparkEnv.get();
            String isa = OneDnn.available() ? OneDnn.isa().name() : "";
            return env.blockManager().blockManagerId().host() + "\t" + env.executorId() + "\t" + isa;
        }
    }
}
