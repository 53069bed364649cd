package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Steady state on one thread allocates nothing: scratch buffers, the spec and the tensor views are kept
 * between calls of the same shape (self-attention with RoPE and positions, and cross-attention).
 */
class MultiHeadAttentionAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void callsAllocateNothingAfterWarmUp() {
        MultiHeadAttentionWeights w = LayerFixtures.weights(32, 4, 2, 8, true, 1);
        try (MultiHeadAttention layer = MultiHeadAttention.builder(w).rope(RotaryEmbedding.of(8)).causal(true)
                .positionalEncoding(PositionalEncoding.sinusoidal(32)).threads(1).build()) {
            float[] x = LayerFixtures.random(3 * 40 * 32, 1, new SplittableRandom(2));
            float[] kv = LayerFixtures.random(3 * 50 * 32, 1, new SplittableRandom(3));
            float[] y = new float[x.length];
            Runnable self = () -> layer.forward(3, x, 40, y, 7);
            Runnable cross = () -> layer.forward(3, x, 40, 0, kv, 50, 0, y);
            assertEquals(0, bytesPerCall(self), "self-attention: bytes per call");
            assertEquals(0, bytesPerCall(cross), "cross-attention: bytes per call");
        }
    }

    /** Value heads of their own size (Dv = 24, D = 16, GQA with RoPE): views and buffers sized by Dv are kept too. */
    @Test
    void valueHeadsOfTheirOwnSizeAllocateNothingAfterWarmUp() {
        MultiHeadAttentionWeights w = LayerFixtures.weights(32, 4, 2, 16, 24, true, 4);
        try (MultiHeadAttention layer = MultiHeadAttention.builder(w).rope(RotaryEmbedding.of(16)).causal(true)
                .threads(1).build()) {
            float[] x = LayerFixtures.random(2 * 30 * 32, 1, new SplittableRandom(5));
            float[] y = new float[x.length];
            assertEquals(0, bytesPerCall(() -> layer.forward(2, x, 30, y, 3)), "Dv != D: bytes per call");
        }
    }

    /**
     * The least of up to 500 windows of 20 calls after 2,000 warm-up calls, stopping at the first clean
     * one: until C2 has compiled the kernels and their callers, Vector API code and short-lived objects
     * are not scalar-replaced and allocate, and on a loaded machine (a full build beside us) that took
     * longer than 20 windows. A real per-call allocation shows in every window.
     */
    static long bytesPerCall(Runnable call) {
        for (int i = 0; i < 2_000; i++) {
            call.run();
        }
        long least = Long.MAX_VALUE;
        for (int window = 0; window < 500 && least > 0; window++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20; i++) {
                call.run();
            }
            least = Math.min(least, (THREADS.getCurrentThreadAllocatedBytes() - before) / 20);
        }
        return least;
    }
}
