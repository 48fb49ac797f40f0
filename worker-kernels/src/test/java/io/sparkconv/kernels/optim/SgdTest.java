package io.sparkconv.kernels.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.NetSpec;
import io.sparkconv.kernels.spec.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class SgdTest {
    // dense 2 -> 2: weights at [0, 4), biases at [4, 6)
    private static final NetPlan PLAN = NetPlan.of(new NetSpec("t", Shape.vector(2), null,
            List.of(new LayerSpec.Dense("fc", 2, true), new LayerSpec.SoftmaxCrossEntropy("loss"))));

    @Test
    void momentumAndWeightDecayOnWeightsOnly() {
        Sgd sgd = new Sgd(PLAN, new SgdSettings(0.1, 0.9, 0.01, false));
        float[] w = {1, -2, 3, 0.5f, 10, -10};
        float[] g = {0.5f, 0.5f, -1, 0, 1, 2};
        try (ThreadTeam team = new ThreadTeam(1)) {
            sgd.apply(w, g, 0.1, team);
            // v = -lr * (g + lambda * w) for weights, -lr * g for biases
            assertEquals(1 - 0.1f * (0.5f + 0.01f * 1), w[0], 1e-6);
            assertEquals(-2 - 0.1f * (0.5f + 0.01f * -2), w[1], 1e-6);
            assertEquals(10 - 0.1f * 1, w[4], 1e-6);
            assertEquals(-10 - 0.1f * 2, w[5], 1e-6);
            float v4 = -0.1f * 1;
            sgd.apply(w, g, 0.05, team);
            // second step: v = mu * v - lr * g for the bias
            assertEquals(10 - 0.1f + (0.9f * v4 - 0.05f * 1), w[4], 1e-5);
        }
    }

    @Test
    void biasesDecayWhenAsked() {
        Sgd sgd = new Sgd(PLAN, new SgdSettings(0.1, 0.0, 0.5, true));
        float[] w = {0, 0, 0, 0, 2, 0};
        try (ThreadTeam team = new ThreadTeam(1)) {
            sgd.apply(w, new float[6], 0.1, team);
        }
        assertEquals(2 - 0.1 * 0.5 * 2, w[4], 1e-6);
        assertEquals(0.5 * 0.5 * 0, sgd.regularizationLoss(new float[6]), 0);
    }

    @Test
    void schedules() {
        assertEquals(1.0, new LearningRateSchedule.Constant().factor(7.3, 10));
        LearningRateSchedule step = new LearningRateSchedule.Step(3, 0.1);
        assertEquals(1.0, step.factor(2.99, 10));
        assertEquals(0.1, step.factor(3.0, 10), 1e-12);
        assertEquals(0.01, step.factor(6.5, 10), 1e-12);
        LearningRateSchedule cos = new LearningRateSchedule.Cosine(0.0);
        assertEquals(1.0, cos.factor(0, 10), 1e-12);
        assertEquals(0.5, cos.factor(5, 10), 1e-12);
        assertEquals(0.0, cos.factor(10, 10), 1e-12);
    }
}
