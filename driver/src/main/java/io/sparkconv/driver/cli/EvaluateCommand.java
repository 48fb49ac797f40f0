package io.sparkconv.driver.cli;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.report.TestLedger;
import io.sparkconv.driver.data.TrainingData;
import io.sparkconv.driver.train.Evaluation;
import io.sparkconv.kernels.backends.BackendChoice;
import io.sparkconv.kernels.backends.Backends;
import io.sparkconv.kernels.cpu.PrecisionChoice;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.augment.Augmenter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkconv evaluate --run DIR [--split validation|test]}: scores a trained model on one split
 * of the data it was trained for. Scoring the test split is recorded in the test ledger and warns
 * loudly when that split was scored before.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a trained run's model on its validation or test split (the test split use is recorded).")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "A run directory (holding model/) or a checkpoint directory.")
    Path run;

    @Option(names = "--split", defaultValue = "validation", description = "validation (default) or test.")
    String split;

    @Option(names = "--backend", description = "Override runtime.backend: auto, java or onednn.")
    String backend;

    @Override
    public Integer call() throws Exception {
        String which = split.toLowerCase(Locale.ROOT);
        if (!which.equals("validation") && !which.equals("test")) {
            throw new IllegalArgumentException("--split must be validation or test, got '" + split + "'");
        }
        Path modelDir = Files.isDirectory(run.resolve("model")) ? run.resolve("model") : run;
        Checkpoint model = Checkpoint.latest(modelDir.toAbsolutePath().toUri().toString()).orElseThrow(
                () -> new IllegalArgumentException("--run " + run + ": no checkpoint in " + modelDir));
        TrainConfig config = TrainConfig.fromJson(model.header().configJson());
        NetPlan plan = NetPlan.of(config.netSpec());
        TrainingData data = TrainingData.load(config.data(), config.augment(), plan.input(), plan.spec().name());
        // The normalization the run trained with: its training part's statistics, recomputed the same way.
        Augmenter augmenter = Augmenter.fit(config.augment(), data.train());
        ImageSet set = which.equals("test") ? data.test() : data.validation();
        if (set.size() == 0) {
            throw new IllegalArgumentException("the run's " + which + " split is empty (it trained on all its training files)");
        }
        int batch = config.training().evalBatchSize();
        // A bf16 run is scored in bf16 where this CPU has it natively, else in fp32: the model's weights are fp32.
        PrecisionChoice precision = config.runtime().precision() == PrecisionChoice.FP32 ? PrecisionChoice.FP32 : PrecisionChoice.AUTO;
        try (ThreadTeam team = ThreadTeam.allCores();
             Net net = Backends.select(backend != null ? BackendChoice.parse(backend) : config.runtime().backend(), precision)
                     .compile(plan, batch, team)) {
            System.arraycopy(model.params(), 0, net.parameters(), 0, model.params().length);
            net.parametersChanged();
            Evaluation e = Evaluation.of(net, set, augmenter, batch);
            System.out.printf(Locale.ROOT, "%s accuracy %.4f (loss %.4f) on %,d images of %s%n",
                    which, e.accuracy(), e.loss(), e.images(), config.data().path());
            if (which.equals("test")) {
                TestLedger.forUser().noteUse(config.data(), "evaluate", run.toAbsolutePath().toString(), e.accuracy(),
                        System.out, true);
            }
        }
        return 0;
    }
}
