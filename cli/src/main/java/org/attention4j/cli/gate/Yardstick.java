package org.attention4j.cli.gate;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.attention4j.Kernel;
import org.attention4j.bench.FmaPeak;
import org.attention4j.internal.JitQuiet;

/**
 * The yardstick every gate sample is divided by, run in slices interleaved with the scenario's calls
 * (see {@link Sampler}) on as many threads as the scenario: scalar FMA chains, which touch no memory.
 * A busier or slower machine (a neighbour taking CPU, a lower clock) slows scenario and yardstick
 * alike, and their ratio stays. It deliberately does not use the attention kernel: a slower kernel must
 * not slow its own yardstick.
 *
 * <p>It does not follow cache or memory contention. Versions that swept a 4 MiB or a 64 MiB ring to do
 * so evicted the scenario's caches between its calls and slowed it by an amount that depended on the
 * machine's memory state: with no load at all, a check 40 minutes after its baseline read +24–32 % on
 * three scenarios. A yardstick must not disturb what it measures (docs/GATE.md).
 */
final class Yardstick implements AutoCloseable {
    /** Names the yardstick in baselines: samples normalized by another yardstick cannot be compared. */
    static final String DESCRIPTION = "yardstick/4: per unit 256 scalar FMA-chain iterations, on the scenario's "
            + "threads, in slices around each chunk of calls";
    private static final int FMA_ITERATIONS = 256;
    private static volatile long sink;

    /** Units that take about 2 ms on this machine, found once after warm-up. */
    private final long unitsPer2ms;
    private final ExecutorService helpers;
    private final Ring[] rings;

    /** One thread's share of the yardstick. */
    private static final class Ring {
        long units(long count) {
            float fma = 0;
            for (long u = 0; u < count; u++) {
                fma += FmaPeak.chains(Kernel.SCALAR, FMA_ITERATIONS);
            }
            return (long) fma;
        }
    }

    Yardstick(int maxThreads) {
        rings = new Ring[maxThreads];
        for (int t = 0; t < maxThreads; t++) {
            rings[t] = new Ring();
        }
        helpers = maxThreads > 1 ? Executors.newFixedThreadPool(maxThreads - 1, r -> {
            Thread t = new Thread(r, "attention4j-gate-calibration");
            t.setDaemon(true);
            return t;
        }) : null;
        // Warm up first: sized while still interpreted, a "2 ms" slice would last microseconds once
        // compiled, and the gate would time the slices' own overhead. At least 0.3 s and until the JIT
        // has been idle for 0.2 s (a busy machine compiles late), at most 5 s.
        JitQuiet.runUntilCompiled(() -> sink = rings[0].units(100), 0, 300_000_000L, 5_000_000_000L, 200_000_000L);
        long n = 2000;
        long t0 = System.nanoTime();
        sink = rings[0].units(n);
        long elapsed = Math.max(1, System.nanoTime() - t0);
        unitsPer2ms = Math.max(10, (long) (n * 2e6 / elapsed));
    }

    /** Units that take about {@code nanos} on this machine when it is quiet (at least 10). */
    long iterationsFor(long nanos) {
        return Math.max(10, (long) (unitsPer2ms * (nanos / 2e6)));
    }

    /** Nanoseconds {@code units} units take now on {@code threads} threads (the slowest of them). */
    long measure(int threads, long units) {
        Future<?>[] others = new Future<?>[threads - 1];
        for (int t = 0; t < others.length; t++) {
            Ring ring = rings[t + 1];
            others[t] = helpers.submit(() -> {
                sink = ring.units(units);
            });
        }
        long t0 = System.nanoTime();
        sink = rings[0].units(units);
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException("calibration thread failed", e);
            }
        }
        return System.nanoTime() - t0;
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdown();
        }
    }
}
