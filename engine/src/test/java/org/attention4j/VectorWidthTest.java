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
        org.junit.jupiter.api.Assumptions.assumeTrue(org.attention4j.kernel.TileOpsProvider.vectorAvailable());
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
}
