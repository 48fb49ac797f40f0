package io.sparkconv.driver.train;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.driver.json.Json;
import io.sparkconv.prep.augment.PixelStatistics;
import io.sparkconv.kernels.backends.BackendChoice;
import io.sparkconv.kernels.backends.Backends;
import io.sparkconv.kernels.cpu.PrecisionChoice;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.prep.augment.Augmenter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained run's model: its final checkpoint, the resolved config it was trained with, and what
 * its inputs are normalized by ({@code model/statistics.json}, written with the model, so a model
 * classifies new images without the data it was trained on).
 *
 * @param dir the model's folder
 */
public record TrainedModel(Checkpoint checkpoint, TrainConfig config, Path dir) {
    /** Where a model's folder keeps the augmenter's statistics. */
    public static final String STATISTICS_FILE = "statistics.json";
    /** Where a model's folder keeps its classes' names, by class number. */
    public static final String CLASSES_FILE = "classes.json";

    /** The model of a run directory (its {@code model/}), or of a checkpoint directory itself. */
    public static TrainedModel of(Path run) throws IOException {
        Path modelDir = Files.isDirectory(run.resolve("model")) ? run.resolve("model") : run;
        Checkpoint model = Checkpoint.latest(modelDir.toAbsolutePath().toUri().toString()).orElseThrow(
                () -> new IllegalArgumentException("--run " + run + ": no checkpoint in " + modelDir));
        return new TrainedModel(model, TrainConfig.fromJson(model.header().configJson()), modelDir);
    }

    /**
     * Writes beside a run's model what using it needs besides its parameters: the statistics it
     * normalizes its inputs by, and its classes' names.
     */
    public static void writeAlongside(Path modelDir, PixelStatistics statistics, TrainConfig config, int classes)
            throws IOException {
        Files.createDirectories(modelDir);
        Json.writeAtomically(modelDir.resolve(STATISTICS_FILE), statistics);
        Json.writeAtomically(modelDir.resolve(CLASSES_FILE), RunData.classNames(config.data(), classes));
    }

    /**
     * The classes' names, by class number: the model's {@code classes.json}, or, for a model written
     * before it was kept, the run's dataset's (numbers when that is gone).
     */
    public java.util.List<String> classNames(int classes) throws IOException {
        Path file = dir.resolve(CLASSES_FILE);
        if (Files.isRegularFile(file)) {
            return java.util.List.of(Json.MAPPER.readValue(file.toFile(), String[].class));
        }
        try {
            return RunData.classNames(config.data(), classes);
        } catch (IOException e) {
            // the run's dataset is gone: classes by number
            return java.util.stream.IntStream.range(0, classes).mapToObj(Integer::toString).toList();
        }
    }

    /**
     * What the run normalized its inputs by: the model's {@code statistics.json}, or, for a model
     * written before it was kept, measured again on the run's training part as the run did.
     */
    public PixelStatistics statistics() throws IOException {
        Path file = dir.resolve(STATISTICS_FILE);
        if (Files.isRegularFile(file)) {
            return Json.MAPPER.readValue(file.toFile(), PixelStatistics.class);
        }
        return TrainingStatistics.local(config.data(), config.augment(), RunData.open(config.data()).train());
    }

    /**
     * Scores the run's validation or test split as training did: the same split of the same data,
     * normalized by its training part's statistics (recomputed the same way), the evaluation crops.
     * A bf16 run is scored in bf16 where this CPU has it natively, else in fp32 (the weights are fp32).
     *
     * @param backend the run's own backend when null
     */
    public Evaluation score(boolean test, BackendChoice backend) throws IOException {
        NetPlan plan = RunContext.of(config).plan();
        RunData data = RunData.open(config.data());
        Augmenter augmenter = new Augmenter(config.augment(), statistics());
        SplitUnits set = test ? data.test() : data.validation();
        if (set.totalRecords() == 0) {
            throw new IllegalArgumentException("the run's " + (test ? "test" : "validation")
                    + " split is empty (it trained on all its training files)");
        }
        int batch = config.training().evalBatchSize();
        PrecisionChoice precision = config.runtime().precision() == PrecisionChoice.FP32 ? PrecisionChoice.FP32 : PrecisionChoice.AUTO;
        try (ThreadTeam team = ThreadTeam.allCores();
             Net net = Backends.select(backend != null ? backend : config.runtime().backend(), precision)
                     .compile(plan, batch, team)) {
            System.arraycopy(checkpoint.params(), 0, net.parameters(), 0, checkpoint.params().length);
            net.parametersChanged();
            return Evaluation.of(Evaluation.over(net, set, set.unitsOf(0, 1), augmenter, batch));
        }
    }
}
