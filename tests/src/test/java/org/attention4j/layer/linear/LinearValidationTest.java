package org.attention4j.layer.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad argument is an IllegalArgumentException naming it and what was expected; out stays untouched. */
class LinearValidationTest {
    private static final int N = 8, H = 2, D = 4;
    private static final AttentionSpec SPEC = AttentionSpec.of(1, N, H, D, false);
    private final float[] q = new float[N * H * D], k = new float[N * H * D], v = new float[N * H * D];
    private final float[] out = new float[N * H * D];

    private Tensor t(float[] a) {
        return Tensor.bshd(a, N, H, D);
    }

    private void rejects(String start, Executable call) {
        java.util.Arrays.fill(out, 7f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), "message: " + e.getMessage());
        assertTrue(e.getMessage().contains("expected"), "message says what was expected: " + e.getMessage());
        for (float x : out) {
            assertEquals(7f, x, "nothing written before the check failed");
        }
    }

    @Test
    void performer() {
        rejects("features = 0", () -> PerformerAttention.create(0, D, 1));
        rejects("headDim = 0", () -> PerformerAttention.create(4, 0, 1));
        rejects("kernel = null", () -> PerformerAttention.create(4, D, 1, null));
        try (PerformerAttention p = PerformerAttention.create(4, D, 1)) {
            rejects("spec = null", () -> p.forward(null, t(q), t(k), t(v), t(out)));
            rejects("q = null", () -> p.forward(SPEC, null, t(k), t(v), t(out)));
            rejects("k: shape [1, 8, 2, 4]", () -> p.forward(SPEC, t(q), Tensor.bshd(new float[5], N, H, D), t(v), t(out)));
            rejects("out overlaps q", () -> p.forward(SPEC, t(q), t(k), t(v), t(q)));
            AttentionSpec windowed = SPEC.toBuilder().window(2, 2).build();
            rejects("spec.window = (2, 2): Performer", () -> p.forward(windowed, t(q), t(k), t(v), t(out)));
            AttentionSpec otherDim = AttentionSpec.of(1, N, H, 2, false);
            rejects("spec.headDim() = 2: expected 4", () -> p.forward(otherDim, t(q), t(k), t(v), t(out)));
        }
    }

    @Test
    void linformer() {
        float[] e = new float[3 * N];
        rejects("projectedLength = 0", () -> LinformerAttention.create(0, N, e, e));
        rejects("keyLength = 0", () -> LinformerAttention.create(3, 0, e, e));
        rejects("e = null", () -> LinformerAttention.create(3, N, null, e));
        rejects("f.length = 23: expected projectedLength · keyLength = 3 · 8 = 24",
                () -> LinformerAttention.create(3, N, e, new float[23]));
        rejects("threads = 0", () -> LinformerAttention.create(3, N, e, e, 0));
        rejects("projectedLength = 0", () -> LinformerAttention.randomProjection(0, N, 1));
        try (LinformerAttention l = LinformerAttention.create(3, N, e, e)) {
            rejects("spec.causal() = true: expected false", () -> l.forward(
                    SPEC.toBuilder().causal(true).build(), t(q), t(k), t(v), t(out)));
            rejects("spec.window = (1, -1): Linformer", () -> l.forward(
                    SPEC.toBuilder().window(1, -1).build(), t(q), t(k), t(v), t(out)));
            AttentionSpec shorter = AttentionSpec.builder().queryLength(N).keyLength(N - 1).heads(H).headDim(D).build();
            rejects("spec.keyLength() = 7: expected 8", () -> l.forward(shorter, t(q), t(k), t(v), t(out)));
            rejects("v = null", () -> l.forward(SPEC, t(q), t(k), null, t(out)));
        }
    }

    @Test
    void closedObjectsRefuseCalls() {
        PerformerAttention p = PerformerAttention.create(4, D, 1);
        LinformerAttention l = LinformerAttention.create(3, N, new float[3 * N], new float[3 * N]);
        p.close();
        l.close();
        assertThrows(IllegalStateException.class, () -> p.forward(SPEC, t(q), t(k), t(v), t(out)));
        assertThrows(IllegalStateException.class, () -> l.forward(SPEC, t(q), t(k), t(v), t(out)));
    }

    @Test
    void approximationError() {
        try (PerformerAttention p = PerformerAttention.create(4, D, 1); AttentionEngine exact = AttentionEngine.create(1)) {
            rejects("approximation = null", () -> ApproximationError.measure(null, exact, SPEC, t(q), t(k), t(v)));
            rejects("exact = null", () -> ApproximationError.measure(p, null, SPEC, t(q), t(k), t(v)));
            rejects("spec = null", () -> ApproximationError.measure(p, exact, null, t(q), t(k), t(v)));
            rejects("approximate, exact", () -> ApproximationError.compare(new float[2], new float[3]));
        }
    }
}
