package io.sparkconv.kernels.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
    @Test
    void oneWorkerShufflesEveryEpochFromTheSeed() {
        BatchPlan plan = new BatchPlan(42, 1000, 64, 1);
        int[] e0 = plan.shardOrder(0, 0);
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertArrayEquals(e0, new BatchPlan(42, 1000, 64, 1).shardOrder(0, 0));
        assertFalse(Arrays.equals(e0, plan.shardOrder(1, 0)));
        assertFalse(Arrays.equals(e0, new BatchPlan(43, 1000, 64, 1).shardOrder(0, 0)));
        assertEquals(15, plan.stepsPerEpoch(), "the last partial batch is left for another epoch");
        assertArrayEquals(Arrays.copyOfRange(e0, 64, 128), plan.globalBatch(plan.shardOrders(0), 1));
    }

    @Test
    void workersDrawDisjointSharesFromTheirOwnShards() {
        // B = 10 over K = 3 workers: shares 4, 3, 3; 101 samples in shards of 34, 34, 33.
        BatchPlan plan = new BatchPlan(7, 101, 10, 3);
        assertEquals(4, plan.shareSize(0));
        assertEquals(3, plan.shareSize(2));
        assertEquals(8, plan.stepsPerEpoch()); // min(34/4, 34/3, 33/3) = 8
        Set<Integer> seen = new HashSet<>();
        for (int step = 0; step < plan.stepsPerEpoch(); step++) {
            int[] batch = plan.globalBatch(plan.shardOrders(2), step);
            assertEquals(10, batch.length);
            for (int i = 0; i < batch.length; i++) {
                int worker = i < 4 ? 0 : i < 7 ? 1 : 2;
                assertEquals(worker, batch[i] % 3, "sample " + batch[i] + " comes from its worker's shard");
                assertTrue(seen.add(batch[i]), "no sample twice in an epoch");
            }
        }
    }

    @Test
    void sharesCoverTheBatchAndDifferByAtMostOne() {
        for (int length : new int[] {2, 7, 100, 101}) {
            for (int workers = 1; workers <= Math.min(length, 5); workers++) {
                int next = 0;
                int min = Integer.MAX_VALUE;
                int max = 0;
                for (int w = 0; w < workers; w++) {
                    int[] s = BatchPlan.share(length, w, workers);
                    assertEquals(next, s[0]);
                    next = s[1];
                    min = Math.min(min, s[1] - s[0]);
                    max = Math.max(max, s[1] - s[0]);
                }
                assertEquals(length, next);
                assertTrue(max - min <= 1);
            }
        }
    }
}
