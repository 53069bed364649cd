package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.Test;

/** Variable-length packed batches: each sequence attends only within itself, as if run alone. */
class VarlenTest {

    @Test
    void eachSequenceMatchesTheReferenceAlone() {
        int[] cuQ = {0, 1, 1, 98, 250, 251};   // lengths 1, 0, 97, 152, 1
        int[] cuK = {0, 3, 10, 107, 259, 359};  // lengths 3, 7, 97, 152, 100
        for (Kernel kernel : TestSupport.kernels()) {
            for (boolean causal : new boolean[] {false, true}) {
                AttentionSpec spec = AttentionSpec.builder().queryLength(cuQ[5]).keyLength(cuK[5]).heads(4).kvHeads(2)
                        .headDim(24).causal(causal).alibiSlopes(AttentionSpec.standardAlibiSlopes(4)).window(40, -1)
                        .build();
                check(kernel, spec, cuQ, cuK);
            }
        }
    }

    private static void check(Kernel kernel, AttentionSpec spec, int[] cuQ, int[] cuK) {
        SplittableRandom random = new SplittableRandom(11);
        int h = spec.heads(), hkv = spec.kvHeads(), d = spec.headDim();
        Tensor q = Tensor.bshd(randoms(spec.queryLength() * h * d, random), spec.queryLength(), h, d);
        Tensor k = Tensor.bshd(randoms(spec.keyLength() * hkv * d, random), spec.keyLength(), hkv, d);
        Tensor v = Tensor.bshd(randoms(spec.keyLength() * hkv * d, random), spec.keyLength(), hkv, d);
        float[] o = new float[spec.queryLength() * h * d];
        float[] lse = new float[h * spec.queryLength()];
        Arrays.fill(o, Float.NaN);
        try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
            engine.forwardVarlen(spec, cuQ, cuK, q, k, v, Tensor.bshd(o, spec.queryLength(), h, d),
                    Tensor.lse(lse, h, spec.queryLength()));
        }
        Tensor out = Tensor.bshd(o, spec.queryLength(), h, d);
        for (int s = 0; s + 1 < cuQ.length; s++) {
            AttentionSpec one = spec.toBuilder().queryLength(cuQ[s + 1] - cuQ[s]).keyLength(cuK[s + 1] - cuK[s]).build();
            ReferenceAttention.Result ref = ReferenceAttention.compute(one, q.fromPosition(cuQ[s]),
                    k.fromPosition(cuK[s]), v.fromPosition(cuK[s]));
            Tensor got = out.fromPosition(cuQ[s]);
            for (int i = 0; i < one.queryLength(); i++) {
                for (int head = 0; head < h; head++) {
                    for (int x = 0; x < d; x++) {
                        assertEquals(ref.out(0, i, head, x), got.get(0, i, head, x), 1e-5,
                                kernel + " sequence " + s + " row " + i);
                    }
                    float l = lse[head * spec.queryLength() + cuQ[s] + i];
                    assertEquals(ref.lse(0, head, i), l, 1e-5 * Math.max(1, Math.abs(l)), "lse of sequence " + s);
                }
            }
        }
    }

    @Test
    void badOffsetsAreRejectedBeforeAnyOutput() {
        AttentionSpec spec = AttentionSpec.builder().queryLength(10).keyLength(12).heads(1).headDim(4).build();
        float[] o = new float[40];
        Arrays.fill(o, 7f);
        Tensor q = Tensor.bshd(new float[40], 10, 1, 4), k = Tensor.bshd(new float[48], 12, 1, 4);
        Tensor out = Tensor.bshd(o, 10, 1, 4);
        try (AttentionEngine engine = AttentionEngine.create(1)) {
            String[] messages = {
                message(() -> engine.forwardVarlen(spec, new int[] {0, 6, 4, 10}, new int[] {0, 4, 8, 12}, q, k, k, out, null)),
                message(() -> engine.forwardVarlen(spec, new int[] {0, 4, 9}, new int[] {0, 4, 12}, q, k, k, out, null)),
                message(() -> engine.forwardVarlen(spec, new int[] {1, 4, 10}, new int[] {0, 4, 12}, q, k, k, out, null)),
                message(() -> engine.forwardVarlen(spec, new int[] {0, 10}, new int[] {0, 4, 12}, q, k, k, out, null)),
                message(() -> engine.forwardVarlen(spec, null, new int[] {0, 12}, q, k, k, out, null)),
                message(() -> engine.forwardVarlen(spec.toBuilder().batch(2).queryLength(5).keyLength(6).build(),
                        new int[] {0, 5}, new int[] {0, 6}, q, k, k, out, null)),
            };
            assertTrue(messages[0].contains("cuSeqlensQ[2] = 4 < cuSeqlensQ[1] = 6"), messages[0]);
            assertTrue(messages[1].contains("cuSeqlensQ[2] = 9: expected the spec's queryLength 10"), messages[1]);
            assertTrue(messages[2].contains("cuSeqlensQ[0] = 1: expected 0"), messages[2]);
            assertTrue(messages[3].contains("expected the same count"), messages[3]);
            assertTrue(messages[4].contains("cuSeqlensQ = null"), messages[4]);
            assertTrue(messages[5].contains("batch = 2: expected 1"), messages[5]);
        }
        for (float x : o) {
            assertEquals(7f, x, "output untouched");
        }
    }

    private static String message(Runnable call) {
        return assertThrows(IllegalArgumentException.class, call::run).getMessage();
    }

    private static float[] randoms(int n, SplittableRandom random) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextDouble() * 4 - 2);
        }
        return x;
    }
}
