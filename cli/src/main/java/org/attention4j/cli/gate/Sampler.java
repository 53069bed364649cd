package org.attention4j.cli.gate;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.attention4j.internal.JitQuiet;

/**
 * Measures scenarios the way the gate needs: every scenario warmed up first (those samples are
 * discarded), then rounds in which every scenario gives one sample, in a new random order each round
 * (so a slow phase of the machine hits all scenarios alike). A sample is the scenario's time divided by
 * the {@link Yardstick}'s time per iteration (in millions of iterations), and the two are
 * interleaved: each chunk of calls (one call, or enough short calls to last ~2 ms) is preceded and
 * followed by a slice of the yardstick half as long as the chunk. A yardstick timed only once before
 * the sample is too short to see what a long sample sees: on this shared machine a neighbour can take
 * 40 % of the CPU in bursts, which a 5 ms yardstick mostly misses and a 100 ms sample never does.
 */
final class Sampler implements AutoCloseable {
    /** A sample is the mean of enough calls to last this long (short calls are noisy alone). */
    private static final long SAMPLE_NANOS = 25_000_000L;
    private static final long WARMUP_NANOS = 1_000_000_000L;
    private static final long CHUNK_NANOS = 2_000_000L;
    private static final long SETTLE_NANOS = 500_000_000L;
    private static final long MAX_WARMUP_NANOS = 10_000_000_000L;

    /** One scenario's samples: normalized (what is compared) and the raw nanoseconds behind them. */
    record Samples(List<Double> normalized, List<Double> nanosPerCall, List<Long> calibrationNanos) {
        Samples() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        double[] values() {
            return normalized.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    private final List<Scenario> scenarios;
    private final Map<String, Workload> workloads = new LinkedHashMap<>();
    /** Calls between two yardstick slices, chunks per sample, yardstick iterations per half slice. */
    private record Plan(int callsPerChunk, int chunks, long half) {}

    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private final Yardstick calibration;
    private final Random order;
    private final PrintWriter progress;

    Sampler(List<Scenario> scenarios, long seed, PrintWriter progress) {
        this.scenarios = scenarios;
        this.order = new Random(seed);
        this.progress = progress;
        this.calibration = new Yardstick(scenarios.stream().mapToInt(Scenario::threads).max().orElse(1));
        for (Scenario s : scenarios) {
            workloads.put(s.name(), Workload.open(s));
        }
    }

    /**
     * Warms up, then takes rounds until {@code minRounds} are done and {@code enough} says the samples
     * decide, or {@code maxRounds} are done.
     */
    Map<String, Samples> measure(int minRounds, int maxRounds, Predicate<Map<String, Samples>> enough) {
        for (Scenario s : scenarios) {
            long warmupStart = System.nanoTime();
            long callNanos = warmUp(workloads.get(s.name()));
            if (progress != null) {
                progress.printf(java.util.Locale.ROOT, "attention4j gate: %s warmed up in %.1f s%n", s.name(),
                        (System.nanoTime() - warmupStart) / 1e9);
                progress.flush();
            }
            // Chunks of at least CHUNK_NANOS of calls: a yardstick slice much shorter than a millisecond
            // would time its own overhead (and the thread hand-off), not the machine.
            int callsPerChunk = (int) Math.max(1, Math.min(100_000, CHUNK_NANOS / callNanos));
            long chunkNanos = callsPerChunk * callNanos;
            int chunks = (int) Math.max(1, SAMPLE_NANOS / chunkNanos);
            plans.put(s.name(), new Plan(callsPerChunk, chunks, calibration.iterationsFor(chunkNanos / 2)));
        }
        Map<String, Samples> samples = new LinkedHashMap<>();
        scenarios.forEach(s -> samples.put(s.name(), new Samples()));
        List<Scenario> shuffled = new ArrayList<>(scenarios);
        for (int round = 1; round <= maxRounds; round++) {
            Collections.shuffle(shuffled, order);
            for (Scenario s : shuffled) {
                sample(s, samples.get(s.name()));
            }
            if (progress != null && (round % 5 == 0 || round == maxRounds)) {
                progress.println("attention4j gate: round " + round + " of at most " + maxRounds);
                progress.flush();
            }
            if (round >= minRounds && enough.test(samples)) {
                break;
            }
        }
        return samples;
    }

    /**
     * Runs the workload until it stops getting faster: at least {@link #WARMUP_NANOS}, then until no
     * call has beaten the best by 3 % and the JIT has compiled nothing for half a second (C2 compiles
     * the Vector API code late on a busy machine, and a sample taken before that is 3–45× slow; timing
     * alone mistook a C1 plateau for the end, see {@link JitQuiet}), at most {@link #MAX_WARMUP_NANOS}.
     * Returns the fastest call's nanoseconds.
     */
    private static long warmUp(Workload w) {
        JitQuiet jit = new JitQuiet();
        long start = System.nanoTime();
        long lastGain = start;
        int calls = 0;
        long fastest = Long.MAX_VALUE;
        while (true) {
            long t0 = System.nanoTime();
            w.call();
            long t1 = System.nanoTime();
            if (t1 - t0 < fastest * 0.97) {
                lastGain = t1;
            }
            fastest = Math.min(fastest, t1 - t0);
            calls++;
            boolean warming = jit.stillWarming(t1 - start, WARMUP_NANOS, MAX_WARMUP_NANOS, SETTLE_NANOS);
            boolean settled = !warming && t1 - lastGain >= SETTLE_NANOS && calls >= 3;
            if (settled || t1 - start >= MAX_WARMUP_NANOS) {
                return Math.max(1, fastest);
            }
        }
    }

    private void sample(Scenario s, Samples into) {
        Workload w = workloads.get(s.name());
        Plan plan = plans.get(s.name());
        long yardstick = 0, work = 0;
        for (int chunk = 0; chunk < plan.chunks(); chunk++) {
            yardstick += calibration.measure(s.threads(), plan.half());
            long t0 = System.nanoTime();
            for (int c = 0; c < plan.callsPerChunk(); c++) {
                w.call();
            }
            work += System.nanoTime() - t0;
            yardstick += calibration.measure(s.threads(), plan.half());
        }
        int calls = plan.chunks() * plan.callsPerChunk();
        double perCall = work / (double) calls;
        // The scenario's time in units of the yardstick's time per iteration: the slice length is
        // chosen per JVM (from its warm-up), so the ratio must not depend on it.
        double yardstickNanosPerIteration = yardstick / (2.0 * plan.chunks() * plan.half());
        into.normalized().add(perCall / yardstickNanosPerIteration / 1e6);
        into.nanosPerCall().add(perCall);
        into.calibrationNanos().add(yardstick);
    }

    @Override
    public void close() {
        workloads.values().forEach(Workload::close);
        calibration.close();
    }
}
