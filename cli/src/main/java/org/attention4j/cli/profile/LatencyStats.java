package org.attention4j.cli.profile;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Latency percentiles (nearest rank) of one row's calls, in milliseconds. */
public record LatencyStats(double min, double p50, double p90, double p99, double max) {

    static LatencyStats of(long[] nanos, int count) {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return new LatencyStats(ms(sorted[0]), ms(rank(sorted, 0.50)), ms(rank(sorted, 0.90)),
                ms(rank(sorted, 0.99)), ms(sorted[count - 1]));
    }

    private static long rank(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", min);
        m.put("p50", p50);
        m.put("p90", p90);
        m.put("p99", p99);
        m.put("max", max);
        return m;
    }
}
