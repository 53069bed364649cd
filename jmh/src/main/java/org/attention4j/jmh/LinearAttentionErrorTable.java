package org.attention4j.jmh;

import java.util.Locale;
import java.util.SplittableRandom;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.attention4j.layer.linear.ApproximateAttention;
import org.attention4j.layer.linear.ApproximationError;
import org.attention4j.layer.linear.LinformerAttention;
import org.attention4j.layer.linear.PerformerAttention;

/**
 * Prints the approximation error of linear attention against the exact engine as a markdown table
 * (docs/PERFORMANCE.md, "Linear attention"): n = 1024, H = 8, D = 64, q and k ~ N(0, σ²) with the
 * default scale 1/√D (score standard deviation σ²), v ~ N(0, 1), mean over {@value #SEEDS} seeds (inputs
 * and features). Run: {@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * org.attention4j.jmh.LinearAttentionErrorTable}.
 */
public final class LinearAttentionErrorTable {
    private static final int N = 1024, HEADS = 8, DIM = 64, SEEDS = 3;

    private LinearAttentionErrorTable() {}

    public static void main(String[] args) {
        System.out.println("| method | causal | σ (q, k) | max abs error | RMS(ΔO) / RMS(O) | RMS(O) |");
        System.out.println("|---|---|---|---|---|---|");
        try (AttentionEngine exact = AttentionEngine.create(1)) {
            for (boolean causal : new boolean[] {false, true}) {
                for (float sigma : new float[] {1f, 0.5f}) {
                    for (int m : new int[] {16, 64, 256, 1024}) {
                        row("performer m=" + m, causal, sigma, exact, seed -> PerformerAttention.create(m, DIM, seed));
                    }
                    if (!causal) {
                        for (int kp : new int[] {64, 256}) {
                            row("linformer k=" + kp + " (random E, F)", false, sigma, exact, seed -> LinformerAttention.create(
                                    kp, N, LinformerAttention.randomProjection(kp, N, seed),
                                    LinformerAttention.randomProjection(kp, N, seed + 1000)));
                        }
                    }
                }
            }
        }
    }

    private interface Factory {
        ApproximateAttention create(long seed);
    }

    private static void row(String name, boolean causal, float sigma, AttentionEngine exact, Factory factory) {
        AttentionSpec spec = AttentionSpec.of(1, N, HEADS, DIM, causal);
        double maxAbs = 0, relative = 0, exactRms = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Tensor q = tensor(random, sigma), k = tensor(random, sigma), v = tensor(random, 1f);
            ApproximateAttention approximation = factory.create(seed);
            ApproximationError.Report report = ApproximationError.measure(approximation, exact, spec, q, k, v);
            maxAbs += report.maxAbsError() / SEEDS;
            relative += report.relativeRms() / SEEDS;
            exactRms += report.exactRms() / SEEDS;
            if (approximation instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.3f | %.3f | %.3f |%n", name, causal ? "yes" : "no",
                sigma, maxAbs, relative, exactRms);
    }

    private static Tensor tensor(SplittableRandom random, float sigma) {
        float[] a = new float[N * HEADS * DIM];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (sigma * Math.sqrt(-2 * Math.log(random.nextDouble(Double.MIN_VALUE, 1)))
                    * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return Tensor.bshd(a, N, HEADS, DIM);
    }
}
