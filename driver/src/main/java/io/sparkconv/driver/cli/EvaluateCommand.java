package io.sparkconv.driver.cli;

import io.sparkconv.driver.report.TestLedger;
import io.sparkconv.driver.train.Evaluation;
import io.sparkconv.driver.train.TrainedModel;
import io.sparkconv.kernels.backends.BackendChoice;
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
        TrainedModel model = TrainedModel.of(run);
        Evaluation e = model.score(which.equals("test"), backend != null ? BackendChoice.parse(backend) : null);
        System.out.printf(Locale.ROOT, "%s accuracy %.4f (loss %.4f) on %,d images of %s%n",
                which, e.accuracy(), e.loss(), e.images(), model.config().data().path());
        if (which.equals("test")) {
            TestLedger.forUser().noteUse(model.config().data(), "evaluate", run.toAbsolutePath().toString(), e.accuracy(),
                    System.out, true);
        }
        return 0;
    }
}
