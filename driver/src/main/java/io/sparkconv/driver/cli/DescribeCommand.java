package io.sparkconv.driver.cli;

import io.sparkconv.kernels.cpu.CpuIsa;
import io.sparkconv.kernels.onednn.OneDnn;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.NetSpec;
import io.sparkconv.driver.config.TrainConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkconv describe --net FILE | --conf FILE}: the net's layers, output shapes and parameter counts. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Print a net: each layer with its output shape and parameter count.")
final class DescribeCommand implements Callable<Integer> {
    @Option(names = "--net", description = "A net spec (YAML), e.g. conf/nets/alexnet.yaml.")
    Path net;

    @Option(names = "--conf", description = "A training config: its net, and every key with defaults filled in.")
    Path conf;

    @Override
    public Integer call() throws Exception {
        if ((net == null) == (conf == null)) {
            throw new IllegalArgumentException("describe needs exactly one of --net FILE or --conf FILE");
        }
        TrainConfig config = conf != null ? TrainConfig.load(conf) : null;
        NetSpec spec = config != null ? config.netSpec() : NetSpec.load(net);
        System.out.print(NetPlan.of(spec));
        if (config != null) {
            // Every key with its value, defaults filled in: what a run of this config uses.
            com.fasterxml.jackson.databind.node.ObjectNode tree = io.sparkconv.driver.json.Json.MAPPER.valueToTree(config);
            tree.remove("net");
            System.out.print("config, defaults filled in:\n" + io.sparkconv.kernels.spec.SpecFiles.yaml()
                    .writeValueAsString(tree).replaceFirst("^---\\s*\n", ""));
        }
        // What this machine's kernels would run at: bf16 needs native support (runtime.precision).
        String why = OneDnn.unavailableReason();
        if (why == null) {
            CpuIsa isa = OneDnn.isa();
            System.out.printf("oneDNN ISA here: %s (%s)%n", isa,
                    isa.nativeBf16() ? "native bf16: precision auto runs bf16" : "no native bf16: precision auto runs fp32");
        } else {
            System.out.println("oneDNN does not load here (" + why + "): the Java backend runs, in fp32");
        }
        return 0;
    }
}
