package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.attention4j.AttentionSpec;
import org.attention4j.reference.ReferenceMultiHeadAttention;
import org.attention4j.reference.ReferenceMultiHeadAttention.Encoding;
import org.junit.jupiter.api.Test;

/**
 * The layer against its float64 oracle. Tolerance: {@code max|Y − Y_ref| / max|Y_ref| <= 2e-6}. Y is
 * three float32 GEMMs deep (k = dModel, then headDim for the scores and Lk for P·V, then heads·headDim)
 * with order-1 values: each adds relative rounding of about √k·2⁻²⁴ ≈ 5e-7 at these sizes, and we
 * see up to about 6e-7. A wrong bias, head, mask or rotation moves Y by 1e-2 or more.
 */
class MultiHeadAttentionTest {
    static final double TOLERANCE = 2e-6;

    static void check(MultiHeadAttention layer, int batch, int lq, int lk, boolean self, long qPos, long kPos,
                              Encoding encoding, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = layer.weights().dModel();
        float[] xq = LayerFixtures.random(batch * lq * d, 1, r);
        float[] xkv = self ? xq : LayerFixtures.random(batch * lk * d, 1, r);
        float[] y = new float[batch * lq * d];
        java.util.Arrays.fill(y, Float.NaN);
        if (self) {
            layer.forward(batch, xq, lq, y, qPos);
        } else {
            layer.forward(batch, xq, lq, qPos, xkv, lk, kPos, y);
        }
        AttentionSpec spec = layer.attentionSpec(batch, lq, lk);
        double[] expected = ReferenceMultiHeadAttention.compute(layer.weights(), spec, xq, qPos, xkv, kPos, encoding);
        double error = LayerFixtures.relativeError(y, expected);
        System.out.printf("MultiHeadAttentionTest %s B%d Lq%d Lk%d: error %.2e%n", spec, batch, lq, lk, error);
        assertTrue(error <= TOLERANCE, spec + ": relative error " + error + " > " + TOLERANCE);
    }

    @Test
    void selfAttentionWithAndWithoutBiases() {
        for (boolean biases : new boolean[] {false, true}) {
            try (MultiHeadAttention layer = MultiHeadAttention.builder(LayerFixtures.weights(48, 4, 4, 12, biases, 1))
                    .threads(2).build()) {
                check(layer, 1, 17, 17, true, 0, 0, Encoding.NONE, 2);
                check(layer, 3, 9, 9, true, 0, 0, Encoding.NONE, 3);
            }
        }
    }

    @Test
    void causalAndSlidingWindowPassThroughToTheKernel() {
        MultiHeadAttentionWeights w = LayerFixtures.weights(32, 2, 2, 16, true, 4);
        try (MultiHeadAttention causal = MultiHeadAttention.builder(w).causal(true).threads(1).build();
             MultiHeadAttention local = MultiHeadAttention.builder(w).window(3, 1).threads(1).build();
             MultiHeadAttention scaled = MultiHeadAttention.builder(w).kernelOptions(b -> b.scale(0.5f)).build()) {
            check(causal, 2, 20, 20, true, 0, 0, Encoding.NONE, 5);
            check(causal, 1, 7, 12, false, 0, 0, Encoding.NONE, 6); // bottom-right causal, Lq < Lk
            check(local, 1, 25, 25, true, 0, 0, Encoding.NONE, 7);
            check(scaled, 1, 10, 10, true, 0, 0, Encoding.NONE, 8);
        }
    }

