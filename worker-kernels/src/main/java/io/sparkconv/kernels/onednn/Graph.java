package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.cpu.Precision;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import io.sparkconv.kernels.spec.Shape;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A net compiled for one batch size n: every primitive, memory and argument map created once, and
 * the pass as four lists of steps. Layouts are oneDNN's choice (format any) and stay between
 * layers; a reorder is added only where a producer's layout differs from what the consumer's
 * primitive asked for (the walk of oneDNN's examples/primitives/convolution.cpp: user memory,
 * primitive memory, reorder when they differ, execute).
 *
 * <ul>
 *   <li>{@code weightSteps}: master weights (fp32, user layout) into each primitive's layout and
 *       data type; run once per parameter version, not per layer call.
 *   <li>{@code forwardSteps}, {@code backwardSteps}: the pass.
 *   <li>{@code gradientSteps}: weight gradients back to the user layout, into the flat vector.
 * </ul>
 */
final class Graph implements AutoCloseable {
    final OneDnnNet net;
    final int n;
    final engine eng;
    final stream strm;
    final memory.data_type dt;
    final PassState pass;
    /** False for an inference-only graph: no backward steps, no gradient memories. */
    final boolean withBackward;
    final Steps weightSteps = new Steps();
    final Steps forwardSteps = new Steps();
    final Steps backwardSteps = new Steps();
    final Steps gradientSteps = new Steps();
    /** The version of the parameters weightSteps last ran for. */
    long weightsVersion = -1;
    final FloatPointer input;
    private final List<Pointer> owned = new ArrayList<>();
    private final List<WeightCopy> weightCopies = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();
    private LossOp loss;

    private record WeightCopy(int layer, memory.desc desc, memory mem) {}

    Graph(OneDnnNet net, int n, boolean withBackward) {
        this.net = net;
        this.n = n;
        this.withBackward = withBackward;
        this.eng = net.eng;
        this.strm = net.strm;
        this.dt = net.precision == Precision.BF16 ? memory.data_type.bf16 : memory.data_type.f32;
        this.pass = net.pass;
        List<PlannedLayer> layers = net.plan().layers();
        for (int i = 0; i < layers.size(); i++) {
            PlannedLayer l = layers.get(i);
            LayerSpec s = l.spec();
            boolean reluNext = i + 1 < layers.size() && layers.get(i + 1).spec() instanceof LayerSpec.Relu;
            boolean lastParamLayer = i + 2 == layers.size() && s instanceof LayerSpec.Dense;
            Op op;
            if (s instanceof LayerSpec.Conv) {
                op = new ConvOp(l, reluNext);
            } else if (s instanceof LayerSpec.Dense) {
                op = new DenseOp(l, reluNext, lastParamLayer);
            } else if (s instanceof LayerSpec.Relu) {
                boolean fused = i > 0 && (layers.get(i - 1).spec() instanceof LayerSpec.Conv
                        || layers.get(i - 1).spec() instanceof LayerSpec.Dense);
                op = fused ? null : new ReluOp(l);
            } else if (s instanceof LayerSpec.MaxPool || s instanceof LayerSpec.AvgPool) {
                PoolOp pool = new PoolOp(l);
                // conv -> relu -> maxpool: the ReLU's backward moves after the pool, onto its 4x
                // smaller output (see PoolOp#reluBackward).
                if (s instanceof LayerSpec.MaxPool && i >= 2 && layers.get(i - 1).spec() instanceof LayerSpec.Relu
                        && ops.get(ops.size() - 1) instanceof ConvOp conv) {
                    conv.reluBackwardInPool = true;
                    pool.reluBackward = true;
                }
                op = pool;
            } else if (s instanceof LayerSpec.Lrn) {
                op = new LrnOp(l);
            } else if (s instanceof LayerSpec.Dropout) {
                op = new DropoutOp(l, net.team);
            } else if (s instanceof LayerSpec.SoftmaxCrossEntropy) {
                op = loss = new LossOp(l);
            } else {
                throw new IllegalArgumentException("no oneDNN kernel for " + l.label());
            }
            if (op != null) {
                ops.add(op);
            }
        }
        // Entry: the NCHW fp32 images, converted once into the first primitive's layout.
        Shape in = net.plan().input();
        memory.desc userIn = plain(new long[] {n, in.channels(), in.height(), in.width()});
        memory inMem = alloc(userIn);
        input = keep(new FloatPointer(inMem.get_data_handle()));
        Tensor x = new Tensor(inMem, userIn);
        for (Op op : ops) {
            x = op.forward(this, x);
        }
        if (withBackward) {
            Tensor dy = null;
            for (int i = ops.size() - 1; i >= 0; i--) {
                dy = ops.get(i).backward(this, dy, i > 0);
            }
        }
    }

    LossOp loss() {
        return loss;
    }

    // ---- building blocks for the ops ----

    <T extends Pointer> T keep(T p) {
        owned.add(p);
        return p;
    }

    memory alloc(memory.desc d) {
        return keep(new memory(d, eng));
    }

    /** A descriptor with layout left to the primitive. */
    memory.desc any(long[] dims, memory.data_type type) {
        return keep(new memory.desc(dims, type, memory.format_tag.any));
    }

