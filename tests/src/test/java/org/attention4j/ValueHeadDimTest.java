package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Problem;
import org.attention4j.TestSupport.Storage;
import org.attention4j.bench.NaiveAttention;
import org.attention4j.kernel.TilePlan;
import org.attention4j.kernel.KernelProvider;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Value heads of their own size (Dv ≠ D, issue 26) against the float64 reference, same pass rule as the
 * shape matrix (1e-5 relative per (b, h), LSE included): the (D, Dv) pairs of the issue on both kernels,
 * both layouts and every storage, GQA and MQA, Lq ≠ Lk, every score variant, split decode, the
 * row-by-row path, varlen and the naive peer; and the validation of V and O against the value head size.
 */
class ValueHeadDimTest {
    /** (D, Dv): odd and even, narrower and wider values, MLA's 192/128, the extremes 1 and 256. */
    static final int[][] DIMS = {{8, 10}, {64, 128}, {128, 64}, {192, 128}, {1, 256}, {59, 111}, {256, 1}};

    enum Variant { PLAIN, CAUSAL, WINDOW, SOFTCAP_ALIBI, BLOCK_SPARSE, MASKS }

    static List<Object[]> cases() {
        // B, Lq, Lk, H, Hkv: MHA, GQA with Lq < Lk, MQA with Lq > Lk
        int[][] shapes = {{2, 70, 70, 2, 2}, {1, 37, 203, 4, 2}, {1, 150, 96, 3, 1}};
        List<Object[]> cases = new ArrayList<>();
        int index = 0;
        for (Kernel kernel : TestSupport.kernels()) {
            for (int[] dims : DIMS) {
                for (int[] shape : shapes) {
                    Variant variant = Variant.values()[index % Variant.values().length];
                    cases.add(new Object[] {kernel, dims, shape, variant, index++});
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} D,Dv={1} shape={2} {3}")
    @MethodSource("cases")
    void matchesTheReference(Kernel kernel, int[] dims, int[] shape, Variant variant, int index) {
        SplittableRandom random = new SplittableRandom(index);
        AttentionSpec.Builder builder = AttentionSpec.builder().batch(shape[0]).queryLength(shape[1])
                .keyLength(shape[2]).heads(shape[3]).kvHeads(shape[4]).headDim(dims[0]).valueHeadDim(dims[1]);
        AttentionMask mask = null;
        switch (variant) {
            case PLAIN -> { }
            case CAUSAL -> builder.causal(true);
            case WINDOW -> builder.window(20, 5);
            case SOFTCAP_ALIBI -> builder.softcap(2f).alibiSlopes(AttentionSpec.standardAlibiSlopes(shape[3]))
                    .causal(true);
            case BLOCK_SPARSE -> builder.blockSparse(
                    BlockSparseLayout.bigBird(16, shape[1], shape[2], shape[3], 1, 1, 1, index));
            case MASKS -> mask = VariantsTest.keyPadding(shape[0], shape[2], random)
                    .and(VariantsTest.booleanMask(shape[0], 1, shape[1], shape[2], random));
        }
        AttentionSpec spec = builder.build();
        Layout layout = Layout.values()[index % 2];
        Storage storage = Storage.values()[index % 3];
        Case c = new Case(spec, layout, storage, true, 1f, index);
        try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
            if (mask == null) {
                TestSupport.checkAgainstReference(engine, c);
            } else {
                TestSupport.checkAgainstReference(engine, c, mask);
            }
        }
    }

    /** Decode (one query, a long cache): the row-by-row path, split over its keys, for every (D, Dv). */
    @Test
    void splitDecodeMatchesTheReference() {
        for (Kernel kernel : TestSupport.kernels()) {
            for (int[] dims : DIMS) {
                AttentionSpec spec = AttentionSpec.builder().queryLength(1).keyLength(5000).heads(4).kvHeads(1)
                        .headDim(dims[0]).valueHeadDim(dims[1]).build();
                assertTrue(TilePlan.keySplits(spec, kernel == Kernel.SCALAR ? KernelProvider.scalar().tileOps() : KernelProvider.vector().tileOps()) > 1, "a split call: " + spec);
                Case c = new Case(spec, Layout.BHSD, Storage.NATIVE_SEGMENT, true, 1f, dims[0] * 1000L + dims[1]);
                try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
                    TestSupport.checkAgainstReference(engine, c);
                }
            }
        }
    }

    /** A short query chunk against a long cache: the tiled path split over its keys. */
    @Test
    void splitChunkMatchesTheReference() {
        for (Kernel kernel : TestSupport.kernels()) {
            AttentionSpec spec = AttentionSpec.builder().queryLength(40).keyLength(4500).heads(2).kvHeads(1)
                    .headDim(72).valueHeadDim(40).causal(true).build();
            assertTrue(TilePlan.keySplits(spec, kernel == Kernel.SCALAR ? KernelProvider.scalar().tileOps() : KernelProvider.vector().tileOps()) > 1, "a split call: " + spec);
            try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
                TestSupport.checkAgainstReference(engine, new Case(spec, Layout.BSHD, Storage.ARRAY, true, 1f, 3));
            }
        }
    }

