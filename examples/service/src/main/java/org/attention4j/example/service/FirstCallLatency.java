package org.attention4j.example.service;

import java.time.Duration;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * Measures the first real call's latency in a fresh JVM, with and without {@link AttentionEngine#warmUp}:
 * {@code java --add-modules jdk.incubator.vector -cp ... FirstCallLatency cold|warm}. Prints the first
 * call's and a steady call's latency in milliseconds.
 */
public final class FirstCallLatency {
    private FirstCallLatency() {}

    public static void main(String[] args) {
        boolean warm = args.length > 0 && args[0].equals("warm");
        AttentionSpec spec = AttentionSpec.builder().length(512).heads(8).headDim(64).causal(true).build();
        int n = Tensor.elements(1, 512, 8, 64);
        float[] q = new float[n], o = new float[n];
        for (int i = 0; i < n; i++) {
            q[i] = (float) Math.sin(i * 0.1);
        }
        Tensor t = Tensor.bshd(q, 512, 8, 64), out = Tensor.bshd(o, 512, 8, 64);
        try (AttentionEngine engine = AttentionEngine.create(1)) {
            long w0 = System.nanoTime();
            if (warm) {
                engine.warmUp(Duration.ofSeconds(2), spec);
            }
            long warmUpMillis = (System.nanoTime() - w0) / 1_000_000;
            long t0 = System.nanoTime();
            engine.forward(spec, t, t, t, out);
            double first = (System.nanoTime() - t0) / 1e6;
            double steady = Double.MAX_VALUE;
            for (int i = 0; i < 50; i++) {
                long s = System.nanoTime();
                engine.forward(spec, t, t, t, out);
                steady = Math.min(steady, (System.nanoTime() - s) / 1e6);
            }
            System.out.printf(java.util.Locale.ROOT, "%s: first call %.1f ms, best of 50 later calls %.2f ms"
                    + " (warm-up took %d ms)%n", warm ? "warm" : "cold", first, steady, warmUpMillis);
        }
    }
}
