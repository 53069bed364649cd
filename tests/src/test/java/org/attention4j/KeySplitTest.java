package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Storage;
import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.KernelProvider;
import org.attention4j.kernel.TilePlan;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Calls with few row groups split over their keys (flash-decoding, {@link TilePlan#keySplits}), on the
 * row-by-row and the tiled path: each part's online
 * softmax and their merge against the float64 reference, including parts that see no key (a window, a
 * padding mask) and rows no part sees a key for; the same bits on one and two threads.
 */
class KeySplitTest {
    /** One query per head, 8 heads sharing one kv head, over 4173 keys: a fresh builder each time. */
    private static AttentionSpec.Builder mqa() {
        return AttentionSpec.builder().queryLength(1).keyLength(4096 + 77).heads(8).kvHeads(1).headDim(64)
                .causal(true);
    }

    static List<Kernel> kernels() {
        return List.of(TestSupport.kernels());
    }

    private static TileOps ops(Kernel kernel) {
        return kernel == Kernel.SCALAR ? KernelProvider.scalar().tileOps() : KernelProvider.vector().tileOps();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void decodeCallsWithFewRowGroupsAreSplitOverTheirKeys(Kernel kernel) {
        TileOps ops = ops(kernel);
        assertEquals(2, TilePlan.keySplits(mqa().build(), ops), "MQA decode, 4173 keys: 2048 keys per part at least");
        assertEquals(1, TilePlan.keySplits(mqa().keyLength(32768).window(256, 0).build(), ops),
                "a window of 257 keys over a long cache: nothing to split");
        assertEquals(4, TilePlan.keySplits(mqa().keyLength(32768).window(8191, 0).build(), ops), "8192 keys visible");
        assertEquals(1, TilePlan.keySplits(mqa().queryLength(0).build(), ops), "no query: no row group");
        assertEquals(16, TilePlan.keySplits(mqa().keyLength(65536).build(), ops), "16 items in all at most");
        assertEquals(8, TilePlan.keySplits(mqa().keyLength(65536).kvHeads(2).build(), ops), "2 kv heads");
        assertEquals(1, TilePlan.keySplits(mqa().keyLength(2047).build(), ops), "too few keys");
        assertEquals(1, TilePlan.keySplits(mqa().keyLength(65536).batch(16).build(), ops), "enough row groups");
        assertEquals(1, TilePlan.keySplits(AttentionSpec.builder().length(8192).heads(8).headDim(64).build(), ops),
                "a prefill call has row groups enough");
        assertEquals(2, TilePlan.keySplits(mqa().heads(32).build(), ops), "32 heads per kv head: the tiled path");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void splitDecodeMatchesTheReference(Kernel kernel) {
        List<AttentionSpec> specs = new ArrayList<>();
        specs.add(mqa().build());
        specs.add(mqa().keyLength(9000).headDim(37).build()); // 4 parts, head dim not a multiple of a vector
        specs.add(mqa().keyLength(9000).window(4500, 0).build()); // parts of the visible keys only
        specs.add(mqa().queryLength(2).keyLength(6000).kvHeads(2).build()); // 8 rows per group (GQA)
        specs.add(mqa().keyLength(4500).softcap(20f).alibiSlopes(AttentionSpec.standardAlibiSlopes(8)).build());
        // Tiled items: 32 heads per kv head (MQA), and a chunk of 40 queries against 6000 keys (GQA, causal
        // bottom-right, and with a window that hides the first keys).
        specs.add(mqa().heads(32).build());
        specs.add(mqa().queryLength(40).keyLength(6000).heads(4).kvHeads(2).headDim(48).build());
        specs.add(mqa().queryLength(40).keyLength(6000).heads(4).kvHeads(2).window(4400, 0).build());
        for (AttentionSpec spec : specs) {
            assertTrue(TilePlan.keySplits(spec, ops(kernel)) > 1, spec.toString());
            for (int threads = 1; threads <= 2; threads++) {
                try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(threads).build()) {
                    for (Layout layout : Layout.values()) {
                        Storage storage = layout == Layout.BSHD ? Storage.ARRAY : Storage.NATIVE_SEGMENT;
                        TestSupport.checkAgainstReference(engine, new Case(spec, layout, storage, true, 1f, 5));
                        TestSupport.checkAgainstReference(engine, new Case(spec, layout, storage, true, 10f, 6));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void partsAndRowsThatSeeNoKeyFollowTheEngineRule(Kernel kernel) {
        // Batch item 0: only keys 0..99 are real (the other parts see none); item 1: every key is padding,
        // so its rows get O = 0 and LSE = −∞.
        AttentionSpec spec = mqa().batch(2).keyLength(8192).build();
        boolean[] padded = new boolean[2 * 8192];
        for (int j = 100; j < 2 * 8192; j++) {
            padded[j] = true;
        }
        AttentionMask mask = AttentionMask.keyPadding(padded, 2, 8192);
        for (int threads = 1; threads <= 2; threads++) {
            try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(threads).build()) {
                Case c = new Case(spec, Layout.BSHD, Storage.ARRAY, true, 1f, 7);
                TestSupport.Problem p = TestSupport.problem(c);
                engine.forward(spec, p.q, p.k, p.v, p.out, p.lse, mask, Long.MAX_VALUE);
                TestSupport.compare(p, ReferenceAttention.compute(spec, mask, p.q, p.k, p.v));
                for (int h = 0; h < spec.heads(); h++) {
                    assertEquals(Float.NEGATIVE_INFINITY, p.lse.get(1, 0, h, 0), "lse of a row with no key");
                    for (int d = 0; d < spec.headDim(); d++) {
                        assertEquals(0f, p.out.get(1, 0, h, d), "out of a row with no key");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void anEmptyCallNeedsNoPartials(Kernel kernel) {
        AttentionSpec spec = mqa().queryLength(0).build();
        try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).memoryBudget(1L << 30)
                .build()) {
            TestSupport.Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 9));
            engine.forward(spec, p.q, p.k, p.v, p.out); // the budget check asks for the workspace bytes
            assertEquals(engine.workspaceBytes(spec), engine.workspaceBytes(spec));
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void oneAndTwoThreadsComputeTheSameBits(Kernel kernel) {
        AttentionSpec spec = mqa().keyLength(20000).build();
        float[][] outs = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(threads).build()) {
                TestSupport.Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 8));
                // Compiled code only: until C2 compiles the kernel, the Vector API's fallback sums a
                // vector's lanes in another order than the compiled reduction (the last bit differs).
                for (int call = 0; call < 200; call++) {
                    engine.forward(spec, p.q, p.k, p.v, p.out);
                }
                outs[threads - 1] = p.out.array();
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(outs[0], outs[1]);
    }
}
