package io.sparkconv.driver.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkconv.driver.train.Classifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PredictTaskTest {
    @Test
    void theMostProbableClassesAreThoseAFullSortGivesTiesInClassOrder() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 2000; trial++) {
            int classes = 1 + rng.nextInt(12);
            float[] p = new float[3 + classes];
            for (int c = 0; c < classes; c++) {
                // few distinct values, so ties are common
                p[3 + c] = rng.nextInt(4) / 4f;
            }
            int k = 1 + rng.nextInt(classes);
            int[] order = new int[k];
            PredictTask.mostProbable(p, 3, classes, order);
            int[] sorted = IntStream.range(0, classes).boxed()
                    .sorted(Comparator.comparingDouble((Integer c) -> -p[3 + c]).thenComparingInt(c -> c))
                    .mapToInt(Integer::intValue).limit(k).toArray();
            assertArrayEquals(sorted, order, Arrays.toString(p));
            assertEquals(Classifier.argmax(Arrays.copyOfRange(p, 3, 3 + classes), 0, classes), order[0]);
        }
    }
}
