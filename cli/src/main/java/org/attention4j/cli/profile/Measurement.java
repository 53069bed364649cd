package org.attention4j.cli.profile;

import java.util.function.BooleanSupplier;
import org.attention4j.AttentionSpec;
import org.attention4j.internal.JitQuiet;

/**
 * Times one kernel on one shape: warm-up calls, then measured calls until at least {@code iterations}
 * calls and {@code minTime} have passed. A kernel whose calls take longer than {@link #LONG_CALL_NANOS}
 * gets two warm-up calls and at most {@link #LONG_CALL_ITERATIONS} measured calls, and the row says so.
 */
final class Measurement {
    static final long LONG_CALL_NANOS = 2_000_000_000L;
    static final int LONG_CALL_ITERATIONS = 3;
    /** Samples kept per row; enough for a stable p99 of millisecond calls. */
    static final int MAX_SAMPLES = 100_000;
    private static final long JIT_QUIET_NANOS = 300_000_000L;
    private static final long MAX_EXTRA_WARMUP_NANOS = 10_000_000_000L;

    record Result(long[] nanos, int count, int warmup, String note, long allocatedBytesPerCall) {}

    private Measurement() {}

    /**
     * @param minWarmupNanos keep warming up at least this long (a kernel's first row: until C2 has
     *        compiled the Vector API code it runs many times slower, and the row would show the JIT), and
     *        then until the JIT has been idle for {@link #JIT_QUIET_NANOS} (see {@link JitQuiet})
     */
    static Result run(Runnable call, int warmup, long minWarmupNanos, int iterations, double minTimeSeconds,
                      BooleanSupplier stop) {
        int warmed = 0;
        // A call is "long" when the fastest of two warm-up calls lasts LONG_CALL_NANOS: a first call run by
        // the interpreter and C1 lasted 2.1 s where the compiled ones take 0.3 s (16k block-sparse), and
        // judging by the first call alone ended that warm-up after one call.
        long fastest = Long.MAX_VALUE;
        long warmupStart = System.nanoTime();
        JitQuiet jit = new JitQuiet();
        while (stillWarming(jit, warmed, warmup, System.nanoTime() - warmupStart, minWarmupNanos)) {
            long t0 = System.nanoTime();
            call.run();
            fastest = Math.min(fastest, System.nanoTime() - t0);
            warmed++;
            if (fastest > LONG_CALL_NANOS && (warmed >= 2 || warmed >= warmup) || stop.getAsBoolean()) {
                break;
            }
        }
        String note = "";
        long minTime = (long) (minTimeSeconds * 1e9);
        int wanted = iterations;
        if (warmed > 0 && fastest > LONG_CALL_NANOS && iterations > LONG_CALL_ITERATIONS) {
            wanted = LONG_CALL_ITERATIONS;
            minTime = 0;
            note = String.format(java.util.Locale.ROOT, "long call (%.1f s): %d warm-up, %d iterations",
                    fastest / 1e9, warmed, wanted);
        }
        long[] nanos = new long[Math.min(MAX_SAMPLES, Math.max(wanted, 16))];
        int count = 0;
        long allocated0 = ProcessMemory.allocatedBytes();
        long start = System.nanoTime();
        while (count < nanos.length && (count < wanted || System.nanoTime() - start < minTime)) {
            long t0 = System.nanoTime();
            call.run();
            nanos[count++] = System.nanoTime() - t0;
            if (count == nanos.length && count < MAX_SAMPLES && System.nanoTime() - start < minTime) {
                nanos = java.util.Arrays.copyOf(nanos, Math.min(MAX_SAMPLES, nanos.length * 4));
            }
            if (stop.getAsBoolean()) {
                note = note.isEmpty() ? "interrupted" : note + "; interrupted";
                break;
            }
        }
        long allocated1 = ProcessMemory.allocatedBytes();
        long perCall = allocated0 < 0 || allocated1 < 0 ? -1 : (allocated1 - allocated0) / count;
        return new Result(nanos, count, warmed, note, perCall);
    }

    /**
     * Until {@code warmup} calls are done and {@code minNanos} have passed, then while the JIT is busy, for
     * at most {@link #MAX_EXTRA_WARMUP_NANOS} more (none with {@code --warmup 0}). Every row waits for
     * the JIT, not only a kernel's first: a new shape can take a branch the compiled code never saw, and
     * the recompilation outlasted 3 warm-up calls (16k..1M band: 64k read 12.2 µs/token against ~5).
     */
    private static boolean stillWarming(JitQuiet jit, int warmed, int warmup, long elapsed, long minNanos) {
        boolean warming = jit.stillWarming(elapsed, minNanos, minNanos + MAX_EXTRA_WARMUP_NANOS, JIT_QUIET_NANOS);
        return warmed < warmup || warmed > 0 && warming;
    }
}
