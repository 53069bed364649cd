package org.attention4j.layer.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.attention4j.TestSupport;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Problem;
import org.attention4j.TestSupport.Storage;
import org.attention4j.Tensor;
import org.attention4j.reference.PerformerReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link PerformerAttention} against {@link PerformerReference}: the same random features and the same
 * estimator in float64, so this checks the implementation (chunking, prefix state, shifts, GQA,
 * layouts), not the approximation. Tolerance: max |O − O_ref| ≤ 1e-4 · max |O_ref| per (b, h); the
 * float32 exponents (|w·x| up to ~20) alone carry relative errors of a few 1e-6 into each feature.
 */
class PerformerTest {
    static final double TOLERANCE = 1e-4;

    /** Lengths cross the chunks (64 causal, 256 non-causal) with partial tails; Lq ≠ Lk both ways. */
    private static final List<AttentionSpec> SPECS = List.of(
            AttentionSpec.builder().length(300).heads(2).headDim(16).build(),
            AttentionSpec.builder().length(150).heads(2).headDim(16).causal(true).build(),
            AttentionSpec.builder().queryLength(70).keyLength(200).heads(4).kvHeads(2).headDim(8).causal(true).build(),
            AttentionSpec.builder().queryLength(200).keyLength(70).heads(3).kvHeads(1).headDim(8).causal(true).build(),
            AttentionSpec.builder().queryLength(33).keyLength(270).heads(2).kvHeads(1).headDim(24).build(),
            AttentionSpec.builder().queryLength(90).keyLength(150).heads(2).headDim(8).valueHeadDim(20).causal(true)
                    .build(),
            AttentionSpec.builder().batch(2).length(65).heads(2).headDim(8).scale(-0.2f).causal(true).build(),
            AttentionSpec.builder().queryLength(5).keyLength(0).heads(1).headDim(4).build());

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void matchesTheFloat64Estimator(Kernel kernel) {
        Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        int index = 0;
        for (AttentionSpec spec : SPECS) {
            Layout layout = index % 2 == 0 ? Layout.BSHD : Layout.BHSD;
            Storage storage = Storage.values()[index % 3];
            Case c = new Case(spec, layout, storage, false, 1f, 100 + index++);
            for (int m : new int[] {1, 37, 64}) {
                try (PerformerAttention performer = PerformerAttention.create(m, spec.headDim(), 7, kernel)) {
                    Problem p = TestSupport.problem(c);
                    performer.forward(spec, p.q, p.k, p.v, p.out);
                    var ref = PerformerReference.compute(spec, p.q, p.k, p.v, performer.projection(), m);
                    assertClose(p, ref, c + " m=" + m);
                }
            }
        }
    }

    static void assertClose(Problem p, org.attention4j.reference.ReferenceAttention.Result ref, String what) {
        AttentionSpec s = p.c.spec();
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                double maxRef = 0, maxDiff = 0;
                for (int i = 0; i < s.queryLength(); i++) {
                    for (int d = 0; d < s.valueHeadDim(); d++) {
                        float got = p.out.get(b, i, h, d);
                        assertTrue(Float.isFinite(got), what + ": out[" + b + "," + i + "," + h + "," + d + "] = " + got);
                        maxRef = Math.max(maxRef, Math.abs(ref.out(b, i, h, d)));
                        maxDiff = Math.max(maxDiff, Math.abs(got - ref.out(b, i, h, d)));
                    }
                }
                assertTrue(maxDiff <= TOLERANCE * maxRef + 1e-7,
                        what + " (b,h)=(" + b + "," + h + "): max error " + maxDiff + " vs max |ref| " + maxRef);
            }
        }
    }

    @Test
    void rowsThatSeeNoKeyAreZero() {
        // causal, Lq = 6 > Lk = 4: query rows 0 and 1 see no key (bottom-right alignment)
        AttentionSpec spec = AttentionSpec.builder().queryLength(6).keyLength(4).heads(1).headDim(4).causal(true).build();
        Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 3));
        try (PerformerAttention performer = PerformerAttention.create(8, 4, 1)) {
            performer.forward(spec, p.q, p.k, p.v, p.out);
        }
        for (int d = 0; d < 4; d++) {
            assertEquals(0f, p.out.get(0, 0, 0, d));
            assertEquals(0f, p.out.get(0, 1, 0, d));
            assertTrue(p.out.get(0, 2, 0, d) != 0f);
        }
    }

    @Test
    void largeScoresStayFinite() {
        // ×30 inputs: exponents w·x of several hundred, far past float's exp range without the shifts
        AttentionSpec spec = AttentionSpec.builder().length(130).heads(1).headDim(16).causal(true).build();
        Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 30f, 4));
        try (PerformerAttention performer = PerformerAttention.create(32, 16, 1)) {
            performer.forward(spec, p.q, p.k, p.v, p.out);
        }
        for (int i = 0; i < 130; i++) {
            for (int d = 0; d < 16; d++) {
                assertTrue(Float.isFinite(p.out.get(0, i, 0, d)), "row " + i);
            }
        }
    }

    @Test
    void sameSeedSameOutputOtherSeedOther() {
        AttentionSpec spec = AttentionSpec.of(1, 100, 2, 16, true);
        float[] first = run(spec, 42), again = run(spec, 42), other = run(spec, 43);
        assertArrayEquals(first, again, "same seed: identical bits");
        assertFalse(Arrays.equals(first, other), "another seed draws other features");
        assertArrayEquals(PerformerAttention.create(64, 16, 42).projection(),
                OrthogonalRandomFeatures.sample(64, 16, 42));
    }

    private static float[] run(AttentionSpec spec, long seed) {
        Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 5));
        try (PerformerAttention performer = PerformerAttention.create(64, spec.headDim(), seed)) {
            performer.forward(spec, p.q, p.k, p.v, p.out);
        }
        float[] out = new float[Tensor.elements(1, spec.queryLength(), spec.heads(), spec.headDim())];
        for (int i = 0; i < out.length; i++) {
            out[i] = p.out.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
        }
        return out;
    }
}
