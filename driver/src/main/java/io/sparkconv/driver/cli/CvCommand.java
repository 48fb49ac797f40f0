package io.sparkconv.driver.cli;

import io.sparkconv.driver.config.DataConfig;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.cv.CrossValidation;
import io.sparkconv.driver.cv.CvOptions;
import io.sparkconv.driver.cv.SearchSpace;
import io.sparkconv.driver.cv.Setting;
import io.sparkconv.driver.report.TestLedger;
import io.sparkconv.prep.manifest.Manifest;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkconv cv --conf FILE --folds K --grid lr=0.1,0.03 l2=1e-3,5e-4}: search, retrain the best, test once. */
@Command(name = "cv", mixinStandardHelpOptions = true,
        description = "Cross-validated search over learning rate and L2 strength: every (setting, fold) trial is "
                + "its own Spark job in its own FAIR pool; the best setting is retrained on training + validation "
                + "data and scored once on the test split. Writes OUT/cv.json.")
final class CvCommand implements Callable<Integer> {
    @Option(names = "--conf", required = true, description = "Training config (YAML), e.g. conf/lenet-fashion-mnist.yaml.")
    Path conf;

    /** Folds when neither --folds nor a prepared dataset's manifest says. */
    static final int DEFAULT_FOLDS = 3;

    @Option(names = "--folds",
            description = "k folds of the training split (default: a prepared dataset's k, else 3); 1 = score on the"
                    + " validation split.")
    Integer folds;

    @Option(names = "--grid", arity = "1..*", paramLabel = "NAME=V1,V2",
            description = "Grid terms, every combination is tried, e.g. lr=0.1,0.03,0.01 l2=1e-3,5e-4.")
    List<String> grid;

    @Option(names = "--random", paramLabel = "N", description = "Try N random settings from the --range terms instead of a grid.")
    Integer random;

    @Option(names = "--range", arity = "1..*", paramLabel = "NAME=LO:HI",
            description = "Ranges for --random, drawn log-uniformly, e.g. lr=0.001:0.1 l2=1e-5:1e-3.")
    List<String> ranges;

    @Option(names = "--parallel", defaultValue = "0",
            description = "Trials at once (default: as many as the cluster's task slots hold).")
    int parallel;

    @Option(names = "--workers-per-trial", defaultValue = "1", description = "K of each trial (default ${DEFAULT-VALUE}).")
    int workersPerTrial;

    @Option(names = "--threads", description = "Kernel threads per trial worker (default: runtime.threads, else 1).")
    Integer threads;

    @Option(names = "--stop-hopeless-after", defaultValue = "2",
            description = "Stop a trial whose loss diverges, or whose held-out accuracy after this epoch is at most "
                    + "1.5x chance (default ${DEFAULT-VALUE}; 0 = never).")
    int stopHopelessAfter;

    @Option(names = "--master", description = "Spark master (overrides distributed.master; none is not allowed).")
    String master;

    @Option(names = "--epochs", description = "Override training.epochs (trials and the retrain).")
    Integer epochs;

    @Option(names = "--backend", description = "Override runtime.backend: auto, java or onednn.")
    String backend;

    @Option(names = "--out", description = "Run directory (default: runs/cv-NET-TIMESTAMP).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if ((grid == null) == (random == null)) {
            throw new IllegalArgumentException("cv needs exactly one of --grid TERMS or --random N --range TERMS");
        }
        if (ranges != null && random == null) {
            throw new IllegalArgumentException("--range goes with --random");
        }
        TrainConfig config = TrainConfig.load(conf);
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("training.epochs", epochs);
        set.put("distributed.master", master);
        set.put("runtime.backend", backend);
        config = config.with(set);
        double lr = config.training().sgd().lr();
        double l2 = config.training().sgd().l2();
        List<Setting> settings = grid != null ? SearchSpace.grid(grid, lr, l2)
                : SearchSpace.random(random, ranges == null ? List.of() : ranges, lr, l2, config.training().seed());
        int perWorker = threads != null ? threads : config.runtime().threads() > 0 ? config.runtime().threads() : 1;
        CvOptions options = new CvOptions(folds(folds, config.data()), settings, parallel, workersPerTrial, perWorker, stopHopelessAfter);
        Path dir = out != null ? out : Path.of("runs", "cv-" + config.netSpec().name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        new CrossValidation(config, options, System.out, TestLedger.forUser()).run(dir);
        return 0;
    }

    /** --folds when given; else the k a prepared dataset was made with (its folds are fixed), else 3. */
    static int folds(Integer given, DataConfig data) throws java.io.IOException {
        if (given != null) {
            return given;
        }
        if (data.prepared()) {
            Manifest m = Manifest.read(data.path(), new org.apache.hadoop.conf.Configuration());
            if (m.foldCounts() != null && !m.foldCounts().isEmpty()) {
                return m.foldCounts().size();
            }
        }
        return DEFAULT_FOLDS;
    }
}
