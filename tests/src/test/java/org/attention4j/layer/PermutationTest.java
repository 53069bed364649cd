package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Attention without positions is permutation-equivariant: permuting the tokens (non-causal) permutes
 * the outputs, up to float32 rounding (the keys are summed in another order: 2e-6 relative, the
 * tolerance of {@link MultiHeadAttentionTest}). With sinusoidal positions or RoPE it is not: the
 * difference is then orders of magnitude larger.
 */
class PermutationTest {
    private static final int D_MODEL = 32, N = 12;

    @Test
    void withoutPositionsPermutingTokensPermutesOutputs() {
        assertTrue(permutationError(MultiHeadAttention.builder(weights())) <= MultiHeadAttentionTest.TOLERANCE);
    }

    @Test
    void sinusoidalPositionsBreakTheSymmetry() {
        double e = permutationError(MultiHeadAttention.builder(weights())
                .positionalEncoding(PositionalEncoding.sinusoidal(D_MODEL)));
        assertTrue(e > 1e-2, "error " + e);
    }

    @Test
    void rotaryPositionsBreakTheSymmetry() {
        double e = permutationError(MultiHeadAttention.builder(weights()).rope(RotaryEmbedding.of(8)));
        assertTrue(e > 1e-2, "error " + e);
    }

    private static MultiHeadAttentionWeights weights() {
        return LayerFixtures.weights(D_MODEL, 4, 4, 8, true, 31);
    }

    /** max |Y(πX) − πY(X)| / max |Y(X)| for a fixed random permutation π. */
    private static double permutationError(MultiHeadAttention.Builder builder) {
        SplittableRandom r = new SplittableRandom(32);
        float[] x = LayerFixtures.random(N * D_MODEL, 1, r);
        int[] perm = new int[N];
        for (int i = 0; i < N; i++) {
            perm[i] = (i * 5 + 3) % N; // 5 is coprime with 12: a permutation moving every token
        }
        float[] px = new float[x.length];
        for (int i = 0; i < N; i++) {
            System.arraycopy(x, perm[i] * D_MODEL, px, i * D_MODEL, D_MODEL);
        }
        float[] y = new float[x.length], py = new float[x.length];
        try (MultiHeadAttention layer = builder.threads(1).build()) {
            layer.forward(x, N, y);
            layer.forward(px, N, py);
        }
        double[] expected = new double[x.length];
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < D_MODEL; c++) {
                expected[i * D_MODEL + c] = y[perm[i] * D_MODEL + c];
            }
        }
        double error = LayerFixtures.relativeError(py, expected);
        System.out.printf("PermutationTest: error %.2e%n", error);
        return error;
    }
}
