package io.sparkconv.prep.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.testing.SharedSparkSession;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedSparkSession.class)
class StableSplitTest {
    private static List<String> keys(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "train-images-idx3-ubyte.gz#" + i).collect(Collectors.toList());
    }

    /** Pinned: a change to the hash would move every prepared record to another split or fold. */
    @Test
    void positionsAreThoseOfEarlierVersions() {
        assertEquals(0x80bf0428040cd75eL, StableSplit.hash("cat/0001.jpg"));
        assertEquals(0.5029146764464258, StableSplit.position("cat/0001.jpg"));
        assertEquals(0.729539127945942, StableSplit.position("train-images-idx3-ubyte.gz#17"));
    }

    @Test
    void fractionIsRespectedOnRealKeys() {
        long val = keys(0, 60_000).stream().filter(k -> StableSplit.inFirst(k, 0.1)).count();
        assertTrue(val > 5_700 && val < 6_300, "validation count " + val);
    }

    @Test
    void sameAssignmentOnExecutorsWhateverThePartitioning(SparkSession spark) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> keys = keys(0, 20_000);
        List<String> onDriver = keys.stream().filter(k -> StableSplit.inFirst(k, 0.2)).sorted().toList();
        for (int partitions : new int[] {1, 3, 7}) {
            List<String> onExecutors = new ArrayList<>(sc.parallelize(keys, partitions)
                    .filter(k -> StableSplit.inFirst(k, 0.2)).collect());
            onExecutors.sort(null);
            assertEquals(onDriver, onExecutors, partitions + " partitions");
        }
    }

    @Test
    void addingRecordsDoesNotMoveExistingOnes() {
        List<String> before = keys(0, 5_000).stream().filter(k -> StableSplit.inFirst(k, 0.3)).toList();
        List<String> after = keys(0, 9_000).stream().filter(k -> StableSplit.inFirst(k, 0.3))
                .filter(k -> Integer.parseInt(k.substring(k.indexOf('#') + 1)) < 5_000).toList();
        assertEquals(before, after);
    }
}
