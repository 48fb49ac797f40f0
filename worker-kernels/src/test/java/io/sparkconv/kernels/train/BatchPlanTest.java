package io.sparkconv.kernels.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
    @Test
    void eachEpochIsAPermutationThatDependsOnlyOnSeedAndEpoch() {
        BatchPlan plan = new BatchPlan(42, 1000, 64);
        int[] e0 = plan.epochOrder(0);
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertArrayEquals(e0, new BatchPlan(42, 1000, 64).epochOrder(0));
        assertFalse(Arrays.equals(e0, plan.epochOrder(1)));
        assertFalse(Arrays.equals(e0, new BatchPlan(43, 1000, 64).epochOrder(0)));
        assertEquals(16, plan.stepsPerEpoch());
        assertEquals(1000 - 15 * 64, plan.batchLength(15));
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
                assertEquals(true, max - min <= 1);
            }
        }
    }
}
