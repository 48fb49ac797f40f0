package io.sparkconv.driver.train;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.data.SplitUnits;
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

/** A trained run's model: its final checkpoint and the resolved config it was trained with. */
public record TrainedModel(Checkpoint checkpoint, TrainConfig config) {
    /** The model of a run directory (its {@code model/}), or of a checkpoint directory itself. */
    public static TrainedModel of(Path run) throws IOException {
        Path modelDir = Files.isDirectory(run.resolve("model")) ? run.resolve("model") : run;
        Checkpoint model = Checkpoint.latest(modelDir.toAbsolutePath().toUri().toString()).orElseThrow(
                () -> new IllegalArgumentException("--run " + run + ": no checkpoint in " + modelDir));
        return new TrainedModel(model, TrainConfig.fromJson(model.header().configJson()));
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
        Augmenter augmenter = new Augmenter(config.augment(),
                TrainingStatistics.local(config.data(), config.augment(), data.train()));
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
