package io.sparkconv.kernels.java;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkconv.kernels.spec.LayerSpec;
import io.sparkconv.kernels.spec.PlannedLayer;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.kernels.spec.Size2;
import io.sparkconv.kernels.parallel.ThreadTeam;
import org.junit.jupiter.api.Test;

class MaxPoolArgmaxTest {
    @Test
    void backwardPutsEachGradientAtTheStoredArgmaxOnly() {
        PlannedLayer plan = GradientCheck.plan(new Shape(1, 4, 4), new LayerSpec.MaxPool("p", Size2.square(2), Size2.square(2)));
        MaxPool2d pool = (MaxPool2d) JavaNet.createLayer(plan, new float[0], new float[0], 1);
        float[] x = {
            1, 9, 2, 3,
            4, 5, 8, 7,
            0, 6, 1, 1,
            2, 3, 5, 4,
        };
        float[] y = new float[4];
        Pass pass = new Pass(new ThreadTeam(1));
        pool.forward(x, y, 1, pass);
        assertEquals(9f, y[0]);
        assertEquals(8f, y[1]);
        assertEquals(6f, y[2]);
        assertEquals(5f, y[3]);
        int[] expectedArgmax = {1, 6, 9, 14};
        for (int j = 0; j < 4; j++) {
            assertEquals(expectedArgmax[j], pool.argmax()[j]);
        }
        float[] dy = {10, 20, 30, 40};
        float[] dx = new float[16];
        java.util.Arrays.fill(dx, -1f); // backward must overwrite, not add to, stale values
        pool.backward(x, y, dy, dx, 1, pass);
        float[] expected = new float[16];
        expected[1] = 10;
        expected[6] = 20;
        expected[9] = 30;
        expected[14] = 40;
        for (int i = 0; i < 16; i++) {
            assertEquals(expected[i], dx[i], "dx[" + i + "]");
        }
    }

    @Test
    void overlappingWindowsAddAtASharedArgmax() {
        // 3x3 stride 2 over 5x5: the centre element is the max of all four windows.
        PlannedLayer plan = GradientCheck.plan(new Shape(1, 5, 5), new LayerSpec.MaxPool("p", Size2.square(3), Size2.square(2)));
        MaxPool2d pool = (MaxPool2d) JavaNet.createLayer(plan, new float[0], new float[0], 1);
        float[] x = new float[25];
        x[12] = 100f;
        float[] y = new float[4];
        Pass pass = new Pass(new ThreadTeam(1));
        pool.forward(x, y, 1, pass);
        float[] dx = new float[25];
        pool.backward(x, y, new float[] {1, 2, 3, 4}, dx, 1, pass);
        assertEquals(10f, dx[12]);
        float others = 0;
        for (int i = 0; i < 25; i++) {
            if (i != 12) {
                others += Math.abs(dx[i]);
            }
        }
        assertEquals(0f, others);
    }
}
