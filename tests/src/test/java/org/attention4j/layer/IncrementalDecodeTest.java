package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.attention4j.AttentionSpec;
import org.attention4j.ElementType;
import org.attention4j.KvCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layer against a {@link KvCache} (issue 22): a prompt's prefill and then one token per call equal
 * recomputing the whole sequence with the causal layer at every step; with a bfloat16, float16 or int8
 * cache they equal the float64 layer on the cache's (dequantized) contents, and stay within the storage
 * type's rounding of the recomputation; a warm decode step allocates nothing; bad calls change nothing.
 *
 * <p>Tolerance against the recomputation, float32 cache: {@code max|y − y_full| / max|y_full| <= 1e-5} per
 * row. Both sides round the same float32 values, only in another order: the projections are GEMMs of
 * other row counts, the attention is the decode kernel (one query row) against the tiled prefill, RoPE's
 * angle is anchored at the step's position instead of advanced along the rows. Each of the three stages
 * (sums of 32 projection terms, ≤ 21 keys, ≤ 48 output terms, order-1 values) then differs by about
 * √k·2⁻²⁴ ≈ 4e-7 relative, and at most k·2⁻²⁴ ≈ 3e-6 ({@link MultiHeadAttentionTest} sees ≤ 6e-7 against
 * float64); we see ≤ 2e-7 here. A key too many or too few, or a position off by one, moves a row by 3e-3
 * to 3e-2 (a shift of every position alike, which RoPE cannot see, is caught against the float64 layer
 * on the cache).
 */
class IncrementalDecodeTest {
    private static final int D_MODEL = 32, HEAD_DIM = 8, PROMPT = 11, STEPS = 9;
    private static final double FLOAT32_TOLERANCE = 1e-5;

    /** One layer configuration of the float32 matrix. */
    record Shape(int heads, int kvHeads, int valueHeadDim, int batch, boolean rope) {
        @Override
        public String toString() {
            return (heads == kvHeads ? "MHA" : "GQA") + " Dv=" + valueHeadDim + " batch " + batch
                    + (rope ? " RoPE" : " no RoPE");
        }
    }

