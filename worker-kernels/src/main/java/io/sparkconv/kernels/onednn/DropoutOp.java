package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.random.KeyedRandom;
import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Inverted dropout on the host, because the mask of image i must be the pure function of
 * (seed, epoch, sample id, layer) that the Java backend draws (java/Dropout.java): oneDNN's own
 * dropout attribute draws other numbers. The activations pass through plain fp32 here (a reorder
 * each way where the neighbours' layout differs); at AlexNet's 32 x 4096 that is microseconds.
 */
final class DropoutOp extends Op {
    private final float rate;
    private final float keepScale;
    private final ThreadTeam team;
    private float[] x, mask;
    private int d;

    DropoutOp(PlannedLayer layer, ThreadTeam team) {
        super(layer);
        this.rate = ((LayerSpec.Dropout) layer.spec()).rate();
        this.keepScale = 1f / (1f - rate);
        this.team = team;
    }

    // x is (n, D) in any layout; y will be (n, D) plain fp32
    @Override
    Tensor forward(Graph g, Tensor in) {
        d = layer.in().size();
        int n = g.n;
        memory.desc plain = g.plain(Graph.dims(in.desc()).length == 4
                ? new long[] {n, layer.in().channels(), layer.in().height(), layer.in().width()}
                : new long[] {n, d});
        Tensor hx = g.as(in, plain, g.forwardSteps);
        Tensor y = new Tensor(g.alloc(plain), plain);
        FloatPointer xp = g.keep(new FloatPointer(hx.mem().get_data_handle()));
        FloatPointer yp = g.keep(new FloatPointer(y.mem().get_data_handle()));
        x = new float[n * d];
        mask = new float[n * d];
        PassState pass = g.pass;
        g.forwardSteps.add(layer.name() + " dropout (host)", () -> {
            g.strm._wait();
            xp.get(x, 0, n * d);
            if (pass.training && rate > 0f) {
                team.forEach(n, i -> {
                    long key = KeyedRandom.key(pass.batch.seed(), pass.batch.epoch(), pass.batch.sampleIds[i], layer.index());
                    int base = i * d;
                    for (int j = 0; j < d; j++) {
                        mask[base + j] = KeyedRandom.uniform(key, j) >= rate ? keepScale : 0f;
                        x[base + j] *= mask[base + j];
                    }
                });
            }
            yp.put(x, 0, n * d);
        });
        return y;
    }

    // forward: y = x * mask  =>  dx = dy * mask
    @Override
    Tensor backward(Graph g, Tensor dy, boolean needDx) {
        if (!needDx) {
            return null;
        }
        int n = g.n;
        memory.desc plain = g.plain(Graph.dims(dy.desc()));
        Tensor hdy = g.as(dy, plain, g.backwardSteps);
        Tensor dx = new Tensor(g.alloc(plain), plain);
        FloatPointer dyp = g.keep(new FloatPointer(hdy.mem().get_data_handle()));
        FloatPointer dxp = g.keep(new FloatPointer(dx.mem().get_data_handle()));
        float[] buf = new float[n * d];
        g.backwardSteps.add(layer.name() + " dropout backward (host)", () -> {
            g.strm._wait();
            dyp.get(buf, 0, n * d);
            if (rate > 0f) {
                for (int i = 0; i < n * d; i++) {
                    buf[i] *= mask[i];
                }
            }
            dxp.put(buf, 0, n * d);
        });
        return dx;
    }

}
