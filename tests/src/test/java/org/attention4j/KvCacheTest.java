package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Problem;
import org.attention4j.TestSupport.Storage;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link KvCache}: a prefill and a decode loop over the cache of every storage type equal the float64
 * reference on the cache's (dequantized) contents at every step; appending and decoding allocate
 * nothing once warm; bad input is refused before anything changes.
 */
class KvCacheTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(ElementType.class)
    void prefillThenDecodeMatchesTheReferenceAtEveryStep(ElementType type) {
        int kvHeads = 2, heads = 6, d = 40, dv = 24, prompt = 37, steps = 12;
        KvCache cache = KvCache.builder().batch(2).kvHeads(kvHeads).headDim(d).valueHeadDim(dv).capacity(64).type(type)
                .build();
        AttentionSpec prefill = AttentionSpec.builder().batch(2).length(prompt).heads(heads).kvHeads(kvHeads).headDim(d)
                .valueHeadDim(dv).causal(true).build();
        AttentionSpec decode = prefill.toBuilder().queryLength(1).build();
        for (Kernel kernel : TestSupport.kernels()) {
            cache.clear();
            try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
                Problem p = TestSupport.problem(new Case(prefill, Layout.BSHD, Storage.ARRAY, true, 1f, 11));
                cache.append(p.k, p.v, prompt);
                AttentionSpec spec = cache.spec(prefill);
                engine.forward(spec, p.q, cache.keys(), cache.values(), p.out, p.lse);
                check(p, spec, cache);
                for (int step = 0; step < steps; step++) {
                    Problem s = TestSupport.problem(new Case(decode, Layout.BHSD, Storage.ARRAY, true, 1f, 100 + step));
                    cache.append(s.k, s.v, 1);
                    AttentionSpec stepSpec = cache.spec(decode);
                    assertEquals(prompt + step + 1, stepSpec.keyLength());
                    engine.forward(stepSpec, s.q, cache.keys(), cache.values(), s.out, s.lse);
                    check(s, stepSpec, cache);
                }
            }
        }
        assertEquals(prompt + steps, cache.length());
    }

    private static void check(Problem p, AttentionSpec spec, KvCache cache) {
        Problem onCache = new Problem(new Case(spec, p.c.layout(), p.c.storage(), p.lse != null, 1f, p.c.seed()), p.q,
                cache.keys(), cache.values(), p.out, p.lse);
        TestSupport.compare(onCache, ReferenceAttention.compute(spec, p.q, cache.keys(), cache.values()));
    }

    @Test
    void storedValuesAreTheFloat32RowsRoundedOnce() {
        float[] row = {1f, -0.3333f, 1e-3f, 65504f};
        Tensor k = Tensor.bshd(row, 1, 1, 4);
        for (ElementType type : ElementType.values()) {
            KvCache cache = KvCache.builder().kvHeads(1).headDim(4).capacity(3).type(type).arena(Arena.ofAuto()).build();
            cache.append(k, k, 1);
            for (int i = 0; i < 4; i++) {
                float got = cache.keys().get(0, 0, 0, i);
                float expected = switch (type) {
                    case FLOAT32 -> row[i];
                    case BFLOAT16 -> Float.intBitsToFloat(org.attention4j.kernel.Widening.floatToBfloat16(row[i]) << 16);
                    case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16(row[i]));
                    case INT8 -> Math.round(row[i] * 127 / 65504f) * (65504f / 127);
                };
                assertEquals(expected, got, Math.abs(expected) * 1e-6, type + " element " + i);
            }
        }
    }

    @Test
    void badInputChangesNothing() {
        KvCache cache = KvCache.builder().kvHeads(2).headDim(8).capacity(4).type(ElementType.FLOAT16).build();
        float[] data = new float[3 * 2 * 8];
        Tensor k = Tensor.bshd(data, 3, 2, 8);
        cache.append(k, k, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.append(k, k, 2));
        assertTrue(e.getMessage().startsWith("count = 2: expected 0 <= count <= 1 (capacity 4, length 3)"),
                e.getMessage());
        data[5] = 1e6f;
        cache.truncate(1);
        e = assertThrows(IllegalArgumentException.class, () -> cache.append(k, k, 3));
        assertTrue(e.getMessage().startsWith("k: element 5 of a row is 1000000.0: beyond float16's range"),
                e.getMessage());
        assertEquals(1, cache.length(), "a failed append leaves the length");
        e = assertThrows(IllegalArgumentException.class, () -> cache.append(k, Tensor.bshd(new float[8], 1, 1, 8), 1));
        assertTrue(e.getMessage().startsWith("v: shape [1, 1, 2, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cache.spec(AttentionSpec.of(1, 1, 2, 16, false)));
        assertTrue(e.getMessage().contains("expected the cache's 1, 2, 8, 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KvCache.builder().kvHeads(1).headDim(300).capacity(1)
                .build());
        assertEquals("headDim = 300: expected 1..256", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KvCache.builder().kvHeads(1).headDim(8).build());
        assertEquals("capacity = 0: expected >= 1", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ElementType.class)
    void appendAndDecodeAllocateNothingOnceWarm(ElementType type) {
        Kernel kernel = TestSupport.kernels()[0];
        int kvHeads = 2, d = 64, capacity = 4096;
        KvCache cache = KvCache.builder().kvHeads(kvHeads).headDim(d).capacity(capacity).type(type).build();
        AttentionSpec decode = AttentionSpec.builder().queryLength(1).keyLength(1).heads(8).kvHeads(kvHeads).headDim(d)
                .causal(true).build();
        SplittableRandom random = new SplittableRandom(3);
        float[] row = new float[kvHeads * d], q = new float[8 * d], out = new float[8 * d];
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) random.nextGaussian();
        }
        Tensor kv = Tensor.bshd(row, 1, kvHeads, d), query = Tensor.bshd(q, 1, 8, d), o = Tensor.bshd(out, 1, 8, d);
        try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(1).build()) {
            // The scalar kernel (CI's run without the vector module) warms up to half the length, a quarter of the
            // work: it boxes no vectors, so it needs no long warm-up, and at full length its bfloat16/float16/int8
            // decode took 87 s. Always 500 measured steps: a one-time allocation (a JIT event) stays under 1 B/step.
            int lengths = kernel == Kernel.SCALAR ? 1000 : 2000, steps = 500;
            for (int round = 0; round < 4; round++) { // warm: every length up to `lengths` has its spec, C2 compiled
                cache.clear();
                for (int i = 0; i < lengths; i++) {
                    cache.append(kv, kv, 1);
                    engine.forward(cache.spec(decode), query, cache.keys(), cache.values(), o);
                }
            }
            cache.truncate(lengths - steps);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < steps; i++) {
                cache.append(kv, kv, 1);
                engine.forward(cache.spec(decode), query, cache.keys(), cache.values(), o);
            }
            long perStep = (THREADS.getCurrentThreadAllocatedBytes() - before) / steps;
            System.out.printf("KvCacheTest %s %s: %d B per append + decode step%n", type, kernel, perStep);
            assertEquals(0, perStep, "bytes per append + decode step");
        }
    }
}
