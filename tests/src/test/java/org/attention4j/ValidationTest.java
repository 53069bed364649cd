package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every validation rule: the exception is an IllegalArgumentException whose message names the argument,
 * and the outputs are left untouched (they hold a sentinel before the call and after it).
 */
class ValidationTest {
    private static final int L = 10, H = 4, HKV = 2, D = 8;
    private static final AttentionSpec SPEC = AttentionSpec.builder().length(L).heads(H).kvHeads(HKV).headDim(D).build();
    private static final AttentionEngine ENGINE = AttentionEngine.create(2);

    private final float[] q = new float[L * H * D];
    private final float[] k = new float[L * HKV * D];
    private final float[] v = new float[L * HKV * D];
    private final float[] o = sentinel(L * H * D);
    private final float[] lse = sentinel(H * L);

    @AfterAll
    static void close() {
        ENGINE.close();
    }

    private static float[] sentinel(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 123f);
        return a;
    }

    /** Calls forward with the standard arguments, changed by {@code change}; asserts message and outputs. */
    private void assertRejected(String expectedName, Consumer<Args> change) {
        Args a = new Args();
        change.accept(a);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ENGINE.forward(a.spec, a.q, a.k, a.v, a.out, a.lse));
        assertTrue(e.getMessage().contains(expectedName), "message names " + expectedName + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("expected"), "message says what was expected: " + e.getMessage());
        assertArrayEquals(sentinel(o.length), o, "out untouched");
        assertArrayEquals(sentinel(lse.length), lse, "lse untouched");
    }

    private final class Args {
        AttentionSpec spec = SPEC;
        Tensor q = Tensor.bshd(ValidationTest.this.q, L, H, D);
        Tensor k = Tensor.bshd(ValidationTest.this.k, L, HKV, D);
        Tensor v = Tensor.bshd(ValidationTest.this.v, L, HKV, D);
        Tensor out = Tensor.bshd(o, L, H, D);
        Tensor lse = Tensor.lse(ValidationTest.this.lse, H, L);
    }

    @Test
    void validArgumentsPass() {
        Args a = new Args();
        ENGINE.forward(a.spec, a.q, a.k, a.v, a.out, a.lse);
    }

    @Test
    void nulls() {
        assertRejected("spec", a -> a.spec = null);
        assertRejected("q", a -> a.q = null);
        assertRejected("k", a -> a.k = null);
        assertRejected("v", a -> a.v = null);
        assertRejected("out", a -> a.out = null);
    }

    @Test
    void specFields() {
        assertSpec("batch", b -> b.batch(0));
        assertSpec("queryLength", b -> b.queryLength(-1));
        assertSpec("keyLength", b -> b.keyLength(-5));
        assertSpec("heads", b -> b.heads(0));
        assertSpec("kvHeads", b -> b.kvHeads(0));
        assertSpec("kvHeads", b -> b.heads(6).kvHeads(4));
        assertSpec("headDim", b -> b.headDim(0));
        assertSpec("headDim", b -> b.headDim(257));
        assertSpec("scale", b -> b.scale(Float.NaN));
        assertSpec("scale", b -> b.scale(Float.POSITIVE_INFINITY));
        assertSpec("scale", b -> b.scale(Float.NEGATIVE_INFINITY));
        assertRejectedEngine("threads", () -> AttentionEngine.create(0));
    }

    private static void assertSpec(String name, Consumer<AttentionSpec.Builder> change) {
        AttentionSpec.Builder b = SPEC.toBuilder();
        change.accept(b);
        assertRejectedEngine(name, b::build);
    }

    private static void assertRejectedEngine(String name, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("expected"), e.getMessage());
    }

    @Test
    void boundsOfEveryTensor() {
        assertRejected("q", a -> a.q = Tensor.bshd(new float[q.length - 1], L, H, D));
        assertRejected("k", a -> a.k = Tensor.of(k, 1, L * HKV * D, HKV * D, D));
        assertRejected("v", a -> a.v = Tensor.of(v, 0, 0, HKV * D + 1, D));
        assertRejected("out", a -> a.out = Tensor.of(o, 0, 0, H * D, D + 1));
        assertRejected("lse", a -> a.lse = Tensor.lse(new float[H * L - 1], H, L));
        assertRejected("q", a -> a.q = Tensor.of(q, -1, 0, H * D, D));
        assertRejected("k", a -> a.k = Tensor.of(k, 0, 0, -D, D));
        assertRejected("q", a -> a.q = Tensor.of(q, 0, 0, Long.MAX_VALUE / 2, D)); // overflow, not a wrap
        assertRejected("q", a -> a.q = Tensor.bshd(MemorySegment.ofArray(new float[q.length]).asSlice(4), L, H, D));
    }

    @Test
    void outputsMustNotOverlapInputsOrEachOther() {
        assertRejected("overlaps", a -> a.out = Tensor.bshd(q, L, H, D));
        assertRejected("overlaps", a -> a.lse = Tensor.lse(o, H, L));
        float[] packed = new float[L * (H + 2 * HKV) * D]; // a packed QKV buffer: out inside it is rejected
        assertRejected("overlaps", a -> {
            a.q = Tensor.of(packed, 0, 0, (H + 2 * HKV) * D, D);
            a.out = Tensor.of(packed, H * D, 0, (H + 2 * HKV) * D, D);
        });
        assertRejected("out", a -> a.out = Tensor.of(o, 0, 0, 0, D)); // every row on the same memory
        assertRejected("out", a -> a.out = Tensor.of(o, 0, 0, H * D, D / 2)); // heads overlap
        assertRejected("lse", a -> a.lse = Tensor.of(lse, 0, 0, 0, 1));
    }

    @Test
    void readOnlyAndClosedSegments() {
        assertRejected("read-only", a -> a.out = Tensor.bshd(MemorySegment.ofArray(new float[o.length]).asReadOnly(),
                L, H, D));
        Arena arena = Arena.ofConfined();
        MemorySegment closed = arena.allocate((long) q.length * Float.BYTES);
        arena.close();
        assertRejected("closed", a -> a.q = Tensor.bshd(closed, L, H, D));
    }

    @Test
    void closedEngine() {
        AttentionEngine e = AttentionEngine.create(1);
        e.close();
        Args a = new Args();
        IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> e.forward(a.spec, a.q, a.k, a.v, a.out, a.lse));
        assertTrue(ex.getMessage().contains("closed"));
        assertArrayEquals(sentinel(o.length), o);
    }
}
