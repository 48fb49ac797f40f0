package io.sparkconv.driver.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.backends.BackendChoice;
import io.sparkconv.kernels.cpu.Precision;
import io.sparkconv.kernels.cpu.PrecisionChoice;
import io.sparkconv.kernels.onednn.OneDnn;
import io.sparkconv.testing.SharedSparkSession;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One precision per run, from what every executor's CPU runs natively. */
@ExtendWith(SharedSparkSession.class)
class ExecutorCpusTest {
    static final ExecutorCpus.Cpu ZEN3 = new ExecutorCpus.Cpu("a", "1", "avx2");
    static final ExecutorCpus.Cpu SKYLAKE = new ExecutorCpus.Cpu("b", "2", "avx512_core");
    static final ExecutorCpus.Cpu ZEN4 = new ExecutorCpus.Cpu("c", "3", "avx512_core_bf16");
    static final ExecutorCpus.Cpu SAPPHIRE = new ExecutorCpus.Cpu("d", "4", "avx512_core_amx");
    static final ExecutorCpus.Cpu NO_ONEDNN = new ExecutorCpus.Cpu("e", "5", null);

    @Test
    void autoTakesBf16OnlyWhenEveryExecutorHasItNatively() {
        assertEquals(Precision.BF16, ExecutorCpus.resolve(PrecisionChoice.AUTO, BackendChoice.AUTO, List.of(ZEN4, SAPPHIRE)));
        assertEquals(Precision.FP32, ExecutorCpus.resolve(PrecisionChoice.AUTO, BackendChoice.AUTO, List.of(ZEN4, SAPPHIRE, ZEN3)));
        assertEquals(Precision.FP32, ExecutorCpus.resolve(PrecisionChoice.AUTO, BackendChoice.ONEDNN, List.of(SKYLAKE)));
        assertEquals(Precision.FP32, ExecutorCpus.resolve(PrecisionChoice.AUTO, BackendChoice.AUTO, List.of(ZEN4, NO_ONEDNN)));
        assertEquals(Precision.FP32, ExecutorCpus.resolve(PrecisionChoice.AUTO, BackendChoice.JAVA, List.of(ZEN4)));
        assertEquals(Precision.FP32, ExecutorCpus.resolve(PrecisionChoice.FP32, BackendChoice.AUTO, List.of(ZEN4)));
    }

    @Test
    void bf16NamesTheExecutorThatCannotRunIt() {
        assertEquals(Precision.BF16, ExecutorCpus.resolve(PrecisionChoice.BF16, BackendChoice.AUTO, List.of(ZEN4, SAPPHIRE)));
        var e = assertThrows(PrecisionChoice.UnsupportedPrecisionException.class,
                () -> ExecutorCpus.resolve(PrecisionChoice.BF16, BackendChoice.AUTO, List.of(ZEN4, SKYLAKE)));
        assertTrue(e.getMessage().contains("avx512_core on executor 2 on b"), e.getMessage());
        e = assertThrows(PrecisionChoice.UnsupportedPrecisionException.class,
                () -> ExecutorCpus.resolve(PrecisionChoice.BF16, BackendChoice.ONEDNN, List.of(NO_ONEDNN)));
        assertTrue(e.getMessage().contains("executor 5 on e"), e.getMessage());
    }

    @Test
    void describeSaysWhatRanWhere() {
        assertEquals("avx2", ExecutorCpus.describe(List.of(ZEN3, new ExecutorCpus.Cpu("a", "9", "avx2"))));
        assertEquals("avx2 (1 executor), avx512_core_bf16 (2 executors)",
                ExecutorCpus.describe(List.of(ZEN4, ZEN3, new ExecutorCpus.Cpu("f", "6", "avx512_core_bf16"))));
    }

    /** The probe itself, on the test JVM's local[2] session: a barrier stage and a plain job, two tasks each. */
    @Test
    void probeAsksTheTasks(SparkSession spark) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String here = OneDnn.available() ? OneDnn.isa().name() : null;
        for (boolean barrier : new boolean[] {true, false}) {
            List<ExecutorCpus.Cpu> cpus = ExecutorCpus.probe(sc, 2, barrier);
            assertEquals(2, cpus.size());
            for (ExecutorCpus.Cpu c : cpus) {
                assertEquals("driver", c.executor(), "local mode's one executor");
                assertEquals(here, c.isa());
                assertTrue(!c.host().isEmpty());
            }
        }
    }
}
