package io.sparkconv.driver.cli;

import io.sparkconv.driver.config.RuntimeConfig;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.config.TrainingConfig;
import io.sparkconv.driver.local.LocalTrainer;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkconv train --conf FILE [--epochs N] [--out DIR] ...}: train, validate each epoch, test once. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a net as its config says; writes OUT/summary.json.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--conf", required = true, description = "Training config (YAML), e.g. conf/lenet-fashion-mnist.yaml.")
    Path conf;

    @Option(names = "--out", description = "Run directory (default: runs/NET-TIMESTAMP).")
    Path out;

    @Option(names = "--epochs", description = "Override training.epochs.")
    Integer epochs;

    @Option(names = "--batch-size", description = "Override training.batch_size.")
    Integer batchSize;

    @Option(names = "--seed", description = "Override training.seed.")
    Long seed;

    @Option(names = "--backend", description = "Override runtime.backend: auto, java or onednn.")
    String backend;

    @Option(names = "--threads", description = "Override runtime.threads (0 = all cores).")
    Integer threads;

    @Option(names = "--precision", description = "Override runtime.precision: fp32 or bf16 (native backend).")
    String precision;

    @Override
    public Integer call() throws Exception {
        TrainConfig config = TrainConfig.load(conf);
        TrainingConfig t = config.training();
        if (epochs != null) {
            t = t.withEpochs(epochs);
        }
        if (batchSize != null) {
            t = t.withBatchSize(batchSize);
        }
        if (seed != null) {
            t = t.withSeed(seed);
        }
        config = config.withTraining(t);
        if (backend != null || threads != null || precision != null) {
            RuntimeConfig r = config.runtime();
            config = config.withRuntime(new RuntimeConfig(backend != null ? backend : r.backend(),
                    threads != null ? threads : r.threads(), precision != null ? precision : r.precision()));
        }
        Path dir = out != null ? out : Path.of("runs", config.netSpec().name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        new LocalTrainer(config, System.out).run(dir);
        return 0;
    }
}