    static List<Shape> shapes() {
        List<Shape> shapes = new ArrayList<>();
        for (boolean rope : new boolean[] {false, true}) {
            for (int kvHeads : new int[] {4, 2}) {
                for (int batch : new int[] {1, 2}) {
                    for (int valueHeadDim : new int[] {HEAD_DIM, 12}) {
                        shapes.add(new Shape(4, kvHeads, valueHeadDim, batch, rope));
                    }
                }
            }
        }
        return shapes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void float32CacheEqualsRecomputingTheWholeSequence(Shape s) {
        MultiHeadAttentionWeights w = LayerFixtures.weights(D_MODEL, s.heads(), s.kvHeads(), HEAD_DIM, s.valueHeadDim(),
                true, 1);
        MultiHeadAttention.Builder builder = MultiHeadAttention.builder(w).causal(true).threads(2);
        try (MultiHeadAttention layer = (s.rope() ? builder.rope(RotaryEmbedding.of(HEAD_DIM)) : builder).build()) {
            KvCache cache = layer.newCache(s.batch(), PROMPT + STEPS, ElementType.FLOAT32);
            double[] worst = decode(layer, cache, s.batch(), chunks(PROMPT, STEPS), FLOAT32_TOLERANCE);
            assertEquals(PROMPT + STEPS, cache.length());
            System.out.printf("IncrementalDecodeTest %s: worst row error %.2e against the whole sequence, %.2e "
                    + "against float64%n", s, worst[0], worst[1]);
        }
    }

    /**
     * The layer's other position-dependent parts, continued in chunks of several tokens as well as one: a
     * learned position table and a sliding window (with RoPE), sinusoidal positions with ALiBi and
     * soft-capping (both bottom-right aligned by the kernel). The cache is reused for a second sequence.
     */
    @Test
    void positionsWindowAndAlibiFollowTheCache() {
        MultiHeadAttentionWeights w = LayerFixtures.weights(D_MODEL, 4, 2, HEAD_DIM, true, 2);
        int[] chunks = {5, 6, 1, 3, 1, 1, 2, 1};
        int n = Arrays.stream(chunks).sum();
        float[] table = LayerFixtures.random(n * D_MODEL, 1, new SplittableRandom(3));
        try (MultiHeadAttention windowed = MultiHeadAttention.builder(w).causal(true).window(4, 0)
                .rope(RotaryEmbedding.of(HEAD_DIM, 500)).positionalEncoding(PositionalEncoding.learned(table, n, D_MODEL))
                .threads(2).build();
             MultiHeadAttention alibi = MultiHeadAttention.builder(w).causal(true)
                     .positionalEncoding(PositionalEncoding.sinusoidal(D_MODEL))
                     .kernelOptions(b -> b.alibiSlopes(AttentionSpec.standardAlibiSlopes(4)).softcap(2f))
                     .threads(2).build()) {
            for (MultiHeadAttention layer : List.of(windowed, alibi)) {
                KvCache cache = layer.newCache(2, n, ElementType.FLOAT32);
                for (int sequence = 0; sequence < 2; sequence++) {
                    cache.clear();
                    double[] worst = decode(layer, cache, 2, chunks, FLOAT32_TOLERANCE);
                    System.out.printf("IncrementalDecodeTest %s: worst row error %.2e against the whole sequence%n",
                            layer.positionalEncoding(), worst[0]);
                }
            }
        }
    }

    /**
     * The smaller storage types (a cache in native memory built by {@link KvCache#builder()}, GQA, RoPE,
     * Dv != D, batch 2). First against the float64 layer on the cache's dequantized contents, with
     * {@link MultiHeadAttentionTest#TOLERANCE}: what is stored is exactly what is attended to (float32
     * included). Then against the float32 recomputation, within {@code 4·u} of the row's largest element,
     * {@code u} the type's relative rounding ({@link #rounding}): V's rounding passes through the softmax's
     * convex combination and W_O at most about u·max|V|, K's moves each score by at most about u·|s|
     * (scores are order 1 here) and so each weight by as much; the two add, and 4u leaves room for the
     * spread of W_O's sum. We see up to 0.9u (int8; about 0.3u for bfloat16 and float16).
     */
    @ParameterizedTest
    @EnumSource(ElementType.class)
    void smallerTypesEqualTheLayerOnTheDequantizedCache(ElementType type) {
        MultiHeadAttentionWeights w = LayerFixtures.weights(D_MODEL, 4, 2, HEAD_DIM, 12, true, 4);
        try (MultiHeadAttention layer = MultiHeadAttention.builder(w).causal(true).rope(RotaryEmbedding.of(HEAD_DIM))
                .threads(2).build();
             Arena arena = Arena.ofShared()) {
            KvCache cache = KvCache.builder().batch(2).kvHeads(2).headDim(HEAD_DIM).valueHeadDim(12).type(type)
                    .capacity(PROMPT + STEPS).arena(arena).build();
            double bound = type == ElementType.FLOAT32 ? FLOAT32_TOLERANCE : 4 * rounding(type);
            double[] worst = decode(layer, cache, 2, chunks(PROMPT, STEPS), bound);
            System.out.printf("IncrementalDecodeTest %s: against the float32 recomputation %.2e (%.2f u), against "
                    + "float64 on the cache %.2e%n", type, worst[0], worst[0] / rounding(type), worst[1]);
        }
    }

    /** Relative rounding of a stored element against its row's largest: 2⁻ᵖ for p significant bits; int8 max/254. */
    private static double rounding(ElementType type) {
        return switch (type) {
            case FLOAT32 -> 0x1p-24;
            case BFLOAT16 -> 0x1p-8;
            case FLOAT16 -> 0x1p-11;
            case INT8 -> 1 / 254.0;
        };
    }

    @ParameterizedTest
    @EnumSource(ElementType.class)
    void decodeStepsAllocateNothingOnceWarm(ElementType type) {
        MultiHeadAttentionWeights w = LayerFixtures.weights(D_MODEL, 4, 2, 16, 24, true, 5);
        try (MultiHeadAttention layer = MultiHeadAttention.builder(w).causal(true).rope(RotaryEmbedding.of(16))
                .positionalEncoding(PositionalEncoding.sinusoidal(D_MODEL)).threads(1).build()) {
            KvCache cache = layer.newCache(1, 256, type);
            SplittableRandom random = new SplittableRandom(6);
            float[] prompt = LayerFixtures.random(PROMPT * D_MODEL, 1, random), promptOut = new float[prompt.length];
            float[] token = LayerFixtures.random(D_MODEL, 1, random), out = new float[D_MODEL];
            // A new sequence (clear, prefill) whenever the cache is full: the prefill allocates (its spec), but
            // the decode steps after it must not: the cache's specs of each length outlive the prefill.
            Runnable step = () -> {
                if (cache.length() == cache.capacity()) {
                    cache.clear();
                    layer.forward(1, prompt, PROMPT, promptOut, cache);
                }
                layer.forward(1, token, 1, out, cache);
            };
            long bytes = MultiHeadAttentionAllocationTest.bytesPerCall(step);
            System.out.printf("IncrementalDecodeTest %s: %d B per decode step%n", type, bytes);
            assertEquals(0, bytes, type + ": bytes per decode step");
        }
    }

    @Test
    void badCallsChangeNeitherYNorTheCache() {
        int d = 16, limit = 8;
        float[] table = new float[limit * d];
        try (MultiHeadAttention layer = MultiHeadAttention.builder(LayerFixtures.weights(d, 2, 2, 8, true, 7))
                .positionalEncoding(PositionalEncoding.learned(table, limit, d)).causal(true).threads(1).build()) {
            KvCache cache = layer.newCache(1, 16, ElementType.FLOAT16);
            float[] x = LayerFixtures.random(6 * d, 1, new SplittableRandom(8)), first = new float[6 * d];
            layer.forward(1, x, 6, first, cache);
            float[] y = new float[6 * d];
            Arrays.fill(y, 42);
            rejects("cache = null: expected a KvCache", () -> layer.forward(1, x, 1, y, null));
            rejects("cache: kvHeads 1, headDim 8, valueHeadDim 8: expected the weights' 2, 8, 8",
                    () -> layer.forward(1, x, 1, y, KvCache.builder().kvHeads(1).headDim(8).capacity(4).build()));
            rejects("cache: batch 2: expected the call's batch = 1", () -> layer.forward(1, x, 1, y,
                    layer.newCache(2, 4, ElementType.FLOAT32)));
            rejects("cache: length 6 + 11 new positions > capacity 16", () -> layer.forward(1, new float[11 * d], 11,
                    new float[11 * d], cache));
            rejects("cache.length() = 6 with 3 rows reaches position 8: expected < 8", () -> layer.forward(1, x, 3, y,
                    cache));
            rejects("x.length = 96: expected >= batch·length·dModel = 1·7·16 = 112", () -> layer.forward(1, x, 7, y,
                    cache));
            rejects("length = -1: expected >= 0", () -> layer.forward(1, x, -1, y, cache));
            float[] huge = new float[d];
            Arrays.fill(huge, 1e6f); // keys and values far beyond float16's 65504: refused by the cache's append
            rejects("beyond float16's range", () -> layer.forward(1, huge, 1, y, cache));
            float[] untouched = new float[6 * d];
            Arrays.fill(untouched, 42);
            assertEquals(Arrays.toString(untouched), Arrays.toString(y), "y was written");
            assertEquals(6, cache.length(), "a refused call leaves the cache's length");
            layer.forward(1, x, 0, y, cache);
            assertEquals(6, cache.length(), "length 0 appends nothing");
        }
        try (MultiHeadAttention bidirectional = MultiHeadAttention.builder(LayerFixtures.weights(16, 2, 2, 8, true, 9))
                .threads(1).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> bidirectional.newCache(1, 4, ElementType.FLOAT32));
            assertTrue(e.getMessage().startsWith("a KvCache needs a causal layer (build it with causal(true))"),
                    e.getMessage());
            KvCache cache = KvCache.builder().kvHeads(2).headDim(8).capacity(4).build();
            assertThrows(IllegalStateException.class, () -> bidirectional.forward(1, new float[16], 1, new float[16],
                    cache));
            assertEquals(0, cache.length());
        }
    }