    @Test
    void varlenMatchesTheReferencePerSequence() {
        int[] cuQ = {0, 5, 5, 70, 71}, cuK = {0, 9, 12, 80, 81};
        for (Kernel kernel : TestSupport.kernels()) {
            AttentionSpec spec = AttentionSpec.builder().queryLength(cuQ[4]).keyLength(cuK[4]).heads(4).kvHeads(2)
                    .headDim(24).valueHeadDim(40).causal(true).build();
            Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, true, 1f, 21));
            try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
                engine.forwardVarlen(spec, cuQ, cuK, p.q, p.k, p.v, p.out, p.lse);
            }
            for (int s = 0; s + 1 < cuQ.length; s++) {
                AttentionSpec one = spec.toBuilder().queryLength(cuQ[s + 1] - cuQ[s]).keyLength(cuK[s + 1] - cuK[s])
                        .build();
                assertEquals(40, one.valueHeadDim(), "toBuilder keeps a value head size of its own");
                ReferenceAttention.Result ref = ReferenceAttention.compute(one, p.q.fromPosition(cuQ[s]),
                        p.k.fromPosition(cuK[s]), p.v.fromPosition(cuK[s]));
                for (int i = 0; i < one.queryLength(); i++) {
                    for (int h = 0; h < 4; h++) {
                        for (int d = 0; d < 40; d++) {
                            assertEquals(ref.out(0, i, h, d), p.out.fromPosition(cuQ[s]).get(0, i, h, d), 1e-5,
                                    kernel + " sequence " + s + " row " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void naivePeerMatchesTheReference() {
        AttentionSpec spec = AttentionSpec.builder().batch(2).queryLength(33).keyLength(47).heads(4).kvHeads(2)
                .headDim(12).valueHeadDim(20).causal(true).build();
        for (Kernel kernel : TestSupport.kernels()) {
            Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 5));
            try (NaiveAttention naive = new NaiveAttention(kernel, 2)) {
                naive.forward(spec, p.q, p.k, p.v, p.out);
            }
            TestSupport.compare(p, ReferenceAttention.compute(spec, p.q, p.k, p.v));
        }
    }

    @Test
    void specCarriesTheValueHeadSize() {
        AttentionSpec same = AttentionSpec.builder().length(16).heads(2).headDim(64).build();
        assertEquals(64, same.valueHeadDim(), "defaults to headDim");
        assertEquals(128, same.toBuilder().headDim(128).build().valueHeadDim(), "a default follows headDim");
        AttentionSpec mla = AttentionSpec.builder().length(16).heads(2).headDim(192).valueHeadDim(128).build();
        assertEquals(2.0 * (192 + 128) * 16 * 16 * 2, mla.flops(), "2·pairs·(D + Dv)");
        assertEquals(4.0 * 64 * 16 * 16 * 2, same.flops(), "4·D·pairs when equal");
        assertTrue(mla.toString().contains("valueHeadDim=128"), mla.toString());
        assertTrue(!mla.equals(mla.toBuilder().valueHeadDim(64).build()));
        for (int bad : new int[] {0, -1, AttentionSpec.MAX_HEAD_DIM + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AttentionSpec.builder().length(4).heads(1).headDim(8).valueHeadDim(bad).build());
            assertTrue(e.getMessage().startsWith("valueHeadDim = " + bad), e.getMessage());
        }
    }

    /** V and O of the key's head size where the spec says another: rejected, naming the tensor, nothing written. */
    @Test
    void mismatchedValueOrOutputIsRejectedBeforeAnyOutput() {
        AttentionSpec spec = AttentionSpec.builder().length(6).heads(2).headDim(8).valueHeadDim(10).build();
        Tensor q = Tensor.bshd(new float[6 * 2 * 8], 6, 2, 8), k = Tensor.bshd(new float[6 * 2 * 8], 6, 2, 8);
        Tensor narrowV = Tensor.bshd(new float[6 * 2 * 8], 6, 2, 8);
        Tensor v = Tensor.bshd(new float[6 * 2 * 10], 6, 2, 10);
        float[] o = new float[6 * 2 * 10];
        Arrays.fill(o, 7f);
        Tensor out = Tensor.bshd(o, 6, 2, 10);
        Tensor narrowOut = Tensor.bshd(new float[6 * 2 * 8], 6, 2, 8);
        try (AttentionEngine engine = AttentionEngine.create(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> engine.forward(spec, q, k, narrowV, out));
            assertTrue(e.getMessage().startsWith("v: shape [1, 6, 2, 10]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> engine.forward(spec, q, k, v, narrowOut));
            assertTrue(e.getMessage().startsWith("out: shape [1, 6, 2, 10]"), e.getMessage());
        }
        for (float x : o) {
            assertEquals(7f, x, "nothing written");
        }
    }
}
