package dev.cartwheel.bench;

import java.util.Arrays;

/** Percentiles of a sample of durations in nanoseconds, reported in milliseconds. */
record Stats(int count, double p50Ms, double p90Ms, double p99Ms, double maxMs, double meanMs) {

    static Stats of(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        return new Stats(sorted.length, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, mean);
    }

    static Stats ofMillis(double[] millis) {
        long[] nanos = Arrays.stream(millis).mapToLong(ms -> (long) (ms * 1e6)).toArray();
        return of(nanos);
    }

    private static double at(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
