package io.sparkconv.driver.cv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
    @Test
    void aGridTriesEveryCombinationLrSlowest() {
        List<Setting> s = SearchSpace.grid(List.of("lr=0.1,0.03,0.01", "l2=1e-3,5e-4"), 0.5, 0.5);
        assertEquals(6, s.size());
        assertEquals(new Setting(0.1, 1e-3), s.get(0));
        assertEquals(new Setting(0.1, 5e-4), s.get(1));
        assertEquals(new Setting(0.01, 5e-4), s.get(5));
    }

    @Test
    void aParameterTheGridLeavesOutKeepsTheConfigValue() {
        assertEquals(List.of(new Setting(0.1, 7e-4), new Setting(0.2, 7e-4)),
                SearchSpace.grid(List.of("lr=0.1,0.2"), 0.01, 7e-4));
    }

    @Test
    void badTermsNameTheTerm() {
        var e = assertThrows(IllegalArgumentException.class, () -> SearchSpace.grid(List.of("momentum=0.9"), 1, 1));
        assertTrue(e.getMessage().contains("momentum=0.9") && e.getMessage().contains("unknown parameter"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SearchSpace.grid(List.of("lr=0.1,x"), 1, 1));
        assertTrue(e.getMessage().contains("'x' is not a number"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SearchSpace.grid(List.of("lr"), 1, 1));
        assertTrue(e.getMessage().contains("NAME=VALUES"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SearchSpace.grid(List.of("lr=-0.1"), 1, 1));
    }

    @Test
    void randomPointsAreSeededAndStayInTheirRanges() {
        List<Setting> a = SearchSpace.random(200, List.of("lr=0.001:0.1", "l2=0:0.001"), 0.5, 0.5, 7);
        assertEquals(a, SearchSpace.random(200, List.of("lr=0.001:0.1", "l2=0:0.001"), 0.5, 0.5, 7));
        assertNotEquals(a, SearchSpace.random(200, List.of("lr=0.001:0.1", "l2=0:0.001"), 0.5, 0.5, 8));
        int belowGeometricMiddle = 0;
        for (Setting s : a) {
            assertTrue(s.lr() >= 0.001 && s.lr() <= 0.1, s.toString());
            assertTrue(s.l2() >= 0 && s.l2() <= 0.001, s.toString());
            belowGeometricMiddle += s.lr() < 0.01 ? 1 : 0;
        }
        // Log-uniform: half the draws fall below the geometric middle 0.01 (a uniform draw puts 9% there).
        assertTrue(belowGeometricMiddle > 70 && belowGeometricMiddle < 130, "below 0.01: " + belowGeometricMiddle);
    }

    @Test
    void aSettingsMeanAndSampleStandardDeviation() {
        Setting s = new Setting(0.1, 0);
        List<TrialResult> trials = List.of(trial(s, 2, 0.8), trial(s, 0, 0.9), trial(s, 1, 0.7));
        SettingScore score = SettingScore.of(s, trials);
        assertEquals(List.of(0.9, 0.7, 0.8), score.scores());
        assertEquals(0.8, score.mean(), 1e-12);
        assertEquals(0.1, score.std(), 1e-12);
        SettingScore diverged = SettingScore.of(new Setting(1, 0), List.of(trial(s, 0, Double.NaN)));
        assertEquals(-1, SettingScore.byMeanDescending(score, diverged));
    }

    private static TrialResult trial(Setting s, int fold, double score) {
        return new TrialResult(s, fold, "p", score, 0, 1, false, 0, 1000, List.of(), "dir");
    }
}
