package org.attention4j.layer.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.attention4j.AttentionSpec;
import org.attention4j.TestSupport;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Problem;
import org.attention4j.TestSupport.Storage;
import org.attention4j.reference.LinformerReference;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.Test;

/** {@link LinformerAttention} against its float64 reference, and exactness with identity projections. */
class LinformerTest {

    @Test
    void matchesTheFloat64Formula() {
        List<AttentionSpec> specs = List.of(
                AttentionSpec.builder().length(100).heads(2).headDim(16).build(),
                AttentionSpec.builder().queryLength(37).keyLength(129).heads(4).kvHeads(2).headDim(8).build(),
                AttentionSpec.builder().batch(2).length(50).heads(3).kvHeads(1).headDim(24).scale(0.3f).build(),
                AttentionSpec.builder().queryLength(40).keyLength(70).heads(2).headDim(12).valueHeadDim(5).build());
        int index = 0;
        for (AttentionSpec spec : specs) {
            for (int kp : new int[] {1, 16, 64}) {
                Case c = new Case(spec, index % 2 == 0 ? Layout.BSHD : Layout.BHSD, Storage.values()[index % 3],
                        false, 1f, 200 + index++);
                float[] e = LinformerAttention.randomProjection(kp, spec.keyLength(), 1);
                float[] f = LinformerAttention.randomProjection(kp, spec.keyLength(), 2);
                Problem p = TestSupport.problem(c);
                try (LinformerAttention linformer = LinformerAttention.create(kp, spec.keyLength(), e, f)) {
                    linformer.forward(spec, p.q, p.k, p.v, p.out);
                }
                // same rule as the Performer: the projections add float32 sums over n to the engine's error
                PerformerTest.assertClose(p, LinformerReference.compute(spec, p.q, p.k, p.v, e, f, kp), c + " kp=" + kp);
            }
        }
    }

    @Test
    void identityProjectionsGiveExactAttention() {
        int n = 90;
        float[] identity = new float[n * n];
        for (int i = 0; i < n; i++) {
            identity[i * n + i] = 1f;
        }
        AttentionSpec spec = AttentionSpec.builder().length(n).heads(4).kvHeads(2).headDim(32).build();
        Problem p = TestSupport.problem(new Case(spec, Layout.BHSD, Storage.NATIVE_SEGMENT, false, 1f, 8));
        try (LinformerAttention linformer = LinformerAttention.create(n, n, identity, identity)) {
            linformer.forward(spec, p.q, p.k, p.v, p.out);
        }
        // E·K = K exactly in float32 (products by 0 and 1), so the engine's own 1e-5 rule applies
        TestSupport.compare(p, ReferenceAttention.compute(spec, p.q, p.k, p.v));
    }

    @Test
    void randomProjectionIsSeeded() {
        assertArrayEquals(LinformerAttention.randomProjection(8, 30, 5), LinformerAttention.randomProjection(8, 30, 5));
        float[] e = LinformerAttention.randomProjection(64, 1000, 6);
        double meanSquare = 0;
        for (float x : e) {
            meanSquare += (double) x * x / e.length;
        }
        // entries N(0, 1/64): mean square 1/64 ± 1.4 % (standard error √(2/64000) relative)
        org.junit.jupiter.api.Assertions.assertEquals(1.0 / 64, meanSquare, 0.1 / 64);
    }
}
