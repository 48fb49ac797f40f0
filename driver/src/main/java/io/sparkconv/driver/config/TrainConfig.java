package io.sparkconv.driver.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.sparkconv.kernels.spec.NetSpec;
import io.sparkconv.kernels.spec.SpecException;
import io.sparkconv.kernels.spec.SpecFiles;
import io.sparkconv.prep.augment.AugmentSpec;
import java.nio.file.Path;

/**
 * A training config file (conf/*.yaml): which net, which data, how to train, where to run. Read
 * strictly: an unknown key fails before any work starts, naming the file, line and field. Once
 * resolved (net inlined, paths absolute, defaults filled), it is written into every run's summary
 * so the run can be rebuilt from it.
 *
 * <pre>
 * net: nets/lenet.yaml           # relative to this file; or an inline net spec
 * data: {format: idx, path: /usr/share/datasets/fashion-mnist, validation_fraction: 0.1}
 * augment: {crop: 28, pad: 4, flip: true, mean: per_channel}   # optional; see AugmentSpec
 * training: {epochs: 10, batch_size: 100, seed: 42, sgd: {lr: 0.01, momentum: 0.9, l2: 5.0e-4}}
 * runtime: {backend: auto, threads: 0}
 * distributed: {master: none, workers: 0, sync: ring}
 * </pre>
 */
public record TrainConfig(Object net, DataConfig data, AugmentSpec augment, TrainingConfig training,
                          RuntimeConfig runtime, DistributedConfig distributed) {
    public TrainConfig {
        if (net == null) {
            throw new IllegalArgumentException("'net' is required: a path to a net spec or an inline net");
        }
        data = data == null ? new DataConfig(null, null, null) : data;
        augment = augment == null ? AugmentSpec.none() : augment;
        training = training == null ? TrainingConfig.defaults() : training;
        runtime = runtime == null ? new RuntimeConfig(null, null) : runtime;
        distributed = distributed == null ? DistributedConfig.defaults() : distributed;
    }

    /** Reads a config and resolves the net (a path relative to the config, or inline) and data paths. */
    public static TrainConfig load(Path file) {
        TrainConfig raw = SpecFiles.read(file, TrainConfig.class);
        Path dir = file.toAbsolutePath().getParent();
        NetSpec netSpec;
        if (raw.net instanceof String path) {
            netSpec = NetSpec.load(dir.resolve(path).normalize());
        } else {
            try {
                netSpec = SpecFiles.yaml().convertValue(raw.net, NetSpec.class);
            } catch (IllegalArgumentException e) {
                throw new SpecException(file + ": net: " + e.getMessage(), e);
            }
        }
        int crop = raw.augment == null ? 0 : raw.augment.crop();
        if (crop > 0 && (netSpec.input().height() != crop || netSpec.input().width() != crop)) {
            throw new SpecException(file + ": augment.crop: the net sees the " + crop + "x" + crop + " crop, but net '"
                    + netSpec.name() + "' takes " + netSpec.input() + " inputs");
        }
        return new TrainConfig(netSpec, raw.data.resolvedAgainst(dir), raw.augment, raw.training, raw.runtime,
                raw.distributed);
    }

    /** The resolved config as JSON, to ship to workers; {@link #fromJson} reads it back. */
    public String toJson() {
        try {
            return io.sparkconv.driver.report.RunSummary.json().writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as JSON", e);
        }
    }

    /** Reads a resolved config written by {@link #toJson}. */
    public static TrainConfig fromJson(String json) {
        TrainConfig raw = SpecFiles.parse(json, "resolved config", TrainConfig.class);
        NetSpec netSpec = SpecFiles.yaml().convertValue(raw.net, NetSpec.class);
        return new TrainConfig(netSpec, raw.data, raw.augment, raw.training, raw.runtime, raw.distributed);
    }

    /** The net, once {@link #load} has resolved it. */
    @JsonIgnore
    public NetSpec netSpec() {
        if (!(net instanceof NetSpec spec)) {
            throw new IllegalStateException("config not resolved: net is " + net);
        }
        return spec;
    }

    public TrainConfig withTraining(TrainingConfig t) {
        return new TrainConfig(net, data, augment, t, runtime, distributed);
    }

    public TrainConfig withDistributed(DistributedConfig d) {
        return new TrainConfig(net, data, augment, training, runtime, d);
    }

    public TrainConfig withRuntime(RuntimeConfig r) {
        return new TrainConfig(net, data, augment, training, r, distributed);
    }
}
