package io.sparkconv.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.driver.config.DataFormat;
import io.sparkconv.testing.FashionSlice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestLedgerTest {
    @Test
    void aCopyOfTheTestFilesIsTheSameTestSet(@TempDir Path dir) throws Exception {
        Path a = FashionSlice.write(dir.resolve("a"), 100, 50);
        Path b = dir.resolve("b");
        Files.createDirectories(b);
        try (var files = Files.list(a)) {
            for (Path f : files.toList()) {
                Files.copy(f, b.resolve(f.getFileName()));
            }
        }
        Path c = FashionSlice.write(dir.resolve("c"), 100, 60);
        String fa = TestLedger.fingerprint(new DataConfig(DataFormat.IDX, a.toString(), 0.1));
        assertEquals(fa, TestLedger.fingerprint(new DataConfig(DataFormat.IDX, b.toString(), 0.1)));
        assertNotEquals(fa, TestLedger.fingerprint(new DataConfig(DataFormat.IDX, c.toString(), 0.1)));
    }

    @Test
    void usesAreRecordedPerTestSetAndASecondUseWarns(@TempDir Path dir) throws Exception {
        TestLedger ledger = new TestLedger(dir.resolve("home/test-uses.jsonl"));
        assertEquals(List.of(), ledger.usesOf("f1"));
        ledger.record(new TestLedger.Use("/data", "f1", "cv", "runs/a", "2026-11-27T10:00:00Z", 0.91));
        ledger.record(new TestLedger.Use("/other", "f2", "cv", "runs/b", "2026-11-27T11:00:00Z", 0.5));
        List<TestLedger.Use> uses = ledger.usesOf("f1");
        assertEquals(1, uses.size());
        assertEquals(0.91, uses.get(0).accuracy());
        String warning = TestLedger.warning("/data", uses);
        assertTrue(warning.contains("WARNING") && warning.contains("scored 1 time before") && warning.contains("runs/a"), warning);
    }
}
