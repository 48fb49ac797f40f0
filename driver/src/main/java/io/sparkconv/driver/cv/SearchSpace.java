package io.sparkconv.driver.cv;

import io.sparkconv.kernels.random.KeyedRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings a search tries: a grid ({@code lr=0.1,0.03 l2=1e-3,5e-4}, every combination) or N
 * random points drawn log-uniformly from ranges ({@code lr=0.001:0.1}), seeded so a search can be
 * rerun exactly. A parameter the search does not name keeps the config's value.
 */
public final class SearchSpace {
    private static final List<String> NAMES = List.of("lr", "l2");

    private SearchSpace() {}

    /** Every combination of the listed values, lr varying slowest. */
    public static List<Setting> grid(List<String> terms, double baseLr, double baseL2) {
        Map<String, List<Double>> values = parse(terms, "--grid", "lr=0.1,0.03,0.01");
        List<Setting> settings = new ArrayList<>();
        for (double lr : values.getOrDefault("lr", List.of(baseLr))) {
            for (double l2 : values.getOrDefault("l2", List.of(baseL2))) {
                settings.add(new Setting(lr, l2));
            }
        }
        return settings;
    }

    /** N points, each parameter log-uniform in its range LO:HI (or uniform when LO is 0). */
    public static List<Setting> random(int n, List<String> ranges, double baseLr, double baseL2, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("--random needs N >= 1, got " + n);
        }
        Map<String, double[]> bounds = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : parse(ranges, "--range", "lr=0.001:0.1").entrySet()) {
            if (e.getValue().size() != 2 || !(e.getValue().get(0) <= e.getValue().get(1))) {
                throw new IllegalArgumentException("--range " + e.getKey() + ": give LO:HI with LO <= HI, got " + e.getValue());
            }
            bounds.put(e.getKey(), new double[] {e.getValue().get(0), e.getValue().get(1)});
        }
        if (bounds.isEmpty()) {
            throw new IllegalArgumentException("--random needs at least one --range, e.g. --range lr=0.001:0.1");
        }
        List<Setting> settings = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            settings.add(new Setting(draw(bounds.get("lr"), baseLr, seed, i, 0), draw(bounds.get("l2"), baseL2, seed, i, 1)));
        }
        return settings;
    }

    private static double draw(double[] range, double base, long seed, int point, int parameter) {
        if (range == null) {
            return base;
        }
        double u = KeyedRandom.uniform(KeyedRandom.key(seed, 0x5ea2c4L, parameter), point);
        if (range[0] <= 0) {
            return range[0] + u * (range[1] - range[0]);
        }
        return Math.exp(Math.log(range[0]) + u * (Math.log(range[1]) - Math.log(range[0])));
    }

    /** NAME=V1,V2 or NAME=LO:HI terms; an unknown name or a bad number is an error naming the term. */
    private static Map<String, List<Double>> parse(List<String> terms, String option, String example) {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        for (String term : terms) {
            int eq = term.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(option + " " + term + ": expected NAME=VALUES, e.g. " + example);
            }
            String name = term.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException(option + " " + term + ": unknown parameter '" + name
                        + "'; a search varies " + String.join(" and ", NAMES));
            }
            if (out.containsKey(name)) {
                throw new IllegalArgumentException(option + ": " + name + " given twice");
            }
            List<Double> values = new ArrayList<>();
            for (String v : term.substring(eq + 1).split("[,:]")) {
                try {
                    values.add(Double.parseDouble(v.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(option + " " + term + ": '" + v + "' is not a number");
                }
            }
            out.put(name, values);
        }
        return out;
    }
}
