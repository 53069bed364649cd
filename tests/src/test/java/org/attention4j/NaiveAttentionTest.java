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

/** The naive peer (full score matrix) against the float64 reference, on every kernel this JVM runs. */
class NaiveAttentionTest {

    static List<Object[]> cases() {
        List<Object[]> cases = new ArrayList<>();
        int[][] shapes = { // Lq, Lk, H, Hkv, D
            {1, 1, 1, 1, 1}, {7, 7, 2, 2, 3}, {37, 150, 4, 2, 40}, {150, 37, 4, 4, 64}, {129, 129, 3, 1, 80},
            {64, 200, 2, 1, 128}, {33, 17, 1, 1, 256}};
        long seed = 1;
        for (Kernel kernel : TestSupport.kernels()) {
            for (int[] s : shapes) {
                for (boolean causal : new boolean[] {false, true}) {
                    AttentionSpec spec = AttentionSpec.builder().batch(2).queryLength(s[0]).keyLength(s[1]).heads(s[2])
                            .kvHeads(s[3]).headDim(s[4]).causal(causal).build();
                    Layout layout = seed % 2 == 0 ? Layout.BSHD : Layout.BHSD;
                    Storage storage = seed % 3 == 0 ? Storage.NATIVE_SEGMENT : Storage.ARRAY;
                    cases.add(new Object[] {kernel, new Case(spec, layout, storage, false, 1f, seed++)});
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesTheReference(Kernel kernel, Case c) {
        for (int threads : new int[] {1, 3}) {
            try (NaiveAttention naive = new NaiveAttention(kernel, threads)) {
                TestSupport.Problem p = TestSupport.problem(c);
                naive.forward(c.spec(), p.q, p.k, p.v, p.out);
                double worst = TestSupport.compare(p, ReferenceAttention.compute(c.spec(), p.q, p.k, p.v));
                assertTrue(worst <= TestSupport.TOLERANCE, c + ": " + worst);
            }
        }
    }

    @Test
    void fullyMaskedRowsAreZero() {
        AttentionSpec spec = AttentionSpec.builder().queryLength(20).keyLength(5).heads(1).headDim(8).causal(true)
                .build();
        for (Kernel kernel : TestSupport.kernels()) {
            try (NaiveAttention naive = new NaiveAttention(kernel, 1)) {
                TestSupport.Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 3));
                naive.forward(spec, p.q, p.k, p.v, p.out);
                for (int i = 0; i < 15; i++) {
                    for (int d = 0; d < 8; d++) {
                        assertEquals(0f, p.out.get(0, i, 0, d), kernel + " row " + i);
                    }
                }
            }
        }
    }

    @Test
    void reportsItsMatrixAndRejectsOneBeyondAJavaArray() {
        AttentionSpec spec = AttentionSpec.builder().batch(1).length(1000).heads(4).headDim(8).build();
        assertEquals(4_000_000L, NaiveAttention.scoreMatrixBytes(spec));
        try (NaiveAttention naive = new NaiveAttention(Kernel.SCALAR, 2)) {
            assertEquals(8_000_000L, naive.scoreBytes(spec));
        }
        AttentionSpec huge = AttentionSpec.builder().length(50_000).heads(1).headDim(1).build();
        assertTrue(!NaiveAttention.fits(huge));
        float[] small = new float[50_000];
        Tensor t = Tensor.bshd(small, 50_000, 1, 1);
        float[] o = new float[50_000];
        try (NaiveAttention naive = new NaiveAttention(Kernel.SCALAR, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> naive.forward(huge, t, t, t, Tensor.bshd(o, 50_000, 1, 1)));
            assertTrue(e.getMessage().contains("naive score matrix"), e.getMessage());
        }
    }
}
