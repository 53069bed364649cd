package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Problem;
import org.attention4j.TestSupport.Storage;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exported weights are the reference's, rows sum to 1 (0 when nothing is visible), and — what ties
 * them to the kernel — P·V with these weights is the engine's output, under every option.
 */
class AttentionWeightsTest {
    /** Values of their own head size (DV ≠ D): P·V must still reproduce the engine's output. */
    private static final int B = 2, LQ = 45, LK = 61, H = 4, HKV = 2, D = 16, DV = 24;

    enum Variant { PLAIN, CAUSAL, WINDOW, SOFTCAP, ALIBI, KEY_PADDING, BOOLEAN_MASK, ADDITIVE_MASK, BLOCK_SPARSE,
        EVERYTHING }

    private static AttentionSpec spec(Variant variant) {
        AttentionSpec.Builder b = AttentionSpec.builder().batch(B).queryLength(LQ).keyLength(LK).heads(H).kvHeads(HKV)
                .headDim(D).valueHeadDim(DV);
        return switch (variant) {
            case CAUSAL -> b.causal(true).build();
            case WINDOW -> b.window(7, 3).build();
            case SOFTCAP -> b.softcap(0.8f).build();
            case ALIBI -> b.alibiSlopes(AttentionSpec.standardAlibiSlopes(H)).build();
            case BLOCK_SPARSE -> b.blockSparse(BlockSparseLayout.longformer(8, LQ, LK, 1, 1)).build();
            case EVERYTHING -> b.causal(true).window(20, 0).softcap(2f).alibiSlopes(AttentionSpec.standardAlibiSlopes(H))
                    .blockSparse(BlockSparseLayout.bigBird(8, LQ, LK, H, 1, 1, 1, 7)).build();
            default -> b.build();
        };
    }

