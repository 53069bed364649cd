package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad arguments: an IllegalArgumentException naming the argument and the expected value, y untouched. */
class MultiHeadAttentionValidationTest {
    private static final int D = 16;

    private static void rejects(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void forwardRejectsBadCallsBeforeWriting() {
        float[] table = new float[8 * D];
        try (MultiHeadAttention layer = MultiHeadAttention.builder(LayerFixtures.weights(D, 2, 2, 8, true, 1))
                .positionalEncoding(PositionalEncoding.learned(table, 8, D)).causal(true).threads(1).build()) {
            float[] x = new float[5 * D], y = new float[5 * D];
            Arrays.fill(y, 42);
            rejects("xq = null: expected", () -> layer.forward(null, 5, y));
            rejects("xq.length = 80: expected >= batch·queryLength·dModel = 1·6·16 = 96", () -> layer.forward(x, 6, y));
            rejects("y.length = 48: expected >= batch·queryLength·dModel = 1·5·16 = 80",
                    () -> layer.forward(x, 5, new float[3 * D]));
            rejects("batch = 0: expected >= 1", () -> layer.forward(0, x, 5, y, 0));
            rejects("keyLength = -1: expected >= 0", () -> layer.forward(x, 5, x, -1, y));
            rejects("xkv.length = 80: expected >= batch·keyLength·dModel", () -> layer.forward(x, 1, x, 6, y));
            rejects("queryPosition = 4 with 5 rows reaches position 8: expected < 8", () -> layer.forward(1, x, 5, y, 4));
            rejects("queryPosition = -1: expected >= 0", () -> layer.forward(1, x, 5, y, -1));
            float[] expected = new float[5 * D];
            Arrays.fill(expected, 42);
            assertEquals(Arrays.toString(expected), Arrays.toString(y), "y was written");
        }
    }

    @Test
    void weightsAndOptionsAreCheckedWhenBuilt() {
        float[] w = new float[D * D];
        rejects("wK.length = 256: expected dModel·kvHeads·headDim = 128",
                () -> MultiHeadAttentionWeights.builder(D, 2, 8).kvHeads(1).query(w, null).key(w, null).value(w, null)
                        .output(w, null).build());
        rejects("wO = null: expected heads·headDim·dModel = 256",
                () -> MultiHeadAttentionWeights.builder(D, 2, 8).query(w, null).key(w, null).value(w, null).build());
        rejects("bQ.length = 3: expected heads·headDim = 16", () -> MultiHeadAttentionWeights.builder(D, 2, 8)
                .query(w, new float[3]).key(w, null).value(w, null).output(w, null).build());
        rejects("heads = 3 is not a multiple of kvHeads = 2",
                () -> MultiHeadAttentionWeights.builder(D, 3, 8).kvHeads(2).build());
        MultiHeadAttentionWeights weights = LayerFixtures.weights(D, 2, 2, 8, false, 2);
        rejects("rope headDim = 4: expected the weights' headDim = 8",
                () -> MultiHeadAttention.builder(weights).rope(RotaryEmbedding.of(4)).build());
        rejects("positional encoding dModel = 8: expected the weights' dModel = 16",
                () -> MultiHeadAttention.builder(weights).positionalEncoding(PositionalEncoding.sinusoidal(8)).build());
        rejects("window right = 2 with causal", () -> MultiHeadAttention.builder(weights).causal(true).window(4, 2)
                .build());
        rejects("headDim = 7: expected an even number", () -> RotaryEmbedding.of(7));
        rejects("base = 1.0: expected a finite number > 1", () -> RotaryEmbedding.of(8, 1));
    }
}
