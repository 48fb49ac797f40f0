package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.cpu.Precision;
import static io.sparkconv.kernels.testing.NativeTestSupport.assumeNativeBf16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.net.Batch;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.optim.SgdSettings;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.train.ShardOrder;
import io.sparkconv.kernels.train.StreamPlan;
import io.sparkconv.kernels.train.TrainingStep;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Mixed precision does not cost accuracy: LeNet trained 2 epochs on the 60,000 Fashion-MNIST training
 * images in bf16 reaches within 0.5 points of the same run in fp32 on the 10,000 test images (same
 * seed, same initial weights, same batch order; docs/benchmarks.md's step: batch 100, SGD lr 0.01, momentum
 * 0.9, L2 5e-4; pixels scaled to [0, 1] minus the train-set mean). Reads the IDX files itself: the
 * data-prep module, which has a reader, depends on this one.
 */
class Bf16TrainingTest {
    static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");

    @Test
    void bf16LenetReachesFp32Accuracy() throws IOException {
        assumeNativeBf16();
        assumeTrue(Files.isRegularFile(DATA.resolve("train-images-idx3-ubyte.gz")),
                () -> "Fashion-MNIST not at " + DATA + " (Debian package dataset-fashion-mnist)");
        float[] trainX = images(DATA.resolve("train-images-idx3-ubyte.gz"));
        int[] trainY = labels(DATA.resolve("train-labels-idx1-ubyte.gz"));
        float[] testX = images(DATA.resolve("t10k-images-idx3-ubyte.gz"));
        int[] testY = labels(DATA.resolve("t10k-labels-idx1-ubyte.gz"));
        double mean = 0;
        for (float v : trainX) {
            mean += v;
        }
        mean /= trainX.length;
        for (int i = 0; i < trainX.length; i++) {
            trainX[i] -= (float) mean;
        }
        for (int i = 0; i < testX.length; i++) {
            testX[i] -= (float) mean;
        }
        double fp32 = trainAndTest(Precision.FP32, trainX, trainY, testX, testY);
        double bf16 = trainAndTest(Precision.BF16, trainX, trainY, testX, testY);
        System.out.printf("lenet, 2 epochs: test accuracy fp32 %.2f%%, bf16 %.2f%%%n", fp32, bf16);
        assertTrue(fp32 > 80, "fp32 training works at all: " + fp32);
        assertTrue(bf16 >= fp32 - 0.5, "bf16 " + bf16 + "% vs fp32 " + fp32 + "%");
    }

    static double trainAndTest(Precision p, float[] trainX, int[] trainY, float[] testX, int[] testY) {
        NetPlan plan = OneDnnNetTest.specNet("lenet");
        int size = plan.input().size();
        int batchSize = 100;
        int trainN = trainY.length;
        try (ThreadTeam team = new ThreadTeam(1); Net net = new OneDnnBackend(p).compile(plan, batchSize, team)) {
            ParameterInit.initialize(plan, net.parameters(), 1);
            net.parametersChanged();
            TrainingStep step = new TrainingStep(net, new Sgd(plan, new SgdSettings(0.01, 0.9, 5e-4, false)), team);
            StreamPlan batches = new StreamPlan(1, new long[] {trainN}, 8, batchSize);
            Batch batch = new Batch(batchSize, size);
            for (int epoch = 0; epoch < 2; epoch++) {
                ShardOrder[] orders = batches.orders(epoch);
                for (int s = 0; s < batches.stepsPerEpoch(); s++) {
                    long[] ids = batches.globalBatch(orders, s);
                    int n = ids.length;
                    for (int i = 0; i < n; i++) {
                        int k = (int) ids[i];
                        System.arraycopy(trainX, k * size, batch.images, i * size, size);
                        batch.labels[i] = trainY[k];
                        batch.sampleIds[i] = k;
                    }
                    step.run(batch.fill(n, epoch, 1), 0.01);
                }
            }
            int correct = 0;
            float[] images = new float[batchSize * size];
            float[] probs = new float[batchSize * plan.classes()];
            for (int from = 0; from < testY.length; from += batchSize) {
                int n = Math.min(batchSize, testY.length - from);
                System.arraycopy(testX, from * size, images, 0, n * size);
                net.predict(images, n, probs);
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int c = 1; c < plan.classes(); c++) {
                        if (probs[i * plan.classes() + c] > probs[i * plan.classes() + best]) {
                            best = c;
                        }
                    }
                    correct += best == testY[from + i] ? 1 : 0;
                }
            }
            return 100.0 * correct / testY.length;
        }
    }

    /** IDX3 (magic 0x803, count, rows, cols, bytes), scaled to [0, 1]. */
    static float[] images(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            assertEquals(0x803, in.readInt(), file + ": not IDX3 images");
            int count = in.readInt();
            int pixels = in.readInt() * in.readInt();
            byte[] raw = in.readNBytes(count * pixels);
            float[] out = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                out[i] = (raw[i] & 0xFF) / 255f;
            }
            return out;
        }
    }

    /** IDX1 (magic 0x801, count, bytes). */
    static int[] labels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            assertEquals(0x801, in.readInt(), file + ": not IDX1 labels");
            byte[] raw = in.readNBytes(in.readInt());
            int[] out = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                out[i] = raw[i];
            }
            return out;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(raw, 1 << 16)));
    }
}
