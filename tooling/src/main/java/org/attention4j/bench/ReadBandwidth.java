package org.attention4j.bench;

import org.attention4j.Kernel;
import org.attention4j.kernel.TileOps;

/**
 * Measures the machine's memory read bandwidth from Java, now: a streaming read over a buffer larger
 * than the last-level cache, each thread its own slice, on the kernel's vectors. The denominator of
 * every "% of the read bandwidth" figure (decode reads K and V once per call, so its limit is this, not
 * the FMA peak), measured in the same run for the same reason as {@link FmaPeak}.
 */
public final class ReadBandwidth {
    /** The default buffer: 256 MiB, past the L3 of the machines this project runs on (32 MiB per CCD). */
    public static final long DEFAULT_BYTES = 256L << 20;
    private static volatile float sink;

    private ReadBandwidth() {}

    /**
     * GB/s (10^9 bytes per second) of {@code threads} threads each reading its slice of a
     * {@code bytes}-byte buffer once at the same time; the best of {@code repeats} passes (after one
     * untimed pass that compiles the loop and maps the pages).
     */
    public static double gbPerSecond(Kernel kernel, int threads, long bytes, int repeats) {
        if (threads < 1 || repeats < 1 || bytes < 1L << 20 || bytes / Float.BYTES > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("threads = " + threads + ", bytes = " + bytes + ", repeats = " + repeats
                    + ": expected threads >= 1, 1 MiB <= bytes < 8 GiB, repeats >= 1");
        }
        TileOps ops = FmaPeak.ops(kernel);
        float[] data = new float[(int) (bytes / Float.BYTES)];
        java.util.Arrays.fill(data, 1f); // touch every page before timing
        for (int i = 0; i < 3; i++) {
            sink = ops.sumStream(data, 0, data.length); // C2 compiles the loop
        }
        double best = 0;
        for (int r = 0; r < repeats; r++) {
            best = Math.max(best, runOnce(ops, threads, data));
        }
        return best;
    }

    private static double runOnce(TileOps ops, int threads, float[] data) {
        int slice = data.length / threads;
        long slowest = AtOnce.slowestNanos(threads, id -> sink = ops.sumStream(data, id * slice, (id + 1) * slice),
                "the read bandwidth");
        return (double) slice * threads * Float.BYTES / slowest;
    }
}
