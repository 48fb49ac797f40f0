package io.sparkconv.kernels.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyedRandomTest {
    @Test
    void fourPartKeyEqualsTheVarargsKey() {
        for (long i = -3; i < 50; i++) {
            long[] parts = {42 + i, i, 1000 * i, ~i};
            assertEquals(KeyedRandom.key(parts), KeyedRandom.key(parts[0], parts[1], parts[2], parts[3]));
        }
    }

    @Test
    void normalHasMeanZeroAndUnitVariance() {
        long key = KeyedRandom.key(7, 1);
        int n = 200_000;
        double sum = 0;
        double sumSq = 0;
        int beyondTwoSigma = 0;
        for (int i = 0; i < n; i++) {
            double z = KeyedRandom.normal(key, i);
            sum += z;
            sumSq += z * z;
            if (Math.abs(z) > 2) {
                beyondTwoSigma++;
            }
        }
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        // standard errors: mean 1/sqrt(n) = 0.0022, variance sqrt(2/n) = 0.0032; bars at about 5 of them
        assertEquals(0, mean, 0.011);
        assertEquals(1, variance, 0.016);
        // P(|z| > 2) = 0.0455 for a true normal
        assertEquals(0.0455, (double) beyondTwoSigma / n, 0.003);
        assertTrue(KeyedRandom.normal(key, 3) == KeyedRandom.normal(key, 3), "a pure function of (key, index)");
    }
}
