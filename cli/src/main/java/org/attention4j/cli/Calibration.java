package org.attention4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.attention4j.Kernel;
import org.attention4j.bench.FmaPeak;
import org.attention4j.bench.ReadBandwidth;

/**
 * The machine's fp32 FMA peak measured now, on 1 and on {@code threads} threads: the denominator of
 * every "% of peak" the CLI prints; and, for memory-bound calls (decode), its read bandwidth the same
 * way ({@link #withReadBandwidth}; NaN until measured). Measured in the same run because the machine is
 * shared and its CPU changes between sessions.
 */
public record Calibration(String kernel, double gflops1, int threads, double gflopsN, double readGbs1,
                          double readGbsN) {
    private static final long MILLIS = 200;
    private static final int REPEATS = 3;
    private static final int READ_REPEATS = 5;

    public static Calibration measure(Kernel kernel, int threads) {
        double one = FmaPeak.gflops(kernel, 1, MILLIS, REPEATS);
        double all = threads == 1 ? one : FmaPeak.gflops(kernel, threads, MILLIS, REPEATS);
        return new Calibration(kernel.name().toLowerCase(java.util.Locale.ROOT), one, threads, all, Double.NaN,
                Double.NaN);
    }

    /** {@return this calibration with the read bandwidth measured now} (a 256 MiB stream, ~2 s) */
    public Calibration withReadBandwidth() {
        Kernel k = Kernel.valueOf(kernel.toUpperCase(java.util.Locale.ROOT));
        double one = ReadBandwidth.gbPerSecond(k, 1, ReadBandwidth.DEFAULT_BYTES, READ_REPEATS);
        double all = threads == 1 ? one : ReadBandwidth.gbPerSecond(k, threads, ReadBandwidth.DEFAULT_BYTES, READ_REPEATS);
        return new Calibration(kernel, gflops1, threads, gflopsN, one, all);
    }

    /** {@return whether {@link #withReadBandwidth} measured the read bandwidth} */
    public boolean hasReadBandwidth() {
        return !Double.isNaN(readGbs1);
    }

    /** The read bandwidth (GB/s) on {@code t} threads, interpolated as {@link #peakFor}; NaN if not measured. */
    public double readBandwidthFor(int t) {
        if (t <= 1) {
            return readGbs1;
        }
        return t >= threads ? readGbsN : readGbs1 + (readGbsN - readGbs1) * (t - 1) / (threads - 1);
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

    /** {@return the read bandwidth in words, or null when not measured} */
    public String describeReadBandwidth() {
        if (!hasReadBandwidth()) {
            return null;
        }
        return threads == 1 ? String.format(java.util.Locale.ROOT, "%.1f GB/s on 1 thread", readGbs1)
                : String.format(java.util.Locale.ROOT, "%.1f GB/s on 1 thread, %.1f GB/s on %d threads", readGbs1,
                readGbsN, threads);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", kernel);
        m.put("gflops1Thread", gflops1);
        m.put("threads", threads);
        m.put("gflopsAllThreads", gflopsN);
        if (hasReadBandwidth()) {
            m.put("readGBs1Thread", readGbs1);
            m.put("readGBsAllThreads", readGbsN);
        }
        return m;
    }
}
