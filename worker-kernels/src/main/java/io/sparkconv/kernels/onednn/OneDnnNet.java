package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.cpu.Precision;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.FlatVectorNet;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.PlannedLayer;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A net on oneDNN. The flat parameter and gradient vectors live on the Java heap, as in the Java
 * backend (the optimizer and the all-reduce see the same arrays); each parameter layer also has an
 * fp32 master copy in native memory in the user layout ({@link MasterWeights}), refreshed from the flat vector once per
 * {@link #parametersChanged()}, from which each {@link Graph} reorders the weights into its
 * primitives' layouts.
 *
 * <p>Batch sizes: a {@link Graph} per distinct n, built on first use and kept (in training that is
 * maxBatch and perhaps the epoch's last, smaller batch; evaluation adds forward-only graphs of
 * its own). Padding a short batch up to maxBatch would cost a full batch's time and need masking
 * in the loss; a second graph costs memory only.
 */
final class OneDnnNet extends FlatVectorNet {
    private static final Logger LOG = LoggerFactory.getLogger(OneDnnNet.class);
    private static volatile boolean warnedThreads;
    /** How convolutions lay out activations; see {@link Graph#act} and {@link #chooseLayout}. */
    enum Layout { ANY, NHWC }

    final Layout layout;
    final ThreadTeam team;
    final Precision precision;
    final engine eng;
    final stream strm;
    final PassState pass = new PassState();
    private final MasterWeights[] layerParams;
    private final Map<Integer, Graph> graphs = new HashMap<>();
    private long version;
    private long uploadedVersion = -1;

    OneDnnNet(NetPlan plan, int maxBatch, ThreadTeam team, Precision precision) {
        super(plan, maxBatch);
        this.team = team;
        this.precision = precision;
        this.eng = OneDnn.engine();
        this.strm = new stream(eng);
        this.layout = chooseLayout(plan, System.getProperty("sparkconv.onednn.layout", "auto"));
        this.layerParams = new MasterWeights[plan.layers().size()];
        for (PlannedLayer l : plan.layers()) {
            if (l.paramCount() > 0) {
                layerParams[l.index()] = new MasterWeights(l, eng);
            }
        }
        int omp = OneDnn.ompThreads();
        if (omp != team.threads() && !warnedThreads) {
            warnedThreads = true;
            LOG.warn("oneDNN runs {} OpenMP threads (OMP_NUM_THREADS) but this worker owns {} cores: set "
                    + "OMP_NUM_THREADS={} before the JVM starts", omp, team.threads(), team.threads());
        }
        // Build (and drop) a one-image graph now, so a shape oneDNN cannot run fails at compile, not
        // mid-training; real graphs are built on first use, for the batch sizes that occur.
        new Graph(this, 1, true).close();
    }

    /**
     * Channels-last when some convolution has a channel count (other than the net's input) that is
     * not a multiple of 16, else oneDNN's choice (blocked by 16). Blocked layouts pad channels up
     * to 16: LeNet's 20 and 50 run as 32 and 64, and there nhwc (brgemm) measured 6,800 against
     * 5,500 images/s for the whole step (1 thread); VGG-small's 32/64 measured the same either way
     * (1,300 / 1,270), so blocked stays where nothing is padded. -Dsparkconv.onednn.layout=any|nhwc
     * overrides.
     */
    static Layout chooseLayout(NetPlan plan, String setting) {
        switch (setting.toLowerCase(java.util.Locale.ROOT)) {
            case "any":
                return Layout.ANY;
            case "nhwc":
                return Layout.NHWC;
            case "auto":
                break;
            default:
                throw new IllegalArgumentException("sparkconv.onednn.layout must be auto, any or nhwc, got " + setting);
        }
        for (PlannedLayer l : plan.layers()) {
            if (l.spec() instanceof io.sparkconv.kernels.spec.LayerSpec.Conv) {
                boolean firstInput = l.in().equals(plan.input()) && l.index() == 0;
                if (l.out().channels() % 16 != 0 || (!firstInput && l.in().channels() % 16 != 0)) {
                    return Layout.NHWC;
                }
            }
        }
        return Layout.ANY;
    }

    MasterWeights params(int layer) {
        return layerParams[layer];
    }

    /**
     * The graph for n images: with backward for training; for inference the training graph of
     * that n if there is one, else a forward-only graph (evaluation batches can be far larger than
     * training ones, and backward buffers would multiply their memory).
     */
    Graph graph(int n, boolean training) {
        Graph g = graphs.get(n);
        if (g != null && (g.withBackward || !training)) {
            return g;
        }
        if (g != null) {
            g.close();
        }
        g = new Graph(this, n, training);
        graphs.put(n, g);
        return g;
    }

    @Override
    public String backend() {
        return OneDnnBackend.NAME;
    }

    /** fp32 or bf16. */
    public Precision precision() {
        return precision;
    }

    @Override
    public double forwardBackward(Batch batch, float lossScale) {
        int n = batch.size();
        checkBatch(n, batch.imageSize());
        Graph g = prepare(n, batch.images, true);
        pass.training = true;
        pass.batch = batch;
        pass.lossScale = lossScale;
        try {
            g.forwardSteps.run(strm);
            g.backwardSteps.run(strm);
            g.gradientSteps.run(strm);
            strm._wait();
        } finally {
            pass.batch = null;
        }
        return pass.loss;
    }

    @Override
    public void predict(float[] images, int n, float[] out) {
        checkBatch(n, plan.input().size());
        Graph g = prepare(n, images, false);
        pass.training = false;
        pass.batch = null;
        pass.lossScale = 0f;
        g.forwardSteps.run(strm);
        System.arraycopy(g.loss().probabilities(), 0, out, 0, n * plan.classes());
    }

    /** The graph for n images, with current weights and the images copied in. */
    private Graph prepare(int n, float[] images, boolean training) {
        Graph g = graph(n, training);
        if (uploadedVersion != version) {
            for (MasterWeights p : layerParams) {
                if (p != null) {
                    p.upload(params);
                }
            }
            uploadedVersion = version;
        }
        if (g.weightsVersion != version) {
            g.weightSteps.run(strm);
            g.weightsVersion = version;
        }
        g.input.put(images, 0, n * plan.input().size());
        return g;
    }

    @Override
    public void parametersChanged() {
        version++;
    }

    @Override
    public void close() {
        if (Steps.PROFILE) {
            for (Graph g : graphs.values()) {
                StringBuilder sb = new StringBuilder(String.format("oneDNN profile, %s, %s, batch %d (ms per pass):%n",
                        plan.spec().name(), precision.word(), g.n));
                double total = 0;
                for (Steps st : new Steps[] {g.weightSteps, g.forwardSteps, g.backwardSteps, g.gradientSteps}) {
                    for (Map.Entry<String, Double> e : st.profile().entrySet()) {
                        sb.append(String.format("  %8.3f  %s%n", e.getValue(), e.getKey()));
                        total += e.getValue();
                    }
                }
                sb.append(String.format("  %8.3f  total%n", total));
                System.err.print(sb);
            }
        }
        for (Graph g : graphs.values()) {
            g.close();
        }
        graphs.clear();
        for (MasterWeights p : layerParams) {
            if (p != null) {
                p.close();
            }
        }
        strm.close();
    }
}
