package io.sparkconv.kernels.java;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkconv.kernels.init.ParameterInit;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.NetSpec;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AlexNetForwardTest {
    @Test
    void oneImageThroughTheWholeStackGivesAThousandProbabilities() {
        NetPlan plan = NetPlan.of(NetSpec.load(Path.of("..", "conf", "nets", "alexnet.yaml")));
        try (ThreadTeam team = ThreadTeam.allCores(); Net net = new JavaBackend().compile(plan, 1, team)) {
            ParameterInit.initialize(plan, net.parameters(), 1);
            float[] image = new float[3 * 227 * 227];
            SplittableRandom rng = new SplittableRandom(2);
            for (int i = 0; i < image.length; i++) {
                image[i] = (float) (rng.nextDouble() - 0.5);
            }
            float[] probs = new float[1000];
            net.predict(image, 1, probs);
            double sum = 0;
            for (float p : probs) {
                sum += p;
                assertEquals(true, p >= 0 && p <= 1);
            }
            assertEquals(1.0, sum, 1e-4);
        }
    }
}
