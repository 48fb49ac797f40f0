package io.sparkconv.kernels.optim;

import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.PlannedLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with momentum and L2 weight decay over the flat vectors, in the form of Krizhevsky et al.
 * 2012 (and Caffe): v = mu*v - lr*(g + lambda*w); w = w + v. Weight decay applies to weights, and to
 * biases only when asked. The velocity is part of the optimizer state that checkpoints save.
 */
public final class Sgd {
    private final SgdSettings settings;
    private final float[] velocity;
    /** [offset, length, decays (0/1)] triples covering the whole vector in order. */
    private final int[][] segments;

    public Sgd(NetPlan plan, SgdSettings settings) {
        this.settings = settings;
        this.velocity = new float[plan.paramCount()];
        List<int[]> segs = new ArrayList<>();
        for (PlannedLayer l : plan.layers()) {
            if (l.weightCount() > 0) {
                segs.add(new int[] {l.weightOffset(), l.weightCount(), 1});
            }
            if (l.biasCount() > 0) {
                segs.add(new int[] {l.biasOffset(), l.biasCount(), settings.l2Biases() ? 1 : 0});
            }
        }
        this.segments = segs.toArray(new int[0][]);
    }

    public SgdSettings settings() {
        return settings;
    }

    /** The momentum buffer, for checkpoints. */
    public float[] velocity() {
        return velocity;
    }

    /** One update with learning rate lr; grads already hold the gradient of the mean data loss. */
    public void apply(float[] params, float[] grads, double lr, ThreadTeam team) {
        final float mu = settings.momentum().floatValue();
        final float rate = (float) lr;
        final float lambda = settings.l2().floatValue();
        final int chunk = 1 << 16;
        List<int[]> pieces = new ArrayList<>();
        for (int[] seg : segments) {
            for (int from = seg[0], end = seg[0] + seg[1]; from < end; from += chunk) {
                pieces.add(new int[] {from, Math.min(end, from + chunk), seg[2]});
            }
        }
        team.forEach(pieces.size(), p -> {
            int[] piece = pieces.get(p);
            float decay = piece[2] == 1 ? lambda : 0f;
            for (int i = piece[0]; i < piece[1]; i++) {
                float v = mu * velocity[i] - rate * (grads[i] + decay * params[i]);
                velocity[i] = v;
                params[i] += v;
            }
        });
    }

    /** lambda/2 * ||W||^2 over the decayed parameters: the part of the loss the data loss omits. */
    public double regularizationLoss(float[] params) {
        double sum = 0;
        for (int[] seg : segments) {
            if (seg[2] == 1) {
                for (int i = seg[0]; i < seg[0] + seg[1]; i++) {
                    sum += (double) params[i] * params[i];
                }
            }
        }
        return 0.5 * settings.l2() * sum;
    }
}