    /**
     * A key-padding mask hiding the last 5 tokens from everyone equals cross-attention against the first
     * n − 5 tokens only (a different GEMM shape, so equal within float rounding); a mask that does not
     * fit is rejected before y is written.
     */
    @Test
    void masksPassThroughToTheKernel() {
        MultiHeadAttentionWeights w = LayerFixtures.weights(32, 4, 2, 8, true, 21);
        int n = 19, d = 32;
        float[] x = new float[n * d];
        java.util.SplittableRandom random = new java.util.SplittableRandom(22);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        float[] masked = new float[n * d], truncated = new float[n * d];
        try (MultiHeadAttention layer = MultiHeadAttention.builder(w).threads(2).build()) {
            layer.forward(1, x, n, masked, 0, org.attention4j.AttentionMask.keyLengths(new int[] {n - 5}, n));
            layer.forward(1, x, n, 0, x, n - 5, 0, truncated);
            double worst = 0, largest = 0;
            for (int i = 0; i < masked.length; i++) {
                worst = Math.max(worst, Math.abs(masked[i] - truncated[i]));
                largest = Math.max(largest, Math.abs(truncated[i]));
            }
            org.junit.jupiter.api.Assertions.assertTrue(worst <= 1e-5 * largest, "masked vs truncated: " + worst);
            float[] y = new float[n * d];
            java.util.Arrays.fill(y, 7f);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> layer.forward(1, x, n,
                    y, 0, org.attention4j.AttentionMask.keyLengths(new int[] {3, 3}, n)));
            for (float v : y) {
                org.junit.jupiter.api.Assertions.assertEquals(7f, v, "y untouched");
            }
        }
    }

    @Test
    void softcapAndAlibiPassThroughToTheKernel() {
        MultiHeadAttentionWeights w = LayerFixtures.weights(32, 2, 2, 16, true, 14);
        try (MultiHeadAttention capped = MultiHeadAttention.builder(w).causal(true).threads(2).kernelOptions(b -> b
                .softcap(0.5f).alibiSlopes(org.attention4j.AttentionSpec.standardAlibiSlopes(2))).build()) {
            check(capped, 2, 20, 20, true, 0, 0, Encoding.NONE, 15);
        }
    }

    @Test
    void crossAttentionWithDifferentLengths() {
        try (MultiHeadAttention layer = MultiHeadAttention.builder(LayerFixtures.weights(40, 5, 5, 8, true, 9))
                .threads(2).build()) {
            check(layer, 1, 6, 23, false, 0, 0, Encoding.NONE, 10);
            check(layer, 2, 19, 4, false, 0, 0, Encoding.NONE, 11);
            check(layer, 1, 5, 0, false, 0, 0, Encoding.NONE, 12); // no keys: O = 0, Y = b_O
        }
    }

    @Test
    void groupedAndMultiQueryAttention() {
        for (int kvHeads : new int[] {2, 1}) {
            try (MultiHeadAttention layer = MultiHeadAttention.builder(
                    LayerFixtures.weights(64, 4, kvHeads, 16, false, 13)).causal(true).threads(2).build()) {
                check(layer, 2, 15, 15, true, 0, 0, Encoding.NONE, 14);
                check(layer, 1, 8, 13, false, 0, 0, Encoding.NONE, 15);
            }
        }
    }

    @Test
    void positionalEncodingsWithOffsets() {
        MultiHeadAttentionWeights w = LayerFixtures.weights(32, 4, 2, 8, true, 16);
        float[] table = LayerFixtures.random(40 * 32, 0.5, new SplittableRandom(17));
        try (MultiHeadAttention sinusoidal = MultiHeadAttention.builder(w)
                     .positionalEncoding(PositionalEncoding.sinusoidal(32)).build();
             MultiHeadAttention learned = MultiHeadAttention.builder(w)
                     .positionalEncoding(PositionalEncoding.learned(table, 40, 32)).build();
             MultiHeadAttention rope = MultiHeadAttention.builder(w).rope(RotaryEmbedding.of(8, 500)).causal(true)
                     .build()) {
            check(sinusoidal, 2, 11, 11, true, 300, 300, Encoding.sinusoidalPositions(), 18);
            check(sinusoidal, 1, 7, 9, false, 5, 0, Encoding.sinusoidalPositions(), 19);
            check(learned, 2, 11, 11, true, 29, 29, Encoding.learnedPositions(table), 20);
            check(rope, 2, 13, 13, true, 0, 0, Encoding.rope(500), 21);
            check(rope, 1, 300, 300, true, 4000, 4000, Encoding.rope(500), 22); // re-anchored rotation
        }
    }

    /** A packed batch: each sequence equals the oracle run on it alone, from position 0 (lengths 0 and 1 included). */
    @Test
    void packedSequencesOfDifferentLengthsAttendWithinThemselves() {
        MultiHeadAttentionWeights w = LayerFixtures.weights(32, 4, 2, 8, true, 30);
        float[] table = LayerFixtures.random(40 * 32, 0.5, new SplittableRandom(31));
        int[] cu = {0, 5, 6, 19, 19, 27};
        try (MultiHeadAttention plain = MultiHeadAttention.builder(w).build();
             MultiHeadAttention learned = MultiHeadAttention.builder(w)
                     .positionalEncoding(PositionalEncoding.learned(table, 40, 32)).build();
             MultiHeadAttention rope = MultiHeadAttention.builder(w).rope(RotaryEmbedding.of(8, 500)).causal(true)
                     .build()) {
            checkPacked(plain, cu, Encoding.NONE, 32);
            checkPacked(learned, cu, Encoding.learnedPositions(table), 33);
            checkPacked(rope, cu, Encoding.rope(500), 34);
        }
    }

    private static void checkPacked(MultiHeadAttention layer, int[] cu, Encoding encoding, long seed) {
        int d = layer.weights().dModel(), total = cu[cu.length - 1];
        float[] x = LayerFixtures.random(total * d, 1, new SplittableRandom(seed));
        float[] y = new float[total * d];
        layer.forwardVarlen(x, cu, y);
        for (int s = 0; s + 1 < cu.length; s++) {
            int n = cu[s + 1] - cu[s];
            if (n == 0) {
                continue;
            }
            float[] xs = java.util.Arrays.copyOfRange(x, cu[s] * d, cu[s + 1] * d);
            float[] ys = java.util.Arrays.copyOfRange(y, cu[s] * d, cu[s + 1] * d);
            double[] expected = ReferenceMultiHeadAttention.compute(layer.weights(), layer.attentionSpec(1, n, n), xs, 0,
                    xs, 0, encoding);
            double error = LayerFixtures.relativeError(ys, expected);
            assertTrue(error <= TOLERANCE, "sequence " + s + " of " + n + " rows: relative error " + error);
        }
    }

    /** Four threads share one layer, each with its own shape: every result is bitwise the one computed alone. */
    @Test
    void concurrentCallsOnOneLayerDoNotMix() throws Exception {
        try (MultiHeadAttention layer = MultiHeadAttention.builder(LayerFixtures.weights(32, 4, 2, 8, true, 25))
                .rope(RotaryEmbedding.of(8)).causal(true).threads(2).build()) {
            int[] lengths = {5, 17, 31, 64};
            float[][] x = new float[4][], alone = new float[4][];
            for (int t = 0; t < 4; t++) {
                x[t] = LayerFixtures.random(lengths[t] * 32, 1, new SplittableRandom(26 + t));
                alone[t] = new float[x[t].length];
                layer.forward(x[t], lengths[t], alone[t]);
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int i = t;
                    done.add(pool.submit(() -> {
                        float[] y = new float[x[i].length];
                        for (int repeat = 0; repeat < 20; repeat++) {
                            layer.forward(x[i], lengths[i], y);
                            assertArrayEquals(alone[i], y, "thread " + i + ", call " + repeat);
                        }
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void outputMayOverwriteTheInput() {
        try (MultiHeadAttention layer = MultiHeadAttention.builder(LayerFixtures.weights(16, 2, 2, 8, true, 23))
                .threads(1).build()) {
            float[] x = LayerFixtures.random(10 * 16, 1, new SplittableRandom(24));
            float[] y = new float[x.length];
            layer.forward(x, 10, y);
            layer.forward(x, 10, x);
            assertArrayEquals(y, x);
        }
    }
}
