package org.attention4j.bench;

import org.attention4j.Kernel;
import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.KernelProvider;

/**
 * Measures the machine's fp32 FMA peak from Java, now, on the widest vectors the kernel uses: the
 * denominator of every "% of peak" figure. Measured in the same run as the thing it is compared with,
 * because the machine is shared and noisy and its CPU changes between sessions.
 */
public final class FmaPeak {
    private static volatile float sink;

    private FmaPeak() {}

    /**
     * GFLOP/s of {@code threads} threads running the calibration loop at once for about
     * {@code millis} ms each (after a short warm-up); the best of {@code repeats} runs.
     */
    public static double gflops(Kernel kernel, int threads, long millis, int repeats) {
        TileOps ops = ops(kernel);
        warmUp(ops);
        long iterations = calibrateIterations(ops, millis);
        double best = 0;
        for (int r = 0; r < repeats; r++) {
            best = Math.max(best, runOnce(ops, threads, iterations));
        }
        return best;
    }

    /**
     * Runs the calibration loop once for {@code iterations} steps on the calling thread (for JMH):
     * {@link #flopsPerIteration} FLOPs per step. Returns a value that depends on all the work.
     */
    public static float chains(Kernel kernel, long iterations) {
        return ops(kernel).fmaChains(iterations);
    }

    /** FLOPs one iteration of {@link #chains} performs: 2 · 12 chains · vector lanes. */
    public static long flopsPerIteration(Kernel kernel) {
        return 2L * 12 * ops(kernel).lanes();
    }

    static TileOps ops(Kernel kernel) {
        return KernelProvider.of(kernel).tileOps();
    }

    /**
     * Runs the loop for half a second first: until C2 has compiled it, the Vector API runs boxed in the
     * interpreter or C1 at ~1 % of the peak, and a calibration done then sizes every later run too short.
     */
    private static void warmUp(TileOps ops) {
        long end = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < end) {
            sink = ops.fmaChains(20_000);
        }
    }

    private static long calibrateIterations(TileOps ops, long millis) {
        long iterations = 100_000;
        while (true) {
            long t0 = System.nanoTime();
            sink = ops.fmaChains(iterations);
            long elapsed = System.nanoTime() - t0;
            if (elapsed > millis * 1_000_000L / 4) {
                return Math.max(1, (long) (iterations * (millis * 1e6 / elapsed)));
            }
            iterations *= 4;
        }
    }

    private static double runOnce(TileOps ops, int threads, long iterations) {
        long slowest = AtOnce.slowestNanos(threads, id -> sink = ops.fmaChains(iterations), "the FMA peak");
        double flops = 2.0 * 12 * ops.lanes() * iterations * threads; // as flopsPerIteration
        return flops / slowest;
    }
}