    private static AttentionMask mask(Variant variant) {
        SplittableRandom random = new SplittableRandom(11);
        return switch (variant) {
            case KEY_PADDING -> AttentionMask.keyLengths(new int[] {LK, 40}, LK);
            case BOOLEAN_MASK, EVERYTHING -> {
                boolean[] allowed = new boolean[B * LQ * LK];
                for (int at = 0; at < allowed.length; at++) {
                    allowed[at] = (at / LK) % LQ != 5 && random.nextDouble() < 0.6; // query 5 sees nothing
                }
                yield AttentionMask.allowed(allowed, B, 1, LQ, LK);
            }
            case ADDITIVE_MASK -> {
                float[] bias = new float[H * LQ * LK];
                for (int at = 0; at < bias.length; at++) {
                    bias[at] = random.nextDouble() < 0.2 ? Float.NEGATIVE_INFINITY : (float) random.nextGaussian();
                }
                yield AttentionMask.additive(bias, 1, H, LQ, LK);
            }
            default -> null;
        };
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void weightsAreTheReferenceAndReproduceTheEngineOutput(Variant variant) {
        AttentionSpec spec = spec(variant);
        AttentionMask mask = mask(variant);
        Problem p = TestSupport.problem(new Case(spec, Layout.BHSD, Storage.ARRAY, false, 1f, 42));
        try (AttentionEngine engine = AttentionEngine.create(2)) {
            engine.forward(spec, p.q, p.k, p.v, p.out, null, mask, Long.MAX_VALUE);
        }
        int first = 3, count = LQ - 3; // a range that does not start at 0
        double[] row = new double[LK];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                float[] w = AttentionWeights.compute(spec, mask, p.q, p.k, b, h, first, count);
                assertEquals(count * LK, w.length);
                double outScale = maxAbsOutput(spec, p, b, h) + 1e-6;
                for (int r = 0; r < count; r++) {
                    int i = first + r;
                    ReferenceAttention.rowWeights(spec, mask, p.q, p.k, b, h, i, row);
                    double sum = 0;
                    for (int j = 0; j < LK; j++) {
                        assertEquals((float) row[j], w[r * LK + j], () -> variant + " weight differs from rowWeights");
                        sum += w[r * LK + j];
                    }
                    double expectedSum = sum == 0 ? 0 : 1; // rows that see no key are all zeros
                    assertEquals(expectedSum, sum, 1e-5, variant + " row " + i + " sums to " + sum);
                    for (int d = 0; d < DV; d++) {
                        double weighted = 0;
                        for (int j = 0; j < LK; j++) {
                            weighted += (double) w[r * LK + j] * p.v.get(b, j, h / spec.groupSize(), d);
                        }
                        double error = Math.abs(weighted - p.out.get(b, i, h, d)) / outScale;
                        assertTrue(error <= 1e-5, variant + " b" + b + " h" + h + " query " + i + " d" + d
                                + ": P·V = " + weighted + ", engine " + p.out.get(b, i, h, d));
                    }
                }
            }
        }
    }

    private static double maxAbsOutput(AttentionSpec spec, Problem p, int b, int h) {
        double max = 0;
        for (int i = 0; i < spec.queryLength(); i++) {
            for (int d = 0; d < spec.valueHeadDim(); d++) {
                max = Math.max(max, Math.abs(p.out.get(b, i, h, d)));
            }
        }
        return max;
    }

    @Test
    void causalHidesFutureKeysAndRowsThatSeeNothingAreZero() {
        // Lq > Lk with causal: bottom-right alignment leaves the first Lq − Lk rows without a key.
        AttentionSpec spec = AttentionSpec.builder().queryLength(6).keyLength(4).heads(1).headDim(4).causal(true).build();
        Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 3));
        float[] w = AttentionWeights.compute(spec, null, p.q, p.k, 0, 0, 0, 6);
        for (int i = 0; i < 6; i++) {
            double sum = 0;
            for (int j = 0; j < 4; j++) {
                boolean visible = j <= i - 2;
                assertEquals(visible, w[i * 4 + j] > 0, "query " + i + " key " + j);
                sum += w[i * 4 + j];
            }
            assertEquals(i < 2 ? 0 : 1, sum, 1e-6, "row " + i);
        }
        assertEquals(1f, w[2 * 4], "query 2 sees only key 0");
    }

    @Test
    void anEmptyRangeIsAnEmptyArray() {
        AttentionSpec spec = spec(Variant.PLAIN);
        Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 3));
        assertEquals(0, AttentionWeights.compute(spec, null, p.q, p.k, 1, 3, LQ, 0).length);
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        AttentionSpec spec = spec(Variant.PLAIN);
        Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 3));
        rejects("batchIndex = 2", () -> AttentionWeights.compute(spec, null, p.q, p.k, 2, 0, 0, 1));
        rejects("batchIndex = -1", () -> AttentionWeights.compute(spec, null, p.q, p.k, -1, 0, 0, 1));
        rejects("head = 4", () -> AttentionWeights.compute(spec, null, p.q, p.k, 0, 4, 0, 1));
        rejects("firstQuery = -1", () -> AttentionWeights.compute(spec, null, p.q, p.k, 0, 0, -1, 1));
        rejects("queryCount = 45", () -> AttentionWeights.compute(spec, null, p.q, p.k, 0, 0, 1, LQ));
        rejects("queryCount = -2", () -> AttentionWeights.compute(spec, null, p.q, p.k, 0, 0, 0, -2));
        rejects("q = null", () -> AttentionWeights.compute(spec, null, null, p.k, 0, 0, 0, 1));
        rejects("spec = null", () -> AttentionWeights.compute(null, null, p.q, p.k, 0, 0, 0, 1));
        Tensor shortKeys = Tensor.bshd(new float[LK * HKV * D], LK, HKV, D); // batch 1 of the 2 the spec needs
        rejects("k: shape [2, 61, 2, 16]", () -> AttentionWeights.compute(spec, null, p.q, shortKeys, 0, 0, 0, 1));
        AttentionMask padding = AttentionMask.keyLengths(new int[] {3}, LK); // batch 1, spec has 2
        rejects("key padding mask [1, 61]", () -> AttentionWeights.compute(spec, padding, p.q, p.k, 0, 0, 0, 1));
    }

    @Test
    void rejectsMoreWeightsThanTheLimitBeforeAllocating() {
        int n = 5000; // 5000 × 5000 = 25 M weights > 16 Mi
        AttentionSpec spec = AttentionSpec.builder().length(n).heads(1).headDim(1).build();
        Tensor t = Tensor.bshd(new float[n], n, 1, 1);
        rejects("queryCount = 5000 × keyLength = 5000", () -> AttentionWeights.compute(spec, null, t, t, 0, 0, 0, n));
        assertEquals(3355 * n, AttentionWeights.compute(spec, null, t, t, 0, 0, 0, 3355).length); // just under
    }

    private static void rejects(String expectedInMessage, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expectedInMessage), () -> "message: " + e.getMessage()
                + "\nexpected to contain: " + expectedInMessage);
    }
}
