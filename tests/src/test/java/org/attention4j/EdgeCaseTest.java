package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Storage;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Edge cases on every kernel: masked rows, empty lengths, D = 1, extreme scales, ties, −∞ scores. */
class EdgeCaseTest {

    private static AttentionEngine engine(Kernel kernel) {
        return AttentionEngine.builder().kernel(kernel).threads(3).build();
    }

    private static void assumeAvailable(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Arrays.asList(TestSupport.kernels()).contains(kernel),
                "kernel not available in this JVM");
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void causalWithMoreQueriesThanKeysMasksLeadingRowsFully(Kernel kernel) {
        assumeAvailable(kernel);
        AttentionSpec spec = AttentionSpec.builder().queryLength(150).keyLength(37).heads(4).kvHeads(2)
                .headDim(40).causal(true).build();
        Case c = new Case(spec, Layout.BSHD, Storage.ARRAY, true, 1f, 7);
        try (AttentionEngine e = engine(kernel)) {
            TestSupport.Problem p = TestSupport.problem(c);
            e.forward(spec, p.q, p.k, p.v, p.out, p.lse);
            TestSupport.compare(p, ReferenceAttention.compute(spec, p.q, p.k, p.v));
            // rows 0 .. Lq − Lk − 1 see no key: O = 0 exactly, LSE = −∞
            for (int i = 0; i < 150 - 37; i++) {
                for (int h = 0; h < 4; h++) {
                    assertEquals(Float.NEGATIVE_INFINITY, p.lse.get(0, i, h, 0));
                    for (int d = 0; d < 40; d++) {
                        assertEquals(0f, p.out.get(0, i, h, d), "masked row " + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void zeroKeysGiveZeroOutputAndMinusInfinityLse(Kernel kernel) {
        assumeAvailable(kernel);
        AttentionSpec spec = AttentionSpec.builder().queryLength(5).keyLength(0).heads(2).headDim(8).build();
        float[] q = new float[5 * 2 * 8];
        float[] o = new float[5 * 2 * 8];
        float[] lse = new float[2 * 5];
        Arrays.fill(o, Float.NaN);
        Arrays.fill(lse, Float.NaN);
        try (AttentionEngine e = engine(kernel)) {
            e.forward(spec, Tensor.bshd(q, 5, 2, 8), Tensor.bshd(new float[0], 0, 2, 8),
                    Tensor.bshd(new float[0], 0, 2, 8), Tensor.bshd(o, 5, 2, 8), Tensor.lse(lse, 2, 5));
        }
        for (float x : o) {
            assertEquals(0f, x);
        }
        for (float x : lse) {
            assertEquals(Float.NEGATIVE_INFINITY, x);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void zeroQueriesIsANoOp(Kernel kernel) {
        assumeAvailable(kernel);
        AttentionSpec spec = AttentionSpec.builder().queryLength(0).keyLength(9).heads(1).headDim(4).build();
        float[] kv = new float[9 * 4];
        float[] o = {42f};
        try (AttentionEngine e = engine(kernel)) {
            e.forward(spec, Tensor.bshd(new float[0], 0, 1, 4), Tensor.bshd(kv, 9, 1, 4), Tensor.bshd(kv, 9, 1, 4),
                    Tensor.bshd(o, 0, 1, 4));
        }
        assertArrayEquals(new float[] {42f}, o);
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void headDimOneAndOddLengths(Kernel kernel) {
        assumeAvailable(kernel);
        for (int n : new int[] {1, 2, 95, 96, 97, 191, 193}) {
            AttentionSpec spec = AttentionSpec.builder().queryLength(n).keyLength(n + 3).heads(3).headDim(1)
                    .causal(n % 2 == 1).build();
            try (AttentionEngine e = engine(kernel)) {
                TestSupport.checkAgainstReference(e, new Case(spec, Layout.BHSD, Storage.ARRAY, true, 1f, n));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void hugeAndTinyScales(Kernel kernel) {
        assumeAvailable(kernel);
        for (float scale : new float[] {1e3f, 1e-6f, 0f, -2f}) {
            AttentionSpec spec = AttentionSpec.builder().queryLength(70).keyLength(130).heads(2).headDim(24)
                    .scale(scale).causal(true).build();
            try (AttentionEngine e = engine(kernel)) {
                TestSupport.checkAgainstReference(e, new Case(spec, Layout.BSHD, Storage.HEAP_SEGMENT, true, 1f, 3));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void identicalKeysAverageTheValues(Kernel kernel) {
        assumeAvailable(kernel);
        int lk = 100, d = 16;
        AttentionSpec spec = AttentionSpec.builder().queryLength(3).keyLength(lk).heads(1).headDim(d).build();
        float[] q = new float[3 * d];
        float[] k = new float[lk * d];
        float[] v = new float[lk * d];
        Arrays.fill(q, 0.5f);
        Arrays.fill(k, 0.25f); // every score ties
        for (int j = 0; j < lk; j++) {
            Arrays.fill(v, j * d, (j + 1) * d, j);
        }
        float[] o = new float[3 * d];
        try (AttentionEngine e = engine(kernel)) {
            e.forward(spec, Tensor.bshd(q, 3, 1, d), Tensor.bshd(k, lk, 1, d), Tensor.bshd(v, lk, 1, d),
                    Tensor.bshd(o, 3, 1, d));
        }
        for (float x : o) {
            assertEquals((lk - 1) / 2.0, x, 1e-4, "uniform weights average the values 0..99");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void scoresOverflowingToMinusInfinityGetZeroWeight(Kernel kernel) {
        assumeAvailable(kernel);
        // D = 1, scale 1: q·k = 1e30 · −1e30 overflows to −∞ in float32 for the even keys; the float64
        // reference gives them weight exp(−1e60) = 0 as well.
        int lk = 11;
        AttentionSpec spec = AttentionSpec.builder().queryLength(2).keyLength(lk).heads(1).headDim(1).scale(1f).build();
        float[] q = {1e30f, 1e30f};
        float[] k = new float[lk];
        float[] v = new float[lk];
        for (int j = 0; j < lk; j++) {
            k[j] = j % 2 == 0 ? -1e30f : 0f;
            v[j] = j;
        }
        float[] o = new float[2];
        float[] lse = new float[2];
        try (AttentionEngine e = engine(kernel)) {
            e.forward(spec, Tensor.bshd(q, 2, 1, 1), Tensor.bshd(k, lk, 1, 1), Tensor.bshd(v, lk, 1, 1),
                    Tensor.bshd(o, 2, 1, 1), Tensor.lse(lse, 1, 2));
        }
        double expected = (1 + 3 + 5 + 7 + 9) / 5.0; // only the odd keys (score 0) count
        assertEquals(expected, o[0], 1e-5);
        assertEquals(Math.log(5), lse[0], 1e-5);
        assertTrue(Float.isFinite(o[1]));
    }
}
