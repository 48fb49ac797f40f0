package io.sparkconv.prep.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitRuleTest {
    @Test
    void splitsAndFoldsFollowThePositionOfTheKey() {
        SplitRule rule = new SplitRule(0.1, 0.2, 4);
        long[] folds = new long[4];
        int train = 0;
        for (int i = 0; i < 20_000; i++) {
            String key = "class" + (i % 7) + "/img" + i + ".jpg";
            double p = StableSplit.position(key);
            Split s = rule.split(key, false);
            assertEquals(p < 0.1 ? Split.VALIDATION : p < 0.3 ? Split.TEST : Split.TRAIN, s, key);
            int fold = rule.fold(key, false);
            if (s == Split.TRAIN) {
                train++;
                assertEquals(Math.min(3, (int) Math.floor((p - 0.3) / 0.7 * 4)), fold, key);
                folds[fold]++;
            } else {
                assertEquals(-1, fold);
            }
        }
        assertEquals(train, IntStream.range(0, 4).mapToLong(k -> folds[k]).sum(), "folds partition train");
        for (long f : folds) {
            assertTrue(Math.abs(f - train / 4.0) < 0.05 * train, "balanced folds " + java.util.Arrays.toString(folds));
        }
    }

    @Test
    void theSourcesOwnTestFilesAreTestAndValidationMatchesTheTrainer() {
        SplitRule rule = new SplitRule(0.1, 0, 3);
        for (int i = 0; i < 5_000; i++) {
            String key = "train-images-idx3-ubyte.gz#" + i;
            // TrainingData.splitTrainValidation's rule
            assertEquals(StableSplit.inFirst(key, 0.1), rule.split(key, false) == Split.VALIDATION);
            assertEquals(Split.TEST, rule.split("t10k-images-idx3-ubyte.gz#" + i, true));
            assertEquals(-1, rule.fold("t10k-images-idx3-ubyte.gz#" + i, true));
        }
    }

    @Test
    void foldsOfPositionsNearTheEnds() {
        assertEquals(0, StableSplit.fold(0.3, 0.3, 5));
        assertEquals(4, StableSplit.fold(Math.nextDown(1.0), 0.3, 5));
        assertEquals(0, StableSplit.fold(0.5, 0.1, 1));
    }

    @Test
    void badFractionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SplitRule(0.6, 0.4, 2));
        assertThrows(IllegalArgumentException.class, () -> new SplitRule(-0.1, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new SplitRule(0.1, 0.1, 0));
    }
}
