package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.attention4j.AttentionSpec;
import org.attention4j.reference.ReferenceMultiHeadAttention;
import org.attention4j.reference.ReferenceMultiHeadAttention.Encoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer with value heads of their own size (issue 26): W_V {@code [dModel, kvHeads·Dv]}, W_O
 * {@code [heads·Dv, dModel]}, Q and K by headDim. Against the float64 oracle with
 * {@link MultiHeadAttentionTest#TOLERANCE} (Y is as many GEMMs deep, of the same sizes or smaller), packed
 * sequences, scratch sizing, weight validation and a safetensors round trip.
 */
class ValueHeadDimLayerTest {
    private static final int D_MODEL = 48, HEADS = 4;
    /** (headDim, valueHeadDim): values wider than the keys, and narrower. */
    private static final int[][] DIMS = {{16, 24}, {24, 8}};

    @TempDir
    Path dir;

    /** The layer against the float64 oracle (MultiHeadAttentionTest's rule), queries and keys at {@code position}. */
    private static void check(MultiHeadAttention layer, int batch, int lq, int lk, boolean self, long position,
                              Encoding encoding, long seed) {
        MultiHeadAttentionTest.check(layer, batch, lq, lk, self, position, position, encoding, seed);
    }

    /** MHA and GQA, causal, with and without RoPE (on Q and K only, by headDim), self- and cross-attention. */
    @Test
    void layerMatchesTheOracle() {
        long seed = 100;
        for (int[] dims : DIMS) {
            for (int kvHeads : new int[] {HEADS, 2}) {
                MultiHeadAttentionWeights w = LayerFixtures.weights(D_MODEL, HEADS, kvHeads, dims[0], dims[1], true,
                        seed++);
                try (MultiHeadAttention plain = MultiHeadAttention.builder(w).causal(true).threads(2).build();
                     MultiHeadAttention rope = MultiHeadAttention.builder(w).causal(true)
                             .rope(RotaryEmbedding.of(dims[0], 500)).threads(2).build()) {
                    AttentionSpec spec = plain.attentionSpec(1, 1, 1);
                    assertEquals(dims[0], spec.headDim());
                    assertEquals(dims[1], spec.valueHeadDim(), "the spec the layer builds carries Dv");
                    check(plain, 2, 17, 17, true, 0, Encoding.NONE, seed++);
                    check(plain, 1, 7, 12, false, 0, Encoding.NONE, seed++); // bottom-right causal, Lq < Lk
                    check(rope, 2, 13, 13, true, 9, Encoding.rope(500), seed++);
                    check(rope, 1, 5, 11, false, 3, Encoding.rope(500), seed++);
                }
            }
        }
    }

    /** A packed batch with Dv ≠ D: each sequence equals the oracle on it alone, from position 0. */
    @Test
    void packedSequencesMatchTheOracle() {
        int[] cu = {0, 5, 6, 19, 19, 27};
        long seed = 200;
        for (int[] dims : DIMS) {
            MultiHeadAttentionWeights w = LayerFixtures.weights(D_MODEL, HEADS, 2, dims[0], dims[1], true, seed++);
            try (MultiHeadAttention layer = MultiHeadAttention.builder(w).rope(RotaryEmbedding.of(dims[0], 500))
                    .causal(true).threads(2).build()) {
                int total = cu[cu.length - 1];
                float[] x = LayerFixtures.random(total * D_MODEL, 1, new SplittableRandom(seed++));
                float[] y = new float[total * D_MODEL];
                layer.forwardVarlen(x, cu, y);
                for (int s = 0; s + 1 < cu.length; s++) {
                    int n = cu[s + 1] - cu[s];
                    if (n == 0) {
                        continue;
                    }
                    float[] xs = Arrays.copyOfRange(x, cu[s] * D_MODEL, cu[s + 1] * D_MODEL);
                    float[] ys = Arrays.copyOfRange(y, cu[s] * D_MODEL, cu[s + 1] * D_MODEL);
                    double[] expected = ReferenceMultiHeadAttention.compute(w, layer.attentionSpec(1, n, n), xs, 0, xs,
                            0, Encoding.rope(500));
                    double error = LayerFixtures.relativeError(ys, expected);
                    assertTrue(error <= MultiHeadAttentionTest.TOLERANCE, w + ", sequence " + s + ": error " + error);
                }
            }
        }
    }

    /** Scratch: Q and K by D, V and the attention output by Dv; the buffers one call grows are that size. */
    @Test
    void scratchCountsTheValueHeadSize() {
        int d = 16, dv = 24, kvHeads = 2, batch = 2, lq = 7, lk = 9;
        try (MultiHeadAttention layer = MultiHeadAttention.builder(
                LayerFixtures.weights(D_MODEL, HEADS, kvHeads, d, dv, false, 300)).threads(1).build()) {
            assertEquals(HEADS * d + kvHeads * (d + dv), layer.weights().qkvWidth());
            long self = 4L * (batch * lq * (HEADS * d + kvHeads * (d + dv)) + batch * lq * HEADS * dv);
            long cross = 4L * (batch * lq * HEADS * d + batch * lk * kvHeads * (d + dv) + batch * lq * HEADS * dv);
            assertEquals(self, layer.scratchBytes(batch, lq, lq, true));
            assertEquals(cross, layer.scratchBytes(batch, lq, lk, false));
            float[] x = new float[batch * lq * D_MODEL];
            layer.forward(batch, x, lq, new float[x.length], 0);
            assertEquals(self, layer.scratchBytesHeld(), "bytes the call's buffers hold");
        }
    }

    private static void rejects(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void weightsAreCheckedAgainstTheValueHeadSize() {
        int d = 8, dv = 12, dm = 16;
        float[] wq = new float[dm * 2 * d], wv = new float[dm * 2 * dv], wo = new float[2 * dv * dm];
        rejects("valueHeadDim = 0: expected 1..256",
                () -> MultiHeadAttentionWeights.builder(dm, 2, d).valueHeadDim(0).build());
        rejects("valueHeadDim = 257: expected 1..256",
                () -> MultiHeadAttentionWeights.builder(dm, 2, d).valueHeadDim(257).build());
        rejects("wV.length = 256: expected dModel·kvHeads·valueHeadDim = 384", () -> MultiHeadAttentionWeights
                .builder(dm, 2, d).valueHeadDim(dv).query(wq, null).key(wq, null).value(wq, null).output(wo, null)
                .build());
        rejects("wO.length = 256: expected heads·valueHeadDim·dModel = 384", () -> MultiHeadAttentionWeights
                .builder(dm, 2, d).valueHeadDim(dv).query(wq, null).key(wq, null).value(wv, null).output(wq, null)
                .build());
        rejects("bV.length = 16: expected kvHeads·valueHeadDim = 24", () -> MultiHeadAttentionWeights
                .builder(dm, 2, d).valueHeadDim(dv).query(wq, null).key(wq, null).value(wv, new float[2 * d])
                .output(wo, null).build());
        MultiHeadAttentionWeights w = MultiHeadAttentionWeights.builder(dm, 2, d).valueHeadDim(dv).query(wq, null)
                .key(wq, null).value(wv, null).output(wo, null).build();
        assertEquals("MultiHeadAttentionWeights[dModel=16, heads=2, kvHeads=2, headDim=8, valueHeadDim=12, "
                + "biases=false]", w.toString());
        rejects("rope headDim = 12: expected the weights' headDim = 8",
                () -> MultiHeadAttention.builder(w).rope(RotaryEmbedding.of(dv)).build());
    }

    /** Hugging Face names and [out, in] weights written as F32: loading infers Dv and gives the same layer. */
    @Test
    void safeTensorsRoundTripInfersTheValueHeadSize() throws IOException {
        for (int[] dims : DIMS) {
            MultiHeadAttentionWeights w = LayerFixtures.weights(D_MODEL, HEADS, 2, dims[0], dims[1], true, 400);
            Path file = write(llamaTensors(w, w.heads() * w.valueHeadDim()));
            MultiHeadAttentionWeights loaded = SafeTensorsWeights.load(file, WeightNames.LLAMA, HEADS);
            assertEquals(w.toString(), loaded.toString());
            float[] x = LayerFixtures.random(11 * D_MODEL, 1, new SplittableRandom(401));
            float[] expected = new float[x.length], y = new float[x.length];
            try (MultiHeadAttention original = MultiHeadAttention.builder(w).causal(true).threads(1).build();
                 MultiHeadAttention layer = MultiHeadAttention.builder(loaded).causal(true).threads(1).build()) {
                original.forward(x, 11, expected);
                layer.forward(x, 11, y);
            }
            assertArrayEquals(expected, y, "the loaded weights are the written ones");
        }
    }

    @Test
    void safeTensorsShapesThatDoNotFitTheValueHeadSizeAreNamed() throws IOException {
        MultiHeadAttentionWeights w = LayerFixtures.weights(D_MODEL, HEADS, 2, 16, 24, true, 500);
        Map<String, float[][]> t = llamaTensors(w, w.heads() * w.valueHeadDim());
        t.put("self_attn.v_proj.weight", new float[47][D_MODEL]); // not kvHeads·Dv
        Path oddValue = write(t);
        rejects("tensor 'self_attn.v_proj.weight' [47, 48]: expected out = kvHeads·valueHeadDim with kvHeads = 2",
                () -> SafeTensorsWeights.load(oddValue, WeightNames.LLAMA, HEADS));
        t = llamaTensors(w, w.heads() * w.headDim()); // W_O sized by headDim, W_V by Dv = 24
        Path narrowOutput = write(t);
        rejects("tensor 'self_attn.o_proj.weight' [48, 64]: expected [dModel, heads·valueHeadDim] with valueHeadDim"
                + " = 24 (from the value weight) = [48, 96]",
                () -> SafeTensorsWeights.load(narrowOutput, WeightNames.LLAMA, HEADS));
    }

    /** The weights as nn.Linear tensors {@code [out, in]}, the output weight {@code outputIn} columns wide. */
    private static Map<String, float[][]> llamaTensors(MultiHeadAttentionWeights w, int outputIn) {
        int dm = w.dModel(), q = w.heads() * w.headDim(), k = w.kvHeads() * w.headDim();
        int v = w.kvHeads() * w.valueHeadDim();
        float[][] wq = new float[q][dm], wk = new float[k][dm], wv = new float[v][dm], wo = new float[dm][outputIn];
        for (int r = 0; r < dm; r++) {
            for (int c = 0; c < q; c++) {
                wq[c][r] = w.query(r, c);
            }
            for (int c = 0; c < k; c++) {
                wk[c][r] = w.key(r, c);
            }
            for (int c = 0; c < v; c++) {
                wv[c][r] = w.value(r, c);
            }
        }
        for (int r = 0; r < Math.min(outputIn, w.heads() * w.valueHeadDim()); r++) {
            for (int c = 0; c < dm; c++) {
                wo[c][r] = w.output(r, c);
            }
        }
        float[][] bq = {new float[q]}, bk = {new float[k]}, bv = {new float[v]}, bo = {new float[dm]};
        for (int c = 0; c < q + k + v; c++) {
            float b = w.qkvBias(c);
            if (c < q) {
                bq[0][c] = b;
            } else if (c < q + k) {
                bk[0][c - q] = b;
            } else {
                bv[0][c - q - k] = b;
            }
        }
        for (int c = 0; c < dm; c++) {
            bo[0][c] = w.outputBias(c);
        }
        Map<String, float[][]> t = new LinkedHashMap<>();
        t.put("self_attn.q_proj.weight", wq);
        t.put("self_attn.q_proj.bias", bq);
        t.put("self_attn.k_proj.weight", wk);
        t.put("self_attn.k_proj.bias", bk);
        t.put("self_attn.v_proj.weight", wv);
        t.put("self_attn.v_proj.bias", bv);
        t.put("self_attn.o_proj.weight", wo);
        t.put("self_attn.o_proj.bias", bo);
        return t;
    }

    /** A safetensors file of F32 tensors; a name ending in {@code .bias} is stored 1-d (its single row). */
    private Path write(Map<String, float[][]> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        ByteBuffer data = ByteBuffer.allocate(tensors.values().stream()
                .mapToInt(m -> 4 * m.length * m[0].length).sum()).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, float[][]> e : tensors.entrySet()) {
            float[][] m = e.getValue();
            String shape = e.getKey().endsWith(".bias") ? "[" + m[0].length + "]" : "[" + m.length + "," + m[0].length
                    + "]";
            int begin = data.position();
            for (float[] row : m) {
                for (float f : row) {
                    data.putFloat(f);
                }
            }
            header.append(header.length() > 1 ? "," : "").append('"').append(e.getKey())
                    .append("\":{\"dtype\":\"F32\",\"shape\":").append(shape).append(",\"data_offsets\":[")
                    .append(begin).append(',').append(data.position()).append("]}");
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer file = ByteBuffer.allocate(8 + padded + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            file.put((byte) ' ');
        }
        file.put(data.array());
        Path p = dir.resolve("t" + System.nanoTime() + ".safetensors");
        Files.write(p, file.array());
        return p;
    }
}
