package io.sparkconv.kernels.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.NetSpec;
import io.sparkconv.kernels.spec.SpecFiles;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The whole net's parameter gradient against finite differences of its loss: checks that layers
 * are chained right (buffers, offsets into the flat vectors, the loss scale), not only correct alone.
 */
class NetGradientTest {
    static final String NET = """
            name: tiny
            input: {channels: 2, height: 9, width: 9}
            init: glorot
            layers:
              - {type: conv, filters: 4, kernel: 3, pad: 1}
              - {type: relu}
              - {type: maxpool, kernel: 3, stride: 2}
              - {type: lrn, size: 3, alpha: 0.5, beta: 0.75, k: 2}
              - {type: conv, filters: 3, kernel: [2, 3], stride: 1}
              - {type: avgpool, kernel: 2}
              - {type: dense, units: 6}
              - {type: relu}
              - {type: dropout, rate: 0.3}
              - {type: dense, units: 3}
              - {type: softmax}
            """;

    @Test
    void parameterGradientsMatchFiniteDifferences() {
        NetPlan plan = NetPlan.of(SpecFiles.parse(NET, "tiny", NetSpec.class));
        int n = 4;
        try (ThreadTeam team = new ThreadTeam(2); Net net = new JavaBackend().compile(plan, n, team)) {
            ParameterInit.initialize(plan, net.parameters(), 11);
            SplittableRandom rng = new SplittableRandom(5);
            float[] p = net.parameters();
            for (int i = 0; i < p.length; i++) {
                p[i] += (float) (rng.nextDouble() - 0.5) * 0.2f; // biases non-zero too
            }
            Batch batch = new Batch(n, plan.input().size());
            for (int i = 0; i < batch.images.length; i++) {
                batch.images[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            for (int i = 0; i < n; i++) {
                batch.labels[i] = i % 3;
                batch.sampleIds[i] = 100 + i;
            }
            batch.fill(n, 2, 99);
            float scale = 1f / n;
            double loss = net.forwardBackward(batch, scale);
            float[] analytic = net.gradients().clone();
            assertEquals(loss, net.forwardBackward(batch, scale), 0.0, "same batch, same keys, same loss");

            // Smaller than the per-layer checks' 1e-2: through a strong LRN (alpha 0.5) and the ReLUs
            // after it, 1e-2 steps see curvature (relative error 0.034 at 1e-2, 0.021 at 3e-3, < 0.01 at 1e-3).
            float eps = 1e-3f;
            double diff2 = 0;
            double norm2 = 0;
            int agree = 0;
            for (int i = 0; i < p.length; i++) {
                float saved = p[i];
                p[i] = saved + eps;
                double plus = net.forwardBackward(batch, scale);
                p[i] = saved - eps;
                double minus = net.forwardBackward(batch, scale);
                p[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double d = analytic[i] - numeric;
                diff2 += d * d;
                norm2 += (double) analytic[i] * analytic[i] + numeric * numeric;
                if (Math.abs(d) <= 1e-3 + 1e-2 * Math.abs(numeric)) {
                    agree++;
                }
            }
            double relative = Math.sqrt(diff2 / norm2);
            assertTrue(relative < 1e-2, "relative error of the whole gradient " + relative);
            // ReLU and max-pool kinks may spoil a few coordinates' finite differences, never many.
            assertTrue(agree >= 0.97 * p.length, agree + " of " + p.length + " coordinates agree");
        }
    }

    @Test
    void predictIsDeterministicAndIgnoresDropout() {
        NetPlan plan = NetPlan.of(SpecFiles.parse(NET, "tiny", NetSpec.class));
        try (ThreadTeam team = new ThreadTeam(2); Net net = new JavaBackend().compile(plan, 3, team)) {
            ParameterInit.initialize(plan, net.parameters(), 3);
            float[] images = new float[3 * plan.input().size()];
            new SplittableRandom(1).doubles(images.length).forEach(new java.util.function.DoubleConsumer() {
                int i;

                @Override
                public void accept(double v) {
                    images[i++] = (float) v;
                }
            });
            float[] a = new float[9];
            float[] b = new float[9];
            net.predict(images, 3, a);
            net.predict(images, 3, b);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
            for (int i = 0; i < 3; i++) {
                assertEquals(1.0, a[3 * i] + a[3 * i + 1] + a[3 * i + 2], 1e-5, "probabilities sum to 1");
            }
        }
    }
}