    private static void rejects(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    /** A prompt of {@code prompt} tokens, then {@code steps} single tokens. */
    private static int[] chunks(int prompt, int steps) {
        int[] chunks = new int[steps + 1];
        Arrays.fill(chunks, 1);
        chunks[0] = prompt;
        return chunks;
    }

    /**
     * Feeds a seeded sequence of {@code sum(chunks)} tokens per batch item to the layer in these chunks
     * against {@code cache}; after each call, compares the chunk's output with the same rows of the layer run
     * over the whole sequence so far (positions from 0, no cache) within {@code tolerance}, and (without
     * absolute positions, ALiBi or soft-capping) with the float64 layer on what the cache holds now.
     *
     * @return the worst row errors: against the whole sequence, against the float64 layer on the cache
     */
    private static double[] decode(MultiHeadAttention layer, KvCache cache, int batch, int[] chunks,
                                   double tolerance) {
        int n = Arrays.stream(chunks).sum(), at = 0;
        float[] x = LayerFixtures.random(batch * n * D_MODEL, 1, new SplittableRandom(n + batch));
        double[] worst = new double[2];
        for (int step = 0; step < chunks.length; step++) {
            int length = chunks[step], seen = at + length;
            float[] rows = rows(x, batch, n, at, length), y = new float[batch * length * D_MODEL];
            Arrays.fill(y, Float.NaN);
            layer.forward(batch, rows, length, y, cache);
            assertEquals(seen, cache.length(), "cache length after step " + step);
            float[] prefix = rows(x, batch, n, 0, seen), whole = new float[batch * seen * D_MODEL];
            layer.forward(batch, prefix, seen, whole, 0);
            worst[0] = Math.max(worst[0], assertRowsClose(y, rows(whole, batch, seen, at, length), tolerance,
                    cache.type() + " cache against the whole sequence, step " + step));
            AttentionSpec options = layer.attentionSpec(1, 1, 1);
            if (layer.positionalEncoding() == null && !options.hasAlibi() && options.softcap() == 0) {
                double[] expected = DequantizedCacheLayer.compute(layer, batch, rows, length, at, cache);
                worst[1] = Math.max(worst[1], assertRowsClose(y, expected, MultiHeadAttentionTest.TOLERANCE,
                        "against the float64 layer on the " + cache.type() + " cache, step " + step));
            }
            at = seen;
        }
        return worst;
    }

    /** Rows {@code from .. from + length − 1} of each batch item of {@code x [batch, n, dModel]}. */
    private static float[] rows(float[] x, int batch, int n, int from, int length) {
        float[] rows = new float[batch * length * D_MODEL];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, (b * n + from) * D_MODEL, rows, b * length * D_MODEL, length * D_MODEL);
        }
        return rows;
    }

    private static double assertRowsClose(float[] y, float[] expected, double tolerance, String what) {
        double[] wide = new double[expected.length];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = expected[i];
        }
        return assertRowsClose(y, wide, tolerance, what);
    }

    /** Each row's {@code max|y − expected| / max|expected|} within {@code tolerance}; returns the worst. */
    private static double assertRowsClose(float[] y, double[] expected, double tolerance, String what) {
        double worst = 0;
        for (int row = 0; row < expected.length / D_MODEL; row++) {
            int from = row * D_MODEL, to = from + D_MODEL;
            double error = LayerFixtures.relativeError(Arrays.copyOfRange(y, from, to),
                    Arrays.copyOfRange(expected, from, to));
            assertTrue(error <= tolerance, what + ", row " + row + ": relative error " + error + " > " + tolerance);
            worst = Math.max(worst, error);
        }
        return worst;
    }

    /**
     * The float64 layer of the new rows on the keys and values a cache holds, read back through its
     * tensors (dequantized): Q = X·W_Q + b_Q rotated at its position, attention over the cache's positions
     * under the layer's causal mask and window, Y = O·W_O + b_O. No positional encoding, ALiBi or softcap.
     */
    private static final class DequantizedCacheLayer {
        static double[] compute(MultiHeadAttention layer, int batch, float[] x, int length, long position,
                                KvCache cache) {
            MultiHeadAttentionWeights w = layer.weights();
            AttentionSpec spec = layer.attentionSpec(batch, length, cache.length());
            int heads = w.heads(), dim = w.headDim(), dv = w.valueHeadDim(), group = spec.groupSize();
            double[] y = new double[batch * length * D_MODEL];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < length; i++) {
                    double[] q = new double[heads * dim], o = new double[heads * dv];
                    for (int c = 0; c < q.length; c++) {
                        q[c] = w.qkvBias(c);
                        for (int r = 0; r < D_MODEL; r++) {
                            q[c] += (double) x[(b * length + i) * D_MODEL + r] * w.query(r, c);
                        }
                    }
                    if (layer.rotaryEmbedding() != null) {
                        rotate(q, position + i, layer.rotaryEmbedding().base(), dim);
                    }
                    for (int h = 0; h < heads; h++) {
                        attend(spec, cache, b, i, h, h / group, q, o);
                    }
                    for (int c = 0; c < D_MODEL; c++) {
                        double sum = w.outputBias(c);
                        for (int r = 0; r < o.length; r++) {
                            sum += o[r] * w.output(r, c);
                        }
                        y[(b * length + i) * D_MODEL + c] = sum;
                    }
                }
            }
            return y;
        }

        private static void attend(AttentionSpec spec, KvCache cache, int b, int i, int h, int kvHead, double[] q,
                                   double[] o) {
            int dim = spec.headDim(), dv = spec.valueHeadDim();
            int first = (int) spec.firstVisibleKey(i), last = (int) spec.lastVisibleKey(i);
            double[] p = new double[last - first + 1];
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = first; j <= last; j++) {
                double dot = 0;
                for (int c = 0; c < dim; c++) {
                    dot += q[h * dim + c] * cache.keys().get(b, j, kvHead, c);
                }
                p[j - first] = spec.scale() * dot;
                max = Math.max(max, p[j - first]);
            }
            for (int j = 0; j < p.length; j++) {
                p[j] = Math.exp(p[j] - max);
                sum += p[j];
            }
            for (int j = first; j <= last; j++) {
                for (int c = 0; c < dv; c++) {
                    o[h * dv + c] += p[j - first] / sum * cache.values().get(b, j, kvHead, c);
                }
            }
        }

        /** RoPE, rotate_half pairing (i, i + D/2), θ_i = base^(−2i/D), in double. */
        private static void rotate(double[] q, long position, double base, int dim) {
            int half = dim / 2;
            for (int h = 0; h < q.length / dim; h++) {
                for (int c = 0; c < half; c++) {
                    double angle = position * Math.pow(base, -2.0 * c / dim);
                    double x1 = q[h * dim + c], x2 = q[h * dim + c + half];
                    q[h * dim + c] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
                    q[h * dim + c + half] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
                }
            }
        }
    }
}
