package org.attention4j.cli.gate;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.attention4j.Kernel;
import org.attention4j.bench.FmaPeak;

/**
 * The yardstick every gate sample is divided by: scalar FMA chains on as many threads as the scenario,
 * run in slices interleaved with the scenario's calls (see {@link Sampler}). A busier or slower machine
 * slows both, and the ratio stays. It deliberately does not use the attention kernel: a slower kernel
 * must not slow its own yardstick.
 */
final class Calibration implements AutoCloseable {
    /** Iterations of the FMA chains that take about 2 ms on this machine, found once. */
    private final long iterations;
    private final ExecutorService helpers;
    private static volatile float sink;

    Calibration(int maxThreads) {
        helpers = maxThreads > 1 ? Executors.newFixedThreadPool(maxThreads - 1, r -> {
            Thread t = new Thread(r, "attention4j-gate-calibration");
            t.setDaemon(true);
            return t;
        }) : null;
        // Warm up first: sized while still interpreted, a "2 ms" slice would last microseconds once
        // compiled, and the gate would time the slices' own overhead.
        long end = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < end) {
            sink = FmaPeak.chains(Kernel.SCALAR, 10_000);
        }
        long n = 1_000_000;
        long t0 = System.nanoTime();
        sink = FmaPeak.chains(Kernel.SCALAR, n);
        long elapsed = Math.max(1, System.nanoTime() - t0);
        n = Math.max(1000, (long) (n * 2e6 / elapsed));
        iterations = n;
    }

    /** Iterations of the chains that take about {@code nanos} on this machine when it is quiet. */
    long iterationsFor(long nanos) {
        return Math.max(1000, (long) (iterations * (nanos / 2e6)));
    }

    /** Nanoseconds {@code iterations} of the chains take now on {@code threads} threads (the slowest). */
    long measure(int threads, long iterations) {
        Future<?>[] others = new Future<?>[threads - 1];
        for (int t = 0; t < others.length; t++) {
            others[t] = helpers.submit(() -> {
                sink = FmaPeak.chains(Kernel.SCALAR, iterations);
            });
        }
        long t0 = System.nanoTime();
        sink = FmaPeak.chains(Kernel.SCALAR, iterations);
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
