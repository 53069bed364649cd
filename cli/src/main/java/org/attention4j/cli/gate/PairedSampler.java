package org.attention4j.cli.gate;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Times two builds against each other in one time window ({@code gate check --against}): both run in
 * JVMs of their own ({@link BuildProcess}) that stay up for the whole check. Every scenario is warmed
 * in both until its JIT is idle; then, in each round, every scenario (in a new random order) is timed
 * on both builds back to back, in a random order of the two, for {@code sampleMillis} each. A slow
 * phase of the machine lasts longer than a pair, so it slows both halves of it, and the per-round
 * ratio cancels it: this is what scripts/CompareBuilds.java does by hand, with separate JVMs so that
 * neither build's JIT profile leaks into the other's.
 */
final class PairedSampler {
    /** One scenario's per-round nanoseconds per call, {@code baseline[i]} and {@code current[i]} from round i. */
    record Pairs(double[] baseline, double[] current) {
        /** The rounds of {@code a}, then those of {@code b}. */
        static Pairs concat(Pairs a, Pairs b) {
            return new Pairs(join(a.baseline, b.baseline), join(a.current, b.current));
        }

        private static double[] join(double[] a, double[] b) {
            double[] r = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, r, a.length, b.length);
            return r;
        }
    }

    private final BuildProcess baseline, current;
    private final Random order;
    private final PrintWriter progress;

    PairedSampler(BuildProcess baseline, BuildProcess current, long seed, PrintWriter progress) {
        this.baseline = baseline;
        this.current = current;
        this.order = new Random(seed);
        this.progress = progress;
    }

    /**
     * Defines every scenario on both builds; a scenario either build cannot run (an old build without
     * sliding windows) is left out, with a line in {@code warnings}. Returns those defined on both.
     */
    List<Scenario> define(List<Scenario> scenarios, List<String> warnings) {
        List<Scenario> defined = new ArrayList<>();
        for (Scenario s : scenarios) {
            String request = request(s);
            String[] b;
            try {
                b = baseline.ask(request);
            } catch (IllegalStateException e) { // e.g. not a build of attention4j: no org.attention4j.AttentionSpec
                throw new org.attention4j.cli.BadInputException("--against: the baseline build cannot run scenario "
                        + s.name() + ": " + e.getMessage(), e);
            }
            String[] c = current.ask(request);
            if (b[0].equals("ok") && c[0].equals("ok")) {
                defined.add(s);
            } else {
                String[] why = b[0].equals("ok") ? c : b;
                warnings.add(s.name() + " not checked: the " + (why == b ? baseline : current).label()
                        + " build cannot run it (" + String.join(" ", why).substring(why[0].length()).trim() + ")");
            }
        }
        return defined;
    }

    /** The runner's {@code define} line for a scenario (BuildRunner's protocol). */
    static String request(Scenario s) {
        if (Scenario.SYNTHETIC.equals(s.kind())) {
            return "define " + s.name() + " synthetic " + s.work();
        }
        if (Scenario.ENCODER.equals(s.kind())) {
            return String.join(" ", "define", s.name(), "encoder", str(s.layers()), str(s.heads()), str(s.headDim()),
                    str(s.batch()), str(s.seq()), str(s.threads()));
        }
        if (s.batch() != 1) {
            throw new org.attention4j.cli.BadInputException("scenario " + s.name() + ": --against times batch 1 only "
                    + "(batch = " + s.batch() + ")");
        }
        return String.join(" ", "define", s.name(), "attention", str(s.seq()), str(s.queryLength()), str(s.heads()),
                str(s.kvHeads()), str(s.headDim()), String.valueOf(s.causal()), str(s.threads()), str(s.window()));
    }

    private static String str(int v) {
        return Integer.toString(v);
    }

    /** Warms every scenario on both builds (the build warmed first alternates), then takes the rounds. */
    Map<String, Pairs> measure(List<Scenario> scenarios, int rounds, long sampleMillis, long warmupMillis) {
        long maxWarmupMillis = Math.max(10 * warmupMillis, 10_000);
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario s = scenarios.get(i);
            for (BuildProcess p : i % 2 == 0 ? List.of(baseline, current) : List.of(current, baseline)) {
                String[] w = p.ask("warm " + s.name() + " " + warmupMillis + " " + maxWarmupMillis);
                progress.printf(Locale.ROOT, "attention4j gate: %s warmed up on the %s build in %s s%n", s.name(),
                        p.label(), w[1]);
                progress.flush();
            }
        }
        Map<String, double[][]> times = new LinkedHashMap<>();
        scenarios.forEach(s -> times.put(s.name(), new double[2][rounds]));
        List<Scenario> shuffled = new ArrayList<>(scenarios);
        for (int round = 0; round < rounds; round++) {
            Collections.shuffle(shuffled, order);
            for (Scenario s : shuffled) {
                boolean baselineFirst = order.nextBoolean();
                double[][] t = times.get(s.name());
                if (baselineFirst) {
                    t[0][round] = nanosPerCall(baseline, s, sampleMillis);
                    t[1][round] = nanosPerCall(current, s, sampleMillis);
                } else {
                    t[1][round] = nanosPerCall(current, s, sampleMillis);
                    t[0][round] = nanosPerCall(baseline, s, sampleMillis);
                }
            }
            if ((round + 1) % 5 == 0 || round + 1 == rounds) {
                progress.println("attention4j gate: round " + (round + 1) + " of " + rounds);
                progress.flush();
            }
        }
        Map<String, Pairs> pairs = new LinkedHashMap<>();
        times.forEach((name, t) -> pairs.put(name, new Pairs(t[0], t[1])));
        return pairs;
    }

    private static double nanosPerCall(BuildProcess p, Scenario s, long millis) {
        String[] rate = p.ask("run " + s.name() + " " + millis);
        return 1e9 / Double.parseDouble(rate[1]);
    }
}
