package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Storage;
import org.attention4j.bench.NaiveAttention;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sliding windows (FlashAttention-2 {@code window_size} semantics) on every kernel, against the reference. */
class SlidingWindowTest {

    static List<Object[]> cases() {
        List<Object[]> cases = new ArrayList<>();
        int[][] shapes = { // Lq, Lk, H, Hkv, D
            {1, 1, 1, 1, 8}, {300, 300, 2, 1, 64}, {97, 410, 4, 2, 40}, {410, 97, 2, 2, 33}, {257, 257, 3, 3, 128}};
        int[][] windows = {{0, 0}, {1, 1}, {5, -1}, {-1, 7}, {100, 0}, {1000, 1000}, {0, -1}, {130, 3}};
        long seed = 100;
        for (Kernel kernel : TestSupport.kernels()) {
            for (int[] s : shapes) {
                for (int[] w : windows) {
                    for (boolean causal : new boolean[] {false, true}) {
                        if (causal && w[1] > 0) {
                            continue;
                        }
                        AttentionSpec spec = AttentionSpec.builder().batch(1).queryLength(s[0]).keyLength(s[1])
                                .heads(s[2]).kvHeads(s[3]).headDim(s[4]).causal(causal).window(w[0], w[1]).build();
                        Layout layout = seed % 2 == 0 ? Layout.BSHD : Layout.BHSD;
                        Storage storage = seed % 5 == 0 ? Storage.NATIVE_SEGMENT : Storage.ARRAY;
                        cases.add(new Object[] {kernel, new Case(spec, layout, storage, seed % 3 != 0, 1f, seed++)});
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {1} window {1}")
    @MethodSource("cases")
    void matchesTheReference(Kernel kernel, Case c) {
        try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
            double worst = TestSupport.checkAgainstReference(engine, c);
            assertTrue(worst <= TestSupport.TOLERANCE, c + " window " + c.spec() + ": " + worst);
        }
    }

    @Test
    void theNaivePeerMasksTheSameBand() {
        AttentionSpec spec = AttentionSpec.builder().queryLength(70).keyLength(90).heads(2).headDim(16).causal(true)
                .window(9, 0).build();
        for (Kernel kernel : TestSupport.kernels()) {
            try (NaiveAttention naive = new NaiveAttention(kernel, 2)) {
                TestSupport.Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 9));
                naive.forward(spec, p.q, p.k, p.v, p.out);
                TestSupport.compare(p, ReferenceAttention.compute(spec, p.q, p.k, p.v));
            }
        }
    }

    @Test
    void visiblePairsCountTheBand() {
        AttentionSpec causalWindow = AttentionSpec.builder().length(1000).heads(1).headDim(8).causal(true)
                .window(9, 0).build(); // each row sees itself and up to 9 before: 10 keys, fewer at the start
        assertEquals(1000L * 10 - (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9), causalWindow.visiblePairsPerHead());
        AttentionSpec band = AttentionSpec.builder().length(10).heads(1).headDim(8).window(0, 0).build();
        assertEquals(10, band.visiblePairsPerHead());
        assertEquals(5, band.firstVisibleKey(5));
        assertEquals(5, band.lastVisibleKey(5));
    }

    @Test
    void contradictoryOrNegativeWindowsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttentionSpec.builder().length(8).heads(1).headDim(8).window(-2, 0).build());
        assertEquals("window left = -2: expected >= -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AttentionSpec.builder().length(8).heads(1).headDim(8).causal(true).window(4, 2).build());
        assertTrue(e.getMessage().startsWith("window right = 2 with causal"), e.getMessage());
    }
}
