package io.sparkconv.kernels.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamPlanTest {
    /**
     * 259 units of unequal size (the last of each prep task is short), 11,950 records: K = 2, 3
     * divide neither the units nor the records; 64 virtual shards.
     */
    static final long[] UNITS = units();

    static long[] units() {
        long[] u = new long[259];
        java.util.Arrays.fill(u, 46);
        u[100] = 25;
        u[200] = 11;
        u[258] = 0; // an empty file
        u[257] = 11950 - 46 * 255 - 25 - 11;
        return u;
    }

    /** Worker by worker: the record ids each one trains on in an epoch, step by step. */
    static List<long[][]> epochByWorker(StreamPlan plan, int workers, int epoch) {
        ShardOrder[] orders = plan.orders(epoch);
        List<long[][]> out = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            long[][] steps = new long[plan.stepsPerEpoch()][];
            for (int s = 0; s < plan.stepsPerEpoch(); s++) {
                List<Long> ids = new ArrayList<>();
                int worker = w;
                plan.items(s, w, workers, (shard, position) -> {
                    assertEquals(worker, StreamPlan.owner(shard, workers));
                    ids.add(orders[shard].recordAt(position));
                });
                assertEquals(plan.shareSize(w, workers, s), ids.size());
                steps[s] = ids.stream().mapToLong(Long::longValue).toArray();
            }
            out.add(steps);
        }
        return out;
    }

    @ParameterizedTest(name = "K = {0}")
    @ValueSource(ints = {1, 2, 3})
    void everyRecordIsUsedAtMostOnceAndAllButTheLastPartialBatchAreUsed(int workers) {
        StreamPlan plan = new StreamPlan(7, UNITS, 64, 100);
        plan.checkWorkers(workers);
        assertEquals(119, plan.stepsPerEpoch());
        for (int epoch = 0; epoch < 2; epoch++) {
            Set<Long> seen = new HashSet<>();
            for (long[][] steps : epochByWorker(plan, workers, epoch)) {
                for (long[] step : steps) {
                    for (long id : step) {
                        assertTrue(id >= 0 && id < plan.records(), "id " + id);
                        assertTrue(seen.add(id), "record " + id + " twice in epoch " + epoch);
                    }
                }
            }
            assertEquals(119 * 100, seen.size());
        }
    }

    @Test
    void aBatchSizeThatDividesTheRecordsUsesEveryRecordExactlyOnce() {
        long[] units = new long[10]; // 1,000 records, batch 50
        java.util.Arrays.fill(units, 100);
        StreamPlan plan = new StreamPlan(3, units, 8, 50);
        assertEquals(8, plan.shards());
        for (int workers = 1; workers <= 3; workers++) {
            Set<Long> seen = new HashSet<>();
            epochByWorker(plan, workers, 4).forEach(steps -> Arrays.stream(steps).forEach(
                    step -> Arrays.stream(step).forEach(id -> assertTrue(seen.add(id)))));
            assertEquals(1000, seen.size(), workers + " workers");
        }
    }

    @Test
    void theGlobalBatchesDoNotDependOnTheNumberOfWorkers() {
        StreamPlan plan = new StreamPlan(7, UNITS, 64, 100);
        long[] global = plan.globalBatch(plan.orders(1), 5);
        for (int workers = 1; workers <= 4; workers++) {
            long[] union = epochByWorker(plan, workers, 1).stream().flatMapToLong(w -> Arrays.stream(w[5])).sorted().toArray();
            assertArrayEquals(Arrays.stream(global).sorted().toArray(), union, workers + " workers");
        }
    }

    @Test
    void everyEpochDrawsOtherBatchesFromTheSeed() {
        StreamPlan plan = new StreamPlan(7, UNITS, 64, 100);
        long[] e0 = plan.globalBatch(plan.orders(0), 0);
        assertArrayEquals(e0, new StreamPlan(7, UNITS, 64, 100).globalBatch(plan.orders(0), 0));
        assertFalse(Arrays.equals(e0, plan.globalBatch(plan.orders(1), 0)));
        assertFalse(Arrays.equals(e0, new StreamPlan(8, UNITS, 64, 100).globalBatch(new StreamPlan(8, UNITS, 64, 100).orders(0), 0)));
    }

    @Test
    void everyBatchDrawsFromEveryShardAndSoFromAcrossTheUnits() {
        StreamPlan plan = new StreamPlan(7, UNITS, 64, 128);
        long[] batch = plan.globalBatch(plan.orders(0), 10);
        Set<Integer> units = new HashSet<>();
        for (long id : batch) {
            int u = 0;
            while (plan.unitStart(u + 1) <= id) {
                u++;
            }
            units.add(u);
        }
        // every shard's current unit: 64 of them, or 65 where a stream crosses into its next unit
        assertTrue(units.size() >= 64, "units in one batch: " + units.size());
    }

    @Test
    void sharesAreBalancedWhenKDividesV() {
        StreamPlan plan = new StreamPlan(7, UNITS, 64, 100);
        for (int workers : new int[] {1, 2, 4, 8}) {
            for (int w = 0; w < workers; w++) {
                int[] range = plan.shareRange(w, workers);
                assertTrue(range[1] - range[0] <= 1, workers + " workers: " + Arrays.toString(range));
                for (int s = 0; s < plan.stepsPerEpoch(); s++) {
                    int n = plan.shareSize(w, workers, s);
                    assertTrue(n >= range[0] && n <= range[1]);
                }
            }
        }
    }

    @Test
    void theStreamPositionOfAStepIsWhatTheStepsBeforeItConsumed() {
        StreamPlan plan = new StreamPlan(7, UNITS, 64, 100);
        long[] used = new long[plan.shards()];
        for (int s = 0; s < plan.stepsPerEpoch(); s++) {
            for (int v = 0; v < plan.shards(); v++) {
                assertEquals(used[v], plan.consumed(v, s), "shard " + v + " step " + s);
            }
            plan.items(s, -1, 1, (shard, position) -> {
                assertEquals(used[shard], position);
                used[shard]++;
            });
        }
        for (int v = 0; v < plan.shards(); v++) {
            assertTrue(used[v] <= plan.shardSize(v));
        }
    }

    @Test
    void shardsCoverTheRecordsInEqualContiguousRanges() {
        StreamPlan plan = new StreamPlan(7, UNITS, 64, 100);
        long next = 0;
        for (int v = 0; v < plan.shards(); v++) {
            assertEquals(next, plan.shardStart(v));
            assertTrue(plan.shardSize(v) == 186 || plan.shardSize(v) == 187, "shard size " + plan.shardSize(v));
            long covered = plan.pieces(v).stream().mapToLong(StreamPlan.Piece::size).sum();
            assertEquals(plan.shardSize(v), covered);
            next += plan.shardSize(v);
        }
        assertEquals(plan.records(), next);
    }

    @Test
    void aDatasetOfFewUnitsGetsAtMostOneShardAUnitRoundedDownToAPowerOfTwo() {
        long[] fashion = new long[56];
        java.util.Arrays.fill(fashion, 1000);
        assertEquals(32, new StreamPlan(7, fashion, 64, 100).shards());
        long[] large = new long[5000];
        java.util.Arrays.fill(large, 21);
        assertEquals(64, new StreamPlan(7, large, 64, 100).shards());
        assertEquals(48, new StreamPlan(7, large, 48, 100).shards());
    }

    @Test
    void aPlanTheWorkersCannotShareIsRefused() {
        StreamPlan plan = new StreamPlan(7, UNITS, 4, 100);
        assertThrows(IllegalArgumentException.class, () -> plan.checkWorkers(5));
        assertThrows(IllegalArgumentException.class, () -> new StreamPlan(7, new long[] {10, 5}, 4, 16));
    }
}
