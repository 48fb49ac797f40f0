package io.sparkconv.driver.cli;

import io.sparkconv.driver.checkpoint.Checkpoint;
import io.sparkconv.driver.distributed.SparkTrainer;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.local.LocalTrainer;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkconv train --conf FILE [--epochs N] [--out DIR] ...}: train, validate each epoch, test once. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a net as its config says, on Spark or in this process; writes OUT/summary.json.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--conf", description = "Training config (YAML), e.g. conf/lenet-fashion-mnist.yaml.")
    Path conf;

    @Option(names = "--resume", description = "Continue the run in this directory from its last checkpoint"
            + " (its config comes from the checkpoint; --epochs may extend it).")
    Path resume;

    @Option(names = "--master", description = "Spark master: local[*], local[N], spark://HOST:PORT, yarn, k8s://...;"
            + " none trains in this process without Spark. Overrides distributed.master.")
    String master;

    @Option(names = "--workers", description = "K training workers (one long-lived task each). Overrides distributed.workers.")
    Integer workers;

    @Option(names = "--sync", description = "ring (barrier tasks, TCP all-reduce) or spark (one job per step)."
            + " Overrides distributed.sync.")
    String sync;

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

    @Option(names = "--precision", description = "Override runtime.precision: fp32, bf16 (CPUs with native bf16 only) or auto"
            + " (bf16 where every CPU of the run has it natively, else fp32).")
    String precision;

    @Override
    public Integer call() throws Exception {
        if ((conf == null) == (resume == null)) {
            throw new IllegalArgumentException("train needs exactly one of --conf FILE or --resume DIR");
        }
        TrainConfig config;
        if (resume != null) {
            String checkpoints = resume.resolve("checkpoints").toAbsolutePath().toUri().toString();
            Checkpoint last = Checkpoint.latest(checkpoints).orElseThrow(() -> new IllegalArgumentException(
                    "--resume " + resume + ": no checkpoint in " + checkpoints));
            config = TrainConfig.fromJson(last.header().configJson()).with("distributed.checkpoint_dir", checkpoints);
            out = resume;
        } else {
            config = TrainConfig.load(conf);
        }
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("training.epochs", epochs);
        set.put("training.batch_size", batchSize);
        set.put("training.seed", seed);
        set.put("runtime.backend", backend);
        set.put("runtime.threads", threads);
        set.put("runtime.precision", precision);
        set.put("distributed.master", master);
        set.put("distributed.workers", workers);
        set.put("distributed.sync", sync);
        config = config.with(set);
        Path dir = out != null ? out : Path.of("runs", config.netSpec().name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (config.distributed().onSpark()) {
            new SparkTrainer(config, System.out).run(dir);
        } else {
            new LocalTrainer(config, System.out).run(dir);
        }
        return 0;
    }
}
