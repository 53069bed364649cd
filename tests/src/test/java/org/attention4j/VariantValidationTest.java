package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every new argument of the variants is checked, named in the message, and the output left untouched. */
class VariantValidationTest {
    private static final AttentionSpec SPEC = AttentionSpec.builder().batch(2).queryLength(10).keyLength(12).heads(4)
            .headDim(4).build();

    @Test
    void specOptions() {
        assertMessage("softcap = -1.0: expected a finite number > 0", () -> SPEC.toBuilder().softcap(-1).build());
        assertMessage("softcap = NaN", () -> SPEC.toBuilder().softcap(Float.NaN).build());
        assertMessage("alibi slopes: 3 values: expected one per head (4)",
                () -> SPEC.toBuilder().alibiSlopes(new float[3]).build());
        assertMessage("alibi slope of head 1 = Infinity",
                () -> SPEC.toBuilder().alibiSlopes(new float[] {1, Float.POSITIVE_INFINITY, 1, 1}).build());
        assertMessage("window left = -2: expected >= -1", () -> SPEC.toBuilder().window(-2, 0).build());
        assertMessage("block-sparse layout of 1 × 1 blocks of 8: expected 2 × 2",
                () -> SPEC.toBuilder().blockSparse(BlockSparseLayout.builder(8, 1, 1, 1).build()).build());
        assertMessage("block-sparse layout with 3 patterns: expected 1 or heads = 4",
                () -> SPEC.toBuilder().blockSparse(BlockSparseLayout.builder(8, 3, 2, 2).build()).build());
        assertMessage("block (head 0, query block 2, key block 0) is out of range",
                () -> BlockSparseLayout.builder(8, 1, 2, 2).add(0, 2, 0));
        assertMessage("unknown key 'width'", () -> BlockSparseLayout.parse("longformer:block=8,width=2", 4, 10, 12));
        assertMessage("'random' is a bigbird option", () -> BlockSparseLayout.parse("longformer:block=8,band=1,random=2", 4, 10, 12));
        assertMessage("expected block >= 1 and band >= 0", () -> BlockSparseLayout.parse("bigbird:band=1", 4, 10, 12));
        assertMessage("expected longformer:", () -> BlockSparseLayout.parse("strided:block=8", 4, 10, 12));
    }

    @Test
    void masksThatDoNotFitAreRejectedBeforeAnyOutput() {
        float[] o = new float[2 * 10 * 4 * 4];
        Arrays.fill(o, 7f);
        Tensor q = Tensor.bshd(new float[o.length], 10, 4, 4), k = Tensor.bshd(new float[2 * 12 * 4 * 4], 12, 4, 4);
        Tensor out = Tensor.bshd(o, 10, 4, 4);
        try (AttentionEngine engine = AttentionEngine.create(1)) {
            assertMessage("boolean mask [2, 2, 10, 12] is not broadcastable to [2, 4, 10, 12]", () -> engine.forward(
                    SPEC, q, k, k, out, AttentionMask.allowed(new boolean[480], 2, 2, 10, 12)));
            assertMessage("additive mask [1, 1, 10, 11] is not broadcastable", () -> engine.forward(
                    SPEC, q, k, k, out, AttentionMask.additive(new float[110], 1, 1, 10, 11)));
            assertMessage("key padding mask [1, 12]: expected [2, 12]", () -> engine.forward(
                    SPEC, q, k, k, out, AttentionMask.keyPadding(new boolean[12], 1, 12)));
        }
        assertMessage("boolean mask has 5 elements: expected 120", () -> AttentionMask.allowed(new boolean[5], 1, 1, 10, 12));
        assertMessage("additive mask element 3 = NaN", () -> AttentionMask.additive(
                new float[] {0, 0, 0, Float.NaN}, 1, 1, 2, 2));
        assertMessage("key length of batch item 1 = 13: expected 0..12", () -> AttentionMask.keyLengths(new int[] {1, 13}, 12));
        assertMessage("combining two masks of the same kind", () -> AttentionMask.keyLengths(new int[] {1, 2}, 12)
                .and(AttentionMask.keyLengths(new int[] {1, 2}, 12)));
        for (float x : o) {
            assertEquals(7f, x, "output untouched");
        }
    }

    @Test
    void layoutBuildersFollowThePublishedPatterns() {
        BlockSparseLayout longformer = BlockSparseLayout.longformer(64, 64 * 10, 64 * 10, 1, 1);
        assertTrue(longformer.isActive(0, 5, 4) && longformer.isActive(0, 5, 6) && !longformer.isActive(0, 5, 7));
        assertTrue(longformer.isActive(0, 5, 0) && longformer.isActive(0, 0, 9), "global block sees and is seen");
        BlockSparseLayout a = BlockSparseLayout.parse("bigbird:block=64,band=1,global=1,random=2,seed=7", 2, 640, 640);
        BlockSparseLayout b = BlockSparseLayout.bigBird(64, 640, 640, 2, 1, 1, 2, 7);
        for (int h = 0; h < 2; h++) {
            for (int qb = 1; qb < 10; qb++) {
                int count = b.endIndex(h, qb) - b.firstIndex(h, qb);
                int band = (int) java.util.stream.IntStream.rangeClosed(qb - 1, qb + 1).filter(x -> x >= 1 && x < 10).count();
                assertEquals(band + 1 + 2, count, "band + global + 2 random blocks for row block " + qb);
                for (int kb = 0; kb < 10; kb++) {
                    assertEquals(b.isActive(h, qb, kb), a.isActive(h, qb, kb), "parse = builder, same seed");
                }
            }
        }
        assertEquals(7.0 / 9, BlockSparseLayout.longformer(1, 3, 3, 0, 1).density(), 1e-12); // 3 + 2 + 2 of 9
    }

    private static void assertMessage(String expected, Runnable call) {
        String message = assertThrows(IllegalArgumentException.class, call::run).getMessage();
        assertTrue(message.contains(expected), "message '" + message + "' should contain '" + expected + "'");
    }
}
