package io.sparkconv.kernels.java;

import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.FlatVectorNet;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.PlannedLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A net on the Java backend: the layers in order, one activation buffer per layer output (kept
 * for backward), and two gradient buffers that backward ping-pongs between.
 */
final class JavaNet extends FlatVectorNet {
    private final List<JavaLayer> layers = new ArrayList<>();
    private final float[][] activations; // activations[i] is layer i's output
    private final float[] gradA;
    private final float[] gradB;
    private final Pass pass;

    JavaNet(NetPlan plan, int maxBatch, ThreadTeam team) {
        super(plan, maxBatch);
        this.pass = new Pass(team);
        for (PlannedLayer l : plan.layers()) {
            layers.add(createLayer(l, params, grads, team.threads()));
        }
        activations = new float[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            activations[i] = new float[Math.multiplyExact(maxBatch, plan.layers().get(i).out().size())];
        }
        int maxAct = Math.multiplyExact(maxBatch, plan.maxActivationSize());
        gradA = new float[maxAct];
        gradB = new float[maxAct];
    }

    static JavaLayer createLayer(PlannedLayer l, float[] params, float[] grads, int threads) {
        LayerSpec s = l.spec();
        if (s instanceof LayerSpec.Conv) {
            return new Conv2d(l, params, grads, threads);
        } else if (s instanceof LayerSpec.MaxPool) {
            return new MaxPool2d(l);
        } else if (s instanceof LayerSpec.AvgPool) {
            return new AvgPool2d(l);
        } else if (s instanceof LayerSpec.Relu) {
            return new Relu(l);
        } else if (s instanceof LayerSpec.Lrn) {
            return new LocalResponseNorm(l);
        } else if (s instanceof LayerSpec.Dense) {
            return new Dense(l, params, grads);
        } else if (s instanceof LayerSpec.Dropout) {
            return new Dropout(l);
        } else if (s instanceof LayerSpec.SoftmaxCrossEntropy) {
            return new SoftmaxCrossEntropy(l);
        }
        throw new IllegalArgumentException("no Java kernel for " + l.label());
    }

    @Override
    public String backend() {
        return JavaBackend.NAME;
    }

    @Override
    public double forwardBackward(Batch batch, float lossScale) {
        int n = batch.size();
        checkBatch(n, batch.imageSize());
        pass.training = true;
        pass.batch = batch;
        pass.lossScale = lossScale;
        forward(batch.images, n);
        Arrays.fill(grads, 0f);
        float[] dy = null;
        float[] dx = gradA;
        for (int i = layers.size() - 1; i >= 0; i--) {
            float[] x = i == 0 ? batch.images : activations[i - 1];
            float[] target = i == 0 ? null : dx;
            layers.get(i).backward(x, activations[i], dy, target, n, pass);
            dy = target;
            dx = dx == gradA ? gradB : gradA;
        }
        pass.batch = null;
        return pass.loss;
    }

    @Override
    public void predict(float[] images, int n, float[] out) {
        checkBatch(n, plan.input().size());
        pass.training = false;
        pass.batch = null;
        pass.lossScale = 0f;
        forward(images, n);
        System.arraycopy(activations[layers.size() - 1], 0, out, 0, n * plan.classes());
    }

    private void forward(float[] images, int n) {
        float[] x = images;
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).forward(x, activations[i], n, pass);
            x = activations[i];
        }
    }

    /** For tests: the layer objects, in order. */
    List<JavaLayer> layers() {
        return layers;
    }

    @Override
    public void parametersChanged() {
        // Java layers read the flat vector directly; nothing is cached.
    }

    @Override
    public void close() {
        // Heap memory only.
    }
}
