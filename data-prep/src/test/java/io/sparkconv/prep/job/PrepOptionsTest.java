package io.sparkconv.prep.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Records per file: automatic from the image size unless --shard-records is given. */
class PrepOptionsTest {
    @Test
    void automaticRecordsPerFileFitFourMebibytesOfPixels() {
        assertEquals(1000, PrepOptions.autoShardRecords(1, 28), "28x28 grey: 5,349 fit, capped at 1,000");
        assertEquals(85, PrepOptions.autoShardRecords(3, 128));
        assertEquals(21, PrepOptions.autoShardRecords(3, 256));
        assertEquals(1000, PrepOptions.autoShardRecords(3, 0), "kept sizes vary: the cap");
        assertEquals(1, PrepOptions.autoShardRecords(3, 4096), "an image beyond 4 MiB still gets a file of one");
        // 4 MiB is exactly 341.33 RGB records of 64x64
        assertEquals(341, PrepOptions.autoShardRecords(3, 64));
    }

    @Test
    void givenRecordsPerFileWinAndZeroIsAutomatic() {
        PrepOptions o = PrepOptions.of("in", "out").withSize(256);
        assertEquals(0, o.shardRecords(), "not given");
        assertEquals(21, o.resolvedShardRecords(3));
        assertEquals(64, o.resolvedShardRecords(1), "grey 256x256: 64 KiB a record");
        assertEquals(500, o.withShardRecords(500).resolvedShardRecords(3), "a given count wins");
        assertEquals(1000, PrepOptions.of("in", "out").resolvedShardRecords(3), "size kept");
    }

    @Test
    void aNegativeCountIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrepOptions.of("in", "out").withShardRecords(-1));
        assertTrue(e.getMessage().contains("--shard-records -1"), e.getMessage());
    }
}
