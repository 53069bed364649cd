package org.attention4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.attention4j.Kernel;
import org.attention4j.bench.FmaPeak;

/**
 * The machine's fp32 FMA peak measured now, on 1 and on {@code threads} threads: the denominator of
 * every "% of peak" the CLI prints. Measured in the same run because the machine is shared and its CPU
 * changes between sessions.
 */
public record Calibration(String kernel, double gflops1, int threads, double gflopsN) {
    private static final long MILLIS = 200;
    private static final int REPEATS = 3;

    public static Calibration measure(Kernel kernel, int threads) {
        double one = FmaPeak.gflops(kernel, 1, MILLIS, REPEATS);
        double all = threads == 1 ? one : FmaPeak.gflops(kernel, threads, MILLIS, REPEATS);
        return new Calibration(kernel.name().toLowerCase(java.util.Locale.ROOT), one, threads, all);
    }

    /** The peak for a run on {@code t} threads: linear between the two measured points, never above N. */
    public double peakFor(int t) {
        if (t <= 1) {
            return gflops1;
        }
        return t >= threads ? gflopsN : gflops1 + (gflopsN - gflops1) * (t - 1) / (threads - 1);
    }

    public String describe() {
        return threads == 1 ? String.format(java.util.Locale.ROOT, "%.1f GFLOP/s on 1 thread", gflops1)
                : String.format(java.util.Locale.ROOT, "%.1f GFLOP/s on 1 thread, %.1f GFLOP/s on %d threads",
                gflops1, gflopsN, threads);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", kernel);
        m.put("gflops1Thread", gflops1);
        m.put("threads", threads);
        m.put("gflopsAllThreads", gflopsN);
        return m;
    }
}
