package io.signup.bench;

import java.util.List;

/** One measured quantity over several runs: the median, with the smallest and largest run. */
public record Figure(double median, double min, double max, int runs) {

    static Figure of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Figure(median, sorted.get(0), sorted.get(n - 1), n);
    }

    /** {@code 812 [790–840]}, with {@code decimals} digits after the point. */
    String format(int decimals) {
        String number = "%." + decimals + "f";
        return String.format(number + " [" + number + "–" + number + "]", median, min, max);
    }
}
