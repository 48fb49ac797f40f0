package io.sparkconv.driver.cv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.driver.config.DataFormat;
import io.sparkconv.driver.data.IdxSplits;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.idx.IdxImageSets;
import io.sparkconv.prep.split.StableSplit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class FoldsTest {
    /** The sizes a run plans with come from the IDX headers and the keys' hash alone, and they are the sizes load gives. */
    @Test
    void sizesFromTheIdxHeadersAreTheLoadedOnes() throws Exception {
        Assumptions.assumeTrue(java.nio.file.Files.isDirectory(IdxImageSets.DEBIAN_FASHION_MNIST));
        DataConfig base = new DataConfig(DataFormat.IDX, IdxImageSets.DEBIAN_FASHION_MNIST.toString(), 0.1);
        for (DataConfig d : new DataConfig[] {base, base.holdingOut(3, 1), base.trainingOnAll()}) {
            IdxSplits loaded = IdxSplits.load(d);
            assertEquals(new RunData.Sizes(loaded.train().size(), loaded.validation().size(), loaded.test().size()),
                    RunData.layout(d).sizes(), d.toString());
            RunData opened = RunData.open(d);
            assertEquals(loaded.train().size(), opened.train().totalRecords());
            assertEquals(java.util.Arrays.stream(RunData.layout(d).trainUnits()).sum(), opened.train().totalRecords());
        }
    }

    @Test
    void heldOutFoldsPartitionTheTrainingSplitAndNeverTrain() throws Exception {
        Assumptions.assumeTrue(java.nio.file.Files.isDirectory(IdxImageSets.DEBIAN_FASHION_MNIST));
        ImageSet all = IdxImageSets.train(IdxImageSets.DEBIAN_FASHION_MNIST);
        double v = 0.1;
        ImageSet train = IdxSplits.splitTrainValidation(all, v)[0];
        int k = 3;
        Set<String> seen = new HashSet<>();
        int[] sizes = new int[k];
        for (int f = 0; f < k; f++) {
            ImageSet[] parts = IdxSplits.splitHeldOutFold(train, v, k, f);
            Set<String> heldOut = new HashSet<>(Arrays.asList(parts[1].keys()));
            for (String key : parts[0].keys()) {
                assertTrue(!heldOut.contains(key), key + " of held-out fold " + f + " is in its training part");
            }
            assertEquals(train.size(), parts[0].size() + parts[1].size());
            for (String key : parts[1].keys()) {
                assertTrue(seen.add(key), key + " is in two folds");
                // The rule: the key's stable position in the training range [v, 1), cut in k parts.
                double p = StableSplit.position(key);
                assertEquals(f, Math.min(k - 1, (int) ((p - v) / (1 - v) * k)));
            }
            sizes[f] = parts[1].size();
        }
        assertEquals(train.size(), seen.size(), "the folds cover the training split");
        for (int size : sizes) {
            assertTrue(Math.abs(size - train.size() / 3.0) < 0.02 * train.size(), Arrays.toString(sizes));
        }
    }

    @Test
    void aFoldDependsOnItsKeyAlone() {
        String[] keys = {"a#1", "b#2", "c#3", "d#4", "e#5", "f#6", "g#7", "h#8"};
        for (String key : keys) {
            if (StableSplit.position(key) >= 0.1) {
                int fold = IdxSplits.fold(key, 0.1, 5);
                assertTrue(fold >= 0 && fold < 5);
                assertEquals(fold, IdxSplits.fold(key, 0.1, 5));
            } else {
                assertThrows(IllegalArgumentException.class, () -> IdxSplits.fold(key, 0.1, 5));
            }
        }
    }

    @Test
    void dataConfigChecksFolds() {
        assertThrows(IllegalArgumentException.class, () -> new DataConfig(DataFormat.IDX, "/x", 0.1, 1, -1, null));
        assertThrows(IllegalArgumentException.class, () -> new DataConfig(DataFormat.IDX, "/x", 0.1, 3, 3, null));
        assertThrows(IllegalArgumentException.class, () -> new DataConfig(DataFormat.IDX, "/x", 0.1, 0, 0, null));
        DataConfig d = new DataConfig(DataFormat.IDX, "/x", 0.1).holdingOut(3, 2);
        assertEquals(2, d.heldOutFold());
        assertTrue(d.trainingOnAll().trainOnValidation());
        assertEquals(-1, d.trainingOnAll().heldOutFold());
    }
}
