package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Storage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Soft-capping, ALiBi, key-padding / boolean / additive masks and block-sparse layouts, alone and
 * combined with causal masks and windows, on every kernel, against the float64 reference (same pass
 * rule as the shape matrix: 1e-5 relative per (b, h), LSE included), including rows the masks leave empty.
 */
class VariantsTest {
    enum Variant { SOFTCAP, ALIBI, KEY_PADDING, BOOLEAN_MASK, ADDITIVE_MASK, LONGFORMER, BIGBIRD, EVERYTHING }

    static List<Object[]> cases() {
        int[][] shapes = { // B, Lq, Lk, H, Hkv, D
            {1, 1, 1, 1, 1, 8}, {2, 130, 130, 4, 2, 64}, {1, 97, 410, 2, 2, 40}, {2, 410, 97, 4, 1, 33},
            {1, 200, 200, 3, 3, 128}};
        List<Object[]> cases = new ArrayList<>();
        long seed = 500;
        for (Kernel kernel : TestSupport.kernels()) {
            for (int[] s : shapes) {
                for (Variant variant : Variant.values()) {
                    for (boolean causal : new boolean[] {false, true}) {
                        cases.add(new Object[] {kernel, variant, s, causal, seed++});
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {1} {2} causal={3}")
    @MethodSource("cases")
    void matchesTheReference(Kernel kernel, Variant variant, int[] s, boolean causal, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        AttentionSpec.Builder builder = AttentionSpec.builder().batch(s[0]).queryLength(s[1]).keyLength(s[2])
                .heads(s[3]).kvHeads(s[4]).headDim(s[5]).causal(causal);
        AttentionMask mask = null;
        switch (variant) {
            case SOFTCAP -> builder.softcap(0.7f); // scores of N(0,1)·√D inputs reach ±3: the cap bends them
            case ALIBI -> builder.alibiSlopes(AttentionSpec.standardAlibiSlopes(s[3]));
            case KEY_PADDING -> mask = keyPadding(s[0], s[2], random);
            case BOOLEAN_MASK -> mask = booleanMask(s[0], 1, s[1], s[2], random);
            case ADDITIVE_MASK -> mask = additiveMask(1, s[3], s[1], s[2], random);
            case LONGFORMER -> builder.blockSparse(BlockSparseLayout.longformer(32, s[1], s[2], 1, 1));
            case BIGBIRD -> builder.blockSparse(BlockSparseLayout.bigBird(16, s[1], s[2], s[3], 1, 1, 2, seed));
            case EVERYTHING -> {
                builder.softcap(2f).alibiSlopes(AttentionSpec.standardAlibiSlopes(s[3])).window(150, causal ? 0 : 40)
                        .blockSparse(BlockSparseLayout.bigBird(24, s[1], s[2], s[3], 2, 1, 1, seed));
                mask = keyPadding(s[0], s[2], random).and(booleanMask(s[0], s[3], s[1], s[2], random));
            }
        }
        Case c = new Case(builder.build(), seed % 2 == 0 ? Layout.BSHD : Layout.BHSD,
                seed % 3 == 0 ? Storage.NATIVE_SEGMENT : Storage.ARRAY, true, 1f, seed);
        try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
            double worst = TestSupport.checkAgainstReference(engine, c, mask);
            assertTrue(worst <= TestSupport.TOLERANCE, c + " " + variant + ": " + worst);
        }
        assertEquals(countVisiblePairs(c.spec(), mask), c.spec().visiblePairs(mask), "visible pairs");
    }

    /** Pair by pair, from the definitions. */
    static long countVisiblePairs(AttentionSpec spec, AttentionMask mask) {
        long pairs = 0;
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < spec.heads(); h++) {
                for (int i = 0; i < spec.queryLength(); i++) {
                    for (int j = 0; j < spec.keyLength(); j++) {
                        boolean band = j >= spec.firstVisibleKey(i) && j <= spec.lastVisibleKey(i);
                        pairs += band && spec.isInLayout(h, i, j) && (mask == null || mask.allows(b, h, i, j)) ? 1 : 0;
                    }
                }
            }
        }
        return pairs;
    }

    /** Random real lengths per batch item; item 0 of a multi-item batch has no key at all (empty rows). */
    static AttentionMask keyPadding(int batch, int keys, SplittableRandom random) {
        boolean[] padded = new boolean[batch * keys];
        for (int b = 0; b < batch; b++) {
            int length = batch > 1 && b == 0 ? 0 : random.nextInt(keys + 1);
            java.util.Arrays.fill(padded, b * keys + length, (b + 1) * keys, true);
        }
        for (int j = 0; j < keys; j += 7) { // and some holes, not only a padded tail
            padded[(batch - 1) * keys + j] = true;
        }
        return AttentionMask.keyPadding(padded, batch, keys);
    }

    /** 70 % true, every 5th row entirely false, and a 100-key run hidden from everyone (skippable tiles). */
    static AttentionMask booleanMask(int batch, int heads, int queries, int keys, SplittableRandom random) {
        boolean[] allowed = new boolean[batch * heads * queries * keys];
        for (int at = 0; at < allowed.length; at++) {
            long row = at / keys;
            int key = at % keys;
            allowed[at] = row % 5 != 3 && (key < 100 || key >= 200) && random.nextDouble() < 0.7;
        }
        return AttentionMask.allowed(allowed, batch, heads, queries, keys);
    }

    static AttentionMask additiveMask(int batch, int heads, int queries, int keys, SplittableRandom random) {
        float[] bias = new float[batch * heads * queries * keys];
        for (int at = 0; at < bias.length; at++) {
            bias[at] = random.nextDouble() < 0.2 || at / keys % 6 == 1 ? Float.NEGATIVE_INFINITY
                    : (float) (random.nextDouble() * 4 - 2);
        }
        return AttentionMask.additive(bias, batch, heads, queries, keys);
    }

    /** The vector kernel agrees with its scalar twin on a combination of every variant. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void vectorAgreesWithScalar(long seed) {
        if (!org.attention4j.kernel.KernelProvider.vectorAvailable()) {
            return;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int lq = 50 + random.nextInt(300), lk = 50 + random.nextInt(300);
        AttentionSpec spec = AttentionSpec.builder().batch(2).queryLength(lq).keyLength(lk).heads(4).kvHeads(2)
                .headDim(1 + random.nextInt(96)).softcap(3f).alibiSlopes(AttentionSpec.standardAlibiSlopes(4))
                .blockSparse(BlockSparseLayout.bigBird(32, lq, lk, 4, 1, 1, 2, seed)).build();
        AttentionMask mask = keyPadding(2, lk, random).and(additiveMask(2, 1, lq, lk, random));
        float[][] outs = new float[2][];
        Kernel[] kernels = {Kernel.VECTOR, Kernel.SCALAR};
        for (int i = 0; i < 2; i++) {
            TestSupport.Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, seed));
            try (AttentionEngine engine = AttentionEngine.builder().kernel(kernels[i]).threads(1).build()) {
                engine.forward(spec, p.q, p.k, p.v, p.out, mask);
            }
            outs[i] = p.out.array();
        }
        assertEquals(outs[0].length, outs[1].length);
        double worst = 0;
        for (int i = 0; i < outs[0].length; i++) {
            worst = Math.max(worst, Math.abs(outs[0][i] - outs[1][i]));
        }
        assertTrue(worst < 1e-5, "vector vs scalar: " + worst);
    }

    static long[] seeds() {
        return new long[] {1, 2, 3, 4};
    }
}
