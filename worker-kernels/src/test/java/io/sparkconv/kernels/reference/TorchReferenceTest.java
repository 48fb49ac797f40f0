package io.sparkconv.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkconv.kernels.java.JavaBackend;
import io.sparkconv.kernels.net.Backend;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.onednn.OneDnnBackend;
import io.sparkconv.kernels.cpu.Precision;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.optim.SgdSettings;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.NetSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import io.sparkconv.kernels.spec.SpecFiles;
import io.sparkconv.kernels.testing.NativeTestSupport;
import io.sparkconv.kernels.testing.RoundingBound;
import io.sparkconv.kernels.train.TrainingStep;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both backends against PyTorch, as llm.c's test_gpt2.c checks its C against a state PyTorch
 * wrote: the Java backend, oneDNN in fp32 (oneDNN's layout choice and channels-last) and, where
 * the CPU has native bf16, oneDNN in bf16. {@code src/test/python/torch_reference.py} (run by hand, needs torch) built each case in
 * float64: the net spec (YAML in our format), a batch, float32-exact initial parameters in our flat
 * layout, and then the mean cross-entropy, its flat gradient, and the parameters after each of 3
 * SGD steps (momentum, L2 on weights only, the same batch every step). The JSON files under
 * {@code src/test/resources/reference/} are that output; this test needs neither Python nor torch.
 *
 * <p>Cases: {@code mixed} has every layer type with a torch twin (conv with a non-square kernel,
 * stride and padding; relu; overlapping 3x3/2 max pool in floor mode; LRN; avg pool with a
 * non-square stride; dense; softmax cross-entropy) on 4 random 3x17x15 images; {@code lenet_small}
 * is LeNet's shape at widths 4/8/16/10 on 2 real Fashion-MNIST images; {@code gap_head} ends in a
 * global average pool (conv, max pool, a ReLU of its own, 1x1 conv, average over the whole map, loss)
 * and {@code conv_softmax} in a convolution whose kernel covers its input, so the loss sees
 * (n, K, 1, 1). Dropout is left out: its masks are ours alone.
 *
 * <p>Norm and tolerance. Our float32 is compared with the float64 reference by
 * {@code err(v) = max_i |v_i - ref_i| / max_i |ref_i|}, i.e. the worst coordinate's error measured
 * against the vector's scale (not per coordinate: gradients have coordinates that are exactly or
 * nearly zero, and there any relative error is noise). fp32 tolerances are {@link RoundingBound}'s
 * (u times the summed lengths of the reductions involved, from the net's shapes: 1e-5 to 1e-4
 * here; the parameters after step s carry s + 1 gradients' worth), printed beside each error; they
 * stay far below what a wrong index, a missing term or a wrong convention gives (O(0.1..1) in this
 * norm). bf16 is compared in the relative 2-norm, loss and gradient of the first step only (an
 * update from a bf16 gradient is fp32 arithmetic the fp32 cases check), against the bounds of
 * {@link io.sparkconv.kernels.onednn.OneDnnLayerTest}: 2e-2 for the loss, and for each gradient
 * slice 0.05 plus 3x how far the Java backend itself moves when its inputs and weights are rounded
 * to bf16.
 */
class TorchReferenceTest {
    /*
     * Measured, Java backend (JDK 17, 2 threads, mixed and lenet_small, all steps): loss relative error
     * <= 1.1e-7; gradient err <= 2.7e-7 (PyTorch's own float32 run of mixed gives 1.2e-7 against
     * its float64); parameters after each step err <= 9.5e-8, and their displacement from the start
     * (w_s - w_0, a stricter check of the update itself, since w_0 is the same on both sides) err
     * <= 1.9e-6. For scale, plausible convention slips in the torch model of mixed move the
     * gradient by err 0.16 (LRN beta 0.7 for 0.75), 0.20 (LRN k 2 for 1), 0.73 (alpha not divided by size).
     */

    /** bf16 loss, relative: as OneDnnLayerTest's output tolerance. */
    static final double BF16_LOSS_TOLERANCE = 2e-2;
    static final double BF16_GRADIENT_FLOOR = 0.05;
    static final double BF16_SENSITIVITY_FACTOR = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kernels compared with PyTorch. */
    enum Kernels {
        JAVA, ONEDNN_FP32, ONEDNN_FP32_NHWC, ONEDNN_BF16;

        Backend backend() {
            return switch (this) {
                case JAVA -> new JavaBackend();
                case ONEDNN_FP32, ONEDNN_FP32_NHWC -> new OneDnnBackend(Precision.FP32);
                case ONEDNN_BF16 -> new OneDnnBackend(Precision.BF16);
            };
        }
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> out = Stream.builder();
        for (String name : new String[] {"mixed", "lenet_small", "gap_head", "conv_softmax"}) {
            for (Kernels k : Kernels.values()) {
                out.add(Arguments.of(name, k));
            }
        }
        return out.build();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void lossGradientAndSgdStepsMatchPyTorch(String name, Kernels kernels) throws IOException {
        if (kernels == Kernels.ONEDNN_BF16) {
            NativeTestSupport.assumeNativeBf16();
        } else if (kernels != Kernels.JAVA) {
            NativeTestSupport.assumeOneDnn();
        }
        if (kernels == Kernels.ONEDNN_FP32_NHWC) {
            System.setProperty("sparkconv.onednn.layout", "nhwc");
        }
        try {
            compare(name, kernels);
        } finally {
            System.clearProperty("sparkconv.onednn.layout");
        }
    }

    private void compare(String name, Kernels kernels) throws IOException {
        JsonNode ref = load(name);
        NetPlan plan = NetPlan.of(SpecFiles.parse(ref.get("net_yaml").asText(), name, NetSpec.class));
        int n = ref.get("batch").asInt();
        float[] input = floats(ref.get("input"));
        float[] params0 = floats(ref.get("params"));
        assertEquals(n * plan.input().size(), input.length, "input length");
        assertEquals(plan.paramCount(), params0.length, "parameter count of the net spec");

        Batch batch = new Batch(n, plan.input().size());
        System.arraycopy(input, 0, batch.images, 0, input.length);
        JsonNode labels = ref.get("labels");
        for (int i = 0; i < n; i++) {
            batch.labels[i] = labels.get(i).asInt();
            batch.sampleIds[i] = i;
        }
        batch.fill(n, 0, 0);

        JsonNode sgdNode = ref.get("sgd");
        SgdSettings settings = new SgdSettings(sgdNode.get("lr").asDouble(), sgdNode.get("momentum").asDouble(),
                sgdNode.get("l2").asDouble(), sgdNode.get("l2_biases").asBoolean());

        String label = name + " " + kernels.name().toLowerCase(java.util.Locale.ROOT);
        try (ThreadTeam team = new ThreadTeam(2); Net net = kernels.backend().compile(plan, n, team)) {
            System.arraycopy(params0, 0, net.parameters(), 0, params0.length);
            net.parametersChanged();

            double loss = net.forwardBackward(batch, 1f / n);
            double refLoss = ref.get("loss").asDouble();
            double lossErr = Math.abs(loss - refLoss) / Math.abs(refLoss);
            double[] refGrad = doubles(ref.get("grad"));
            if (kernels == Kernels.ONEDNN_BF16) {
                compareBf16(label, plan, batch, params0, net, lossErr, refGrad, team);
                return;
            }
            double gradErr = err(net.gradients(), refGrad);
            double gradBound = RoundingBound.wholeGradient(plan, n);
            report(label, "loss", lossErr, RoundingBound.outputs(plan), String.format("%.9f, torch %.12f", loss, refLoss));
            report(label, "gradient", gradErr, gradBound, perLayer(plan, net.gradients(), refGrad));

            TrainingStep step = new TrainingStep(net, new Sgd(plan, settings), team);
            double lr = settings.lr();
            for (int s = 0; s < ref.get("params_after_step").size(); s++) {
                double stepLoss = step.run(batch, lr);
                double refStepLoss = ref.get("step_losses").get(s).asDouble();
                double stepLossErr = Math.abs(stepLoss - refStepLoss) / Math.abs(refStepLoss);
                double[] refParams = doubles(ref.get("params_after_step").get(s));
                float[] p = net.parameters();
                double paramErr = err(p, refParams);
                double[] refMove = new double[p.length];
                double[] move = new double[p.length];
                for (int i = 0; i < p.length; i++) {
                    refMove[i] = refParams[i] - params0[i];
                    move[i] = (double) p[i] - params0[i]; // exact in double
                }
                double moveErr = err(move, refMove);
                // After step s + 1 the parameters hold s + 1 updates, each as exact as a gradient.
                double stepBound = (s + 1) * gradBound + RoundingBound.outputs(plan);
                report(label, "step " + (s + 1) + " loss", stepLossErr, stepBound,
                        String.format("%.9f, torch %.12f", stepLoss, refStepLoss));
                report(label, "step " + (s + 1) + " params", paramErr, stepBound, "");
                report(label, "step " + (s + 1) + " w - w0", moveErr, stepBound, perLayer(plan, move, refMove));
            }
        }
    }

    /**
     * bf16: the loss, and each layer's gradient slices in the 2-norm against 0.05 + 3x the Java
     * backend's own distance from PyTorch when it starts from bf16-rounded images and weights.
     */
    private static void compareBf16(String label, NetPlan plan, Batch batch, float[] params0, Net net, double lossErr,
                                    double[] refGrad, ThreadTeam team) {
        report(label, "loss", lossErr, BF16_LOSS_TOLERANCE, "");
        float[] grad = net.gradients();
        try (Net rounded = new JavaBackend().compile(plan, batch.size(), team)) {
            for (int i = 0; i < params0.length; i++) {
                rounded.parameters()[i] = NativeTestSupport.bf16(params0[i]);
            }
            rounded.parametersChanged();
            Batch r = new Batch(batch.size(), plan.input().size());
            for (int i = 0; i < batch.size() * plan.input().size(); i++) {
                r.images[i] = NativeTestSupport.bf16(batch.images[i]);
            }
            System.arraycopy(batch.labels, 0, r.labels, 0, batch.size());
            System.arraycopy(batch.sampleIds, 0, r.sampleIds, 0, batch.size());
            rounded.forwardBackward(r.fill(batch.size(), 0, 0), 1f / batch.size());
            for (PlannedLayer l : plan.layers()) {
                for (int[] slice : new int[][] {{l.weightOffset(), l.weightCount()}, {l.biasOffset(), l.biasCount()}}) {
                    if (slice[1] == 0) {
                        continue;
                    }
                    double e = relL2(grad, refGrad, slice[0], slice[1]);
                    double sens = relL2(rounded.gradients(), refGrad, slice[0], slice[1]);
                    report(label, l.name() + (slice[0] == l.weightOffset() ? " dW" : " db"), e,
                            BF16_GRADIENT_FLOOR + BF16_SENSITIVITY_FACTOR * sens,
                            String.format("java on bf16-rounded inputs %.3g", sens));
                }
            }
        }
    }


    /** ||v - ref||_2 / ||ref||_2 over a slice. */
    static double relL2(float[] v, double[] ref, int from, int len) {
        double diff = 0;
        double norm = 0;
        for (int i = from; i < from + len; i++) {
            double d = v[i] - ref[i];
            diff += d * d;
            norm += ref[i] * ref[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    private static void report(String label, String what, double error, double bound, String detail) {
        System.out.printf("TorchReferenceTest %-26s %-16s err %.3e (bound %.1e)%s%n", label, what, error, bound,
                detail.isEmpty() ? "" : "  (" + detail + ")");
        assertTrue(error <= bound, label + ": " + what + " differs from PyTorch: err " + error
                + " > " + bound + (detail.isEmpty() ? "" : "; " + detail));
    }

    /** max |v - ref| / max |ref|. */
    static double err(float[] v, double[] ref) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return err(d, ref);
    }

    static double err(double[] v, double[] ref) {
        assertEquals(ref.length, v.length, "vector length");
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < ref.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(v[i] - ref[i]));
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        return maxDiff / maxRef;
    }

    /** The same norm per layer's weights and biases, and the worst coordinate, for a failure message. */
    private static String perLayer(NetPlan plan, float[] v, double[] ref) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return perLayer(plan, d, ref);
    }

    private static String perLayer(NetPlan plan, double[] v, double[] ref) {
        StringBuilder sb = new StringBuilder();
        for (PlannedLayer l : plan.layers()) {
            if (l.weightCount() > 0) {
                sb.append(segment(l.name() + ".w", v, ref, l.weightOffset(), l.weightCount()));
            }
            if (l.biasCount() > 0) {
                sb.append(segment(l.name() + ".b", v, ref, l.biasOffset(), l.biasCount()));
            }
        }
        return sb.toString().trim();
    }

    private static String segment(String label, double[] v, double[] ref, int from, int count) {
        double maxDiff = 0;
        double maxRef = 0;
        int worst = from;
        for (int i = from; i < from + count; i++) {
            double d = Math.abs(v[i] - ref[i]);
            if (d > maxDiff) {
                maxDiff = d;
                worst = i;
            }
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        return String.format(" %s %.1e [%d: %.6g vs %.6g]", label, maxRef == 0 ? maxDiff : maxDiff / maxRef,
                worst - from, v[worst], ref[worst]);
    }

    private static JsonNode load(String name) throws IOException {
        String resource = "/reference/" + name + ".json";
        try (InputStream in = TorchReferenceTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " not on the test classpath (src/test/resources)");
            }
            return JSON.readTree(in);
        }
    }

    /** The file writes float32 values as the exact double that holds them, so the cast is exact. */
    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            double d = array.get(i).asDouble();
            out[i] = (float) d;
            if (out[i] != d) {
                throw new IllegalArgumentException("value " + i + " = " + d + " is not a float32");
            }
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
