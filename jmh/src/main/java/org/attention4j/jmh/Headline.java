package org.attention4j.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The headline set of docs/PERFORMANCE.md in one run: the FMA peak (1 and 2 threads) and the vector
 * forward at D = 64 and 128, n = 512 and 4096 (8192 for D = 128), causal and not, 1 and 2 threads.
 * Prints GFLOP/s and the ratio to the peak measured in this same run; writes JMH's JSON too.
 *
 * <p>Usage: {@code Headline [--quick] [--json FILE]} (scripts/bench.sh runs it).
 */
public final class Headline {
    private Headline() {}

    public static void main(String[] args) throws RunnerException {
        boolean quick = List.of(args).contains("--quick");
        String json = "jmh-result.json";
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--json")) {
                json = args[i + 1];
            }
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(FmaPeakBenchmark.class.getSimpleName())
                .include(ForwardBenchmark.class.getSimpleName() + ".forward")
                .param("n", quick ? new String[] {"512", "2048"} : new String[] {"512", "4096", "8192"})
                .param("headDim", "64", "128")
                .param("kernel", "VECTOR")
                .resultFormat(ResultFormatType.JSON)
                .result(json);
        if (quick) {
            options.warmupIterations(1).measurementIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementTime(TimeValue.seconds(1));
        } else {
            options.warmupIterations(2).measurementIterations(4);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        print(results, quick);
    }

    private static void print(Collection<RunResult> results, boolean quick) {
        Map<Integer, Double> peak = new HashMap<>();
        List<RunResult> forwards = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            if (name.endsWith("oneThread")) {
                peak.put(1, gflops(r));
            } else if (name.endsWith("twoThreads")) {
                peak.put(2, gflops(r));
            } else {
                forwards.add(r);
            }
        }
        System.out.printf("%nFMA peak (same run): 1 thread %.1f GFLOP/s, 2 threads %.1f GFLOP/s%n",
                peak.getOrDefault(1, Double.NaN), peak.getOrDefault(2, Double.NaN));
        System.out.printf("%-6s %-4s %-7s %-7s %10s %10s %9s %14s%n", "n", "D", "causal", "threads", "ms/call",
                "GFLOP/s", "% peak", "causal/full");
        Map<String, Double> nonCausal = new HashMap<>();
        for (RunResult r : forwards) {
            if (!Boolean.parseBoolean(r.getParams().getParam("causal"))) {
                nonCausal.put(key(r), gflops(r));
            }
        }
        for (RunResult r : forwards) {
            int threads = Integer.parseInt(r.getParams().getParam("threads"));
            boolean causal = Boolean.parseBoolean(r.getParams().getParam("causal"));
            double g = gflops(r);
            double ms = 1000.0 / r.getPrimaryResult().getScore();
            String ratio = causal && nonCausal.containsKey(key(r))
                    ? String.format("%.0f %%", 100 * g / nonCausal.get(key(r))) : "";
            System.out.printf("%-6s %-4s %-7s %-7d %10.2f %10.1f %8.0f%% %14s%n", r.getParams().getParam("n"),
                    r.getParams().getParam("headDim"), causal, threads, ms, g,
                    100 * g / peak.getOrDefault(threads, Double.NaN), ratio);
        }
        if (quick) {
            System.out.println("(--quick: short iterations, figures are indicative only)");
        }
    }

    private static String key(RunResult r) {
        return r.getParams().getParam("n") + "/" + r.getParams().getParam("headDim") + "/"
                + r.getParams().getParam("threads");
    }

    private static double gflops(RunResult r) {
        Result<?> flops = r.getSecondaryResults().get("flops");
        return flops.getScore() / 1e9;
    }
}
