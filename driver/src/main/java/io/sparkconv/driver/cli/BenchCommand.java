package io.sparkconv.driver.cli;

import io.sparkconv.driver.bench.TrainingThroughput;
import io.sparkconv.kernels.net.Backend;
import io.sparkconv.kernels.backends.Backends;
import io.sparkconv.kernels.onednn.OneDnn;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.NetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkconv bench --net lenet|vgg-small|alexnet --backend java|onednn --precision fp32|bf16|auto
 * --threads N [--batch B] [--json]}: {@link TrainingThroughput} of a net, printed as text or JSON.
 *
 * <p>oneDNN's thread count is fixed when the JVM starts (OMP_NUM_THREADS; submit-scripts/sparkconv
 * sets it from --threads), so a bench asks for a thread count that matches it, or says so.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Training throughput of a net on synthetic data (images/s, median of repeats).")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--net", required = true, description = "lenet, vgg-small, alexnet (conf/nets/NAME.yaml) or a net spec file.")
    String net;

    @Option(names = "--backend", defaultValue = "auto", description = "auto, java or onednn (default ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32, bf16 (native bf16 only) or auto (default ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--threads", defaultValue = "0", description = "Kernel threads; 0 = all cores (default).")
    int threads;

    @Option(names = "--batch", description = "Images per step (default: 32 for alexnet, else 100, as docs/benchmarks.md).")
    Integer batch;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats; the median is reported (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--seconds", defaultValue = "3", description = "Target length of one repeat, seconds (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--json", description = "One JSON object per line instead of text.")
    boolean json;

    @Option(names = "--forward", description = "Inference only (a batch's class probabilities), as predict runs the net.")
    boolean forward;

    @Override
    public Integer call() {
        Path specFile = findNet(net);
        NetPlan plan = NetPlan.of(NetSpec.load(specFile));
        int b = batch != null ? batch : plan.spec().name().equals("alexnet") ? 32 : 100;
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        if (repeats < 1 || b < 1 || !(seconds > 0)) {
            throw new IllegalArgumentException("need --repeats >= 1, --batch >= 1, --seconds > 0");
        }
        Backend be = Backends.select(backend, precision);
        String ompEnv = System.getenv("OMP_NUM_THREADS");
        if (be.name().equals("onednn") && ompEnv != null && !ompEnv.trim().equals(Integer.toString(t))) {
            System.err.printf("bench: warning: OMP_NUM_THREADS=%s but --threads %d: oneDNN runs %s threads%n", ompEnv, t, ompEnv);
        }
        TrainingThroughput.Result result = TrainingThroughput.measure(plan, be, t, b, repeats, seconds, forward);
        String prec = be.precision().word();
        String isa = OneDnn.available() ? OneDnn.isa().name() : "no oneDNN";
        if (json) {
            StringBuilder rs = new StringBuilder();
            for (double r : result.rates()) {
                rs.append(rs.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", r));
            }
            System.out.printf(Locale.ROOT, "{\"net\": \"%s\", \"backend\": \"%s\", \"precision\": \"%s\", \"isa\": \"%s\", \"threads\": %d, "
                            + "\"batch\": %d, \"mode\": \"%s\", \"images_per_second\": %.1f, \"repeats\": [%s], \"steps_per_repeat\": %d}%n",
                    plan.spec().name(), result.backend(), prec, isa, t, b, forward ? "forward" : "train", result.median(), rs,
                    result.steps());
        } else {
            System.out.printf(Locale.ROOT, "%s%s: backend %s, %s, oneDNN ISA %s, %d threads, batch %d: %.1f images/s (median of %d repeats of %d steps: %s)%n",
                    plan.spec().name(), forward ? " forward" : "", result.backend(), prec, isa, t, b, result.median(), repeats, result.steps(),
                    Arrays.toString(result.rates()));
        }
        return 0;
    }

    /** A spec file as given, else conf/nets/NAME.yaml under the working directory or this checkout. */
    static Path findNet(String name) {
        Path given = Path.of(name);
        if (Files.isRegularFile(given)) {
            return given;
        }
        Path rel = Path.of("conf", "nets", name + ".yaml");
        if (Files.isRegularFile(rel)) {
            return rel;
        }
        try {
            // driver/target/<jar or classes> -> the checkout's top
            Path code = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path top = code.getParent().getParent().getParent();
            Path inCheckout = top.resolve(rel);
            if (Files.isRegularFile(inCheckout)) {
                return inCheckout;
            }
        } catch (Exception e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("no net '" + name + "': not a file, and no " + rel + " here or in this checkout");
    }
}