    /**
     * A convolution's activation (source, destination and their gradients): format any, or
     * channels-last (nhwc) when the net is built that way: brgemm kernels on nhwc need no channel
     * padding, which blocked layouts add for channel counts that are not multiples of 16 (LeNet's
     * 20 and 50).
     */
    memory.desc act(long[] dims) {
        if (net.layout == OneDnnNet.Layout.NHWC && dims.length == 4) {
            return keep(new memory.desc(dims, dt, memory.format_tag.acdb));
        }
        return any(dims, dt);
    }

    /** fp32 in the row-major layout Java arrays use (a, ab, abcd: x, nc, nchw / oi, oihw). */
    memory.desc plain(long[] dims) {
        return plain(dims, memory.data_type.f32);
    }

    /** The row-major layout in data type type. */
    memory.desc plain(long[] dims, memory.data_type type) {
        memory.format_tag tag = switch (dims.length) {
            case 1 -> memory.format_tag.a;
            case 2 -> memory.format_tag.ab;
            case 4 -> memory.format_tag.abcd;
            default -> throw new IllegalArgumentException("rank " + dims.length);
        };
        return keep(new memory.desc(dims, type, tag));
    }

    /** A second view of t's data under another descriptor of the same size (a reshape of a plain layout). */
    Tensor view(Tensor t, memory.desc as) {
        return new Tensor(keep(new memory(as, eng, t.mem().get_data_handle())), as);
    }

    static long[] dims(memory.desc d) {
        int nd = d.get_ndims();
        long[] out = new long[nd];
        d.get_dims().get(out, 0, nd);
        return out;
    }

    /** t itself if it already has layout and type want, else a reorder appended to steps. */
    Tensor as(Tensor t, memory.desc want, Steps steps) {
        if (t.desc().equals(want)) {
            return t;
        }
        memory to = alloc(want);
        reorder r = keep(new reorder(t.mem(), to));
        memory from = t.mem();
        steps.add("reorder " + label(t.desc()) + " -> " + label(want), () -> r.execute(strm, from, to));
        return new Tensor(to, want);
    }

    /** Appends one execution of p with an argument map built here, once. */
    void exec(Steps steps, String label, primitive p, int[] keys, memory... mems) {
        keep(p);
        IntMemoryMap args = keep(new IntMemoryMap());
        for (int i = 0; i < keys.length; i++) {
            args.put(keys[i], mems[i]);
        }
        steps.add(label, () -> p.execute(strm, args));
    }

    /**
     * The layer's weights in the layout want: the net's fp32 master copy itself when the layouts
     * agree, else a copy refreshed by weightSteps (once per parameter version). Shared between
     * primitives of this graph that ask for the same layout.
     */
    memory weights(PlannedLayer l, memory.desc want) {
        MasterWeights p = net.params(l.index());
        if (p.userWeightsDesc().equals(want)) {
            return p.userWeights();
        }
        for (WeightCopy c : weightCopies) {
            if (c.layer == l.index() && c.desc.equals(want)) {
                return c.mem;
            }
        }
        memory to = alloc(want);
        reorder r = keep(new reorder(p.userWeights(), to));
        weightSteps.add(l.name() + " weights reorder", () -> r.execute(strm, p.userWeights(), to));
        weightCopies.add(new WeightCopy(l.index(), want, to));
        return to;
    }

    /**
     * After backward: the weight gradient (any layout, fp32) and the bias gradient into the flat
     * gradient vector at the layer's offsets, overwriting.
     */
    /**
     * The weight-gradient pass conv and dense layers share: bring src and the output gradient into
     * the primitive's layouts, run it (with the bias gradient when there is a bias), and copy the
     * gradients out to the flat vector.
     */
    void backwardWeights(PlannedLayer l, String kind, primitive_desc bw, primitive p, Tensor src, Tensor dz,
                         memory.desc bias) {
        Tensor bwSrc = as(src, bw.src_desc(), backwardSteps);
        Tensor bwDz = as(dz, bw.diff_dst_desc(), backwardSteps);
        memory.desc dwDesc = keep(bw.diff_weights_desc());
        memory dw = alloc(dwDesc);
        memory db = bias == null ? null : alloc(bias);
        String label = l.name() + " " + kind + " " + OneDnn.impl(bw);
        if (db != null) {
            exec(backwardSteps, label, p, new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS},
                    bwSrc.mem(), bwDz.mem(), dw, db);
        } else {
            exec(backwardSteps, label, p, new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
                    bwSrc.mem(), bwDz.mem(), dw);
        }
        gradientsOut(l, dw, dwDesc, db);
    }

    void gradientsOut(PlannedLayer l, memory diffWeights, memory.desc diffWeightsDesc, memory diffBias) {
        MasterWeights p = net.params(l.index());
        Tensor user = as(new Tensor(diffWeights, diffWeightsDesc), p.userWeightsDesc(), gradientSteps);
        FloatPointer w = keep(new FloatPointer(user.mem().get_data_handle()));
        FloatPointer b = diffBias == null ? null : keep(new FloatPointer(diffBias.get_data_handle()));
        float[] grads = net.gradients();
        gradientSteps.add(l.name() + " gradient copy", () -> {
            strm._wait();
            w.get(grads, l.weightOffset(), l.weightCount());
            if (b != null) {
                b.get(grads, l.biasOffset(), l.biasCount());
            }
        });
    }

    /** A short name of a layout for profiles: data type and dims. */
    static String label(memory.desc d) {
        return d.get_data_type() + java.util.Arrays.toString(dims(d));
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
