package io.sparkconv.kernels.java;

import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.kernels.spec.Size2;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every layer's input and parameter gradients against central finite differences. */
class LayerGradientTest {
    private static Size2 s(int v) {
        return Size2.square(v);
    }

    private static void check(Shape in, LayerSpec spec, boolean spaced, int threads) {
        new GradientCheck(GradientCheck.plan(in, spec), 3, 7, threads, spaced).check(200);
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void convSquareKernel(int threads) {
        check(new Shape(3, 7, 7), new LayerSpec.Conv("c", 4, s(3), s(1), s(0), true), false, threads);
    }

    @Test
    void convPaddedAndStrided() {
        check(new Shape(2, 9, 8), new LayerSpec.Conv("c", 3, s(3), s(2), s(1), true), false, 2);
    }

    @Test
    void convNonSquareKernelStrideAndPad() {
        check(new Shape(2, 8, 9), new LayerSpec.Conv("c", 3, new Size2(3, 5), new Size2(2, 1), new Size2(1, 2), true), false, 2);
    }

    @Test
    void convWithoutBiasAndUncoveredRows() {
        // (10 + 0 - 4) mod 3 = 0 rows but (9 - 4) mod 3 = 2 columns left uncovered: their gradient is zero.
        check(new Shape(1, 10, 9), new LayerSpec.Conv("c", 2, s(4), s(3), s(0), false), false, 1);
    }

    @Test
    void maxPool() {
        check(new Shape(2, 6, 6), new LayerSpec.MaxPool("p", s(2), s(2)), true, 2);
    }

    @Test
    void maxPoolOverlapping() {
        check(new Shape(2, 7, 7), new LayerSpec.MaxPool("p", s(3), s(2)), true, 2);
    }

    @Test
    void avgPool() {
        check(new Shape(2, 7, 6), new LayerSpec.AvgPool("p", new Size2(3, 2), new Size2(2, 2)), false, 2);
    }

    @Test
    void relu() {
        check(new Shape(2, 4, 5), new LayerSpec.Relu("r"), true, 2);
    }

    @Test
    void localResponseNorm() {
        check(new Shape(7, 3, 3), new LayerSpec.Lrn("n", 5, 0.5f, 0.75f, 2f), false, 2);
    }

    @Test
    void localResponseNormAlexNetConstants() {
        check(new Shape(6, 2, 3), new LayerSpec.Lrn("n", 5, 1e-4f, 0.75f, 1f), false, 1);
    }

    @Test
    void dense() {
        check(new Shape(2, 3, 3), new LayerSpec.Dense("d", 7, true), false, 2);
    }

    @Test
    void dropout() {
        check(new Shape(30, 1, 1), new LayerSpec.Dropout("d", 0.5f), false, 2);
    }

    @Test
    void softmaxCrossEntropy() {
        check(Shape.vector(10), new LayerSpec.SoftmaxCrossEntropy("loss"), false, 1);
    }
}
