package io.sparkconv.driver.cli;

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

    @Option(names = "--conf", description = "A training config; describes its net.")
    Path conf;

    @Override
    public Integer call() {
        if ((net == null) == (conf == null)) {
            throw new IllegalArgumentException("describe needs exactly one of --net FILE or --conf FILE");
        }
        NetSpec spec = net != null ? NetSpec.load(net) : TrainConfig.load(conf).netSpec();
        System.out.print(NetPlan.of(spec));
        return 0;
    }
}
