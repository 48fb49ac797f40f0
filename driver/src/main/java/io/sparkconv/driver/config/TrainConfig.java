package io.sparkconv.driver.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkconv.driver.json.Json;
import io.sparkconv.kernels.spec.NetSpec;
import io.sparkconv.kernels.spec.SpecException;
import io.sparkconv.kernels.spec.SpecFiles;
import io.sparkconv.prep.augment.AugmentSpec;
import java.nio.file.Path;
import java.util.Map;

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
            return Json.MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as JSON", e);
        }
    }

    /** Reads a resolved config written by {@link #toJson}. */
    public static TrainConfig fromJson(String json) {
        return fromJson(json, "resolved config");
    }

    private static TrainConfig fromJson(String json, String source) {
        TrainConfig raw = SpecFiles.parse(json, source, TrainConfig.class);
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

    /**
     * This config with some keys set as a config file sets them, by their dotted paths (e.g.
     * {@code training.epochs -> 3}, {@code distributed.sync -> "spark"}); null values leave a key as
     * it is. The result is read back as a file is, so a bad value fails naming its key, and every
     * default stays where its config class keeps it.
     */
    public TrainConfig with(Map<String, ?> settings) {
        ObjectNode tree = Json.MAPPER.valueToTree(this);
        boolean changed = false;
        for (Map.Entry<String, ?> e : settings.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            String[] keys = e.getKey().split("\\.");
            ObjectNode at = tree;
            for (int i = 0; i < keys.length - 1; i++) {
                at = at.get(keys[i]) instanceof ObjectNode o ? o : at.putObject(keys[i]);
            }
            at.set(keys[keys.length - 1], Json.MAPPER.valueToTree(e.getValue()));
            changed = true;
        }
        if (!changed) {
            return this;
        }
        try {
            return fromJson(tree.toString(), "command line");
        } catch (SpecException e) {
            // The settings came as one line of JSON: its line number says nothing.
            throw new SpecException(e.getMessage().replaceFirst("^command line:\\d+:", "command line:"), e);
        }
    }

    /** {@link #with(Map)} for one key. */
    public TrainConfig with(String key, Object value) {
        return with(java.util.Collections.singletonMap(key, value));
    }
}
