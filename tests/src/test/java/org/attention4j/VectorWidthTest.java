package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Storage;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own JVMs with {@code -Dattention4j.vectorBits=128} and {@code 512} (engine/pom.xml), so each
 * width's code path (and register blocking) is checked on any machine; on one without AVX-512 the
 * 512-bit run is slow but must be right. Small shapes only.
 */
class VectorWidthTest {

    @Test
    void forcedWidthMatchesReference() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.attention4j.kernel.KernelProvider.vectorAvailable());
        String bits = System.getProperty("attention4j.vectorBits");
        try (AttentionEngine engine = AttentionEngine.builder().kernel(Kernel.VECTOR).threads(2).build()) {
            if (bits != null) {
                assertEquals("vector-" + bits, engine.kernelName());
            }
            int[][] shapes = { // Lq, Lk, H, Hkv, D, causal
                {1, 1, 1, 1, 1, 0}, {7, 13, 4, 4, 59, 1}, {97, 61, 8, 2, 80, 1}, {33, 200, 4, 1, 128, 0},
                {50, 50, 2, 2, 256, 1}, {130, 97, 2, 1, 8, 1}};
            for (int[] s : shapes) {
                AttentionSpec spec = AttentionSpec.builder().queryLength(s[0]).keyLength(s[1]).heads(s[2])
                        .kvHeads(s[3]).headDim(s[4]).causal(s[5] == 1).build();
                TestSupport.checkAgainstReference(engine,
                        new Case(spec, Layout.values()[s[0] % 2], Storage.values()[s[1] % 3], true, 1f, s[4]));
            }
        }
    }

    /** Band edges (the vector mask of the keys outside each row's window) at every width: GQA, Lq != Lk. */
    @Test
    void forcedWidthMasksWindows() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.attention4j.kernel.KernelProvider.vectorAvailable());
        try (AttentionEngine engine = AttentionEngine.builder().kernel(Kernel.VECTOR).threads(2).build()) {
            int[][] shapes = { // Lq, Lk, H, Hkv, D, causal, window left, window right
                {300, 300, 4, 2, 24, 1, 37, 0}, {150, 170, 2, 2, 16, 0, 20, 9}, {61, 61, 3, 1, 8, 1, 0, 0},
                {200, 131, 2, 1, 40, 0, 64, -1}};
            for (int[] s : shapes) {
                AttentionSpec spec = AttentionSpec.builder().queryLength(s[0]).keyLength(s[1]).heads(s[2])
                        .kvHeads(s[3]).headDim(s[4]).causal(s[5] == 1).window(s[6], s[7]).build();
                TestSupport.checkAgainstReference(engine,
                        new Case(spec, Layout.values()[s[0] % 2], Storage.values()[s[1] % 3], true, 1f, s[4]));
            }
        }
    }

    /** Value heads of their own size at every width: the tiled path, the row-by-row path and a key split. */
    @Test
    void forcedWidthHandlesValueHeadsOfTheirOwnSize() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.attention4j.kernel.KernelProvider.vectorAvailable());
        try (AttentionEngine engine = AttentionEngine.builder().kernel(Kernel.VECTOR).threads(2).build()) {
            int[][] shapes = { // Lq, Lk, H, Hkv, D, Dv, causal
                {97, 61, 4, 2, 40, 72, 1}, {130, 130, 2, 1, 192, 128, 0}, {33, 80, 2, 2, 8, 10, 1},
                {4, 300, 4, 1, 59, 111, 0}, {1, 4500, 2, 1, 24, 17, 0}};
            for (int[] s : shapes) {
                AttentionSpec spec = AttentionSpec.builder().queryLength(s[0]).keyLength(s[1]).heads(s[2])
                        .kvHeads(s[3]).headDim(s[4]).valueHeadDim(s[5]).causal(s[6] == 1).build();
                TestSupport.checkAgainstReference(engine,
                        new Case(spec, Layout.values()[s[0] % 2], Storage.values()[s[1] % 3], true, 1f, s[4]));
            }
        }
    }
}
