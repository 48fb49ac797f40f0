package io.sparkconv.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.testing.FashionSlice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
    static final Path LENET = Path.of("..", "conf", "nets", "lenet.yaml").toAbsolutePath().normalize();

    private static String capture(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(args), String.join(" ", args));
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static double accuracy(String printed, String split) {
        Matcher m = Pattern.compile(split + " accuracy ([0-9.]+)").matcher(printed);
        assertTrue(m.find(), printed);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void scoresTheRunsSplitsAsTrainingDidAndWarnsOnASecondTestScoring(@TempDir Path dir) throws Exception {
        // A test split of its own (a slice no other test writes), so the ledger's count is this test's.
        Path data = FashionSlice.write(dir.resolve("data"), 500, 137);
        Path conf = dir.resolve("train.yaml");
        Files.writeString(conf, "net: " + LENET + "\n"
                + "data: {format: idx, path: " + data + ", validation_fraction: 0.2}\n"
                + "training: {epochs: 1, batch_size: 50, seed: 3}\nruntime: {backend: java, threads: 1}\n");
        Path run = dir.resolve("run");
        String trained = capture("train", "--conf", conf.toString(), "--out", run.toString(), "--master", "none");
        assertTrue(!trained.contains("scored"), "a first scoring is not a reuse: " + trained);
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());

        String val = capture("evaluate", "--run", run.toString());
        assertEquals(summary.get("val_accuracy").get(0).asDouble(), accuracy(val, "validation"), 1e-4);
        assertTrue(!val.contains("WARNING"), val);

        String test = capture("evaluate", "--run", run.toString(), "--split", "test", "--backend", "java");
        assertEquals(summary.get("test_accuracy").asDouble(), accuracy(test, "test"), 1e-4);
        assertTrue(test.contains("WARNING: the test split") && test.contains("scored 1 time before")
                && test.contains("train"), test);
    }
}
