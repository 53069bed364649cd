package org.attention4j.jmh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.attention4j.bench.FmaPeak;

/**
 * Value heads of their own size (issue 26) in one JVM, side by side: the MLA prefill shape (H = 16,
 * n = 4096, D = 192, Dv = 128) and the same call with D = Dv = 128, each round timing both (order
 * alternating) and the FMA peak, so a slow phase of the shared machine touches all three alike
 * ({@link ForwardBenchmark} with {@code -p heads=16 -p headDim=192 -p valueHeadDim=128} runs them in
 * separate JVMs, where phases of the machine moved single forks by ±20 %). Prints each round's GFLOP/s
 * ({@code 2·pairs·(D + Dv)}) and % of that round's peak, then the medians.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * org.attention4j.jmh.ValueHeadDimRace [rounds] [threads]} (defaults 8 and 1); run it in several fresh
 * JVMs before believing a figure.
 */
public final class ValueHeadDimRace {
    private ValueHeadDimRace() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<AttentionSpec> specs = new ArrayList<>();
        for (boolean causal : new boolean[] {false, true}) {
            for (int[] dims : new int[][] {{192, 128}, {128, 128}}) {
                specs.add(AttentionSpec.builder().length(4096).heads(16).headDim(dims[0]).valueHeadDim(dims[1])
                        .causal(causal).build());
            }
        }
        List<Workload> workloads = new ArrayList<>();
        try (AttentionEngine engine = Workload.engine(Kernel.VECTOR, threads)) {
            for (AttentionSpec spec : specs) {
                Workload w = new Workload(spec, 42);
                w.verify(engine, 4); // a wrong kernel is never timed
                w.warm(engine);
                workloads.add(w);
            }
            double[][] percent = new double[specs.size()][rounds];
            double[][] rate = new double[specs.size()][rounds];
            for (int round = 0; round < rounds; round++) {
                double peak = FmaPeak.gflops(Kernel.VECTOR, threads, 300, 3);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d: peak %.1f", round, peak));
                for (int i = 0; i < specs.size(); i++) {
                    int s = round % 2 == 0 ? i : specs.size() - 1 - i; // alternate the order
                    Workload w = workloads.get(s);
                    rate[s][round] = bestOfThree(engine, w) / 1e9;
                    percent[s][round] = 100 * rate[s][round] / peak;
                }
                for (int s = 0; s < specs.size(); s++) {
                    line.append(String.format(Locale.ROOT, " | %s %.1f (%.1f %%)", label(specs.get(s)), rate[s][round],
                            percent[s][round]));
                }
                System.out.println(line);
            }
            System.out.printf(Locale.ROOT, "%nmedians over %d rounds, %d thread(s), %s:%n", rounds, threads,
                    engine.kernelName());
            for (int s = 0; s < specs.size(); s++) {
                System.out.printf(Locale.ROOT, "  %-22s %6.1f GFLOP/s  %5.1f %% of peak%n", label(specs.get(s)),
                        median(rate[s]), median(percent[s]));
            }
        }
    }

    /** The best of three calls' useful FLOP rate: one call is 0.4–1 s here, so three calls per round. */
    private static double bestOfThree(AttentionEngine engine, Workload w) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            engine.forward(w.spec, w.q, w.k, w.v, w.out);
            best = Math.min(best, System.nanoTime() - start);
        }
        return w.spec.flops() / (best / 1e9);
    }

    private static String label(AttentionSpec spec) {
        return "D " + spec.headDim() + "/Dv " + spec.valueHeadDim() + (spec.causal() ? " causal" : " full");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
