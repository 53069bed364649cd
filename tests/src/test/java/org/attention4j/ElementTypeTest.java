package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Problem;
import org.attention4j.TestSupport.Storage;
import org.attention4j.kernel.NarrowRows;
import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.KernelProvider;
import org.attention4j.kernel.Widening;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keys and values stored as bfloat16, float16 or int8 (issue 22) against the float64 reference computed
 * on the same, dequantized, inputs (so the only difference is float32 arithmetic): the 1e-5 rule of the
 * float32 kernels, both kernels, both layouts, heap and native memory, MHA/GQA/MQA, every score variant,
 * the row-by-row decode path and its split over the keys, varlen. Then the widening itself, bit for bit
 * against the JDK's conversions on every 16-bit pattern, and the arguments the engine refuses.
 */
class ElementTypeTest {
    static final ElementType[] SMALL_TYPES = {ElementType.BFLOAT16, ElementType.FLOAT16, ElementType.INT8};

    enum Variant { PLAIN, CAUSAL, WINDOW, SOFTCAP_ALIBI, MASKS, DECODE, SPLIT_DECODE }

    static List<Object[]> cases() {
        // B, Lq, Lk, H, Hkv, D, Dv: MHA, GQA with Lq < Lk, MQA with Lq > Lk and odd sizes
        int[][] shapes = {{2, 70, 70, 2, 2, 64, 64}, {1, 37, 203, 4, 2, 32, 48}, {1, 150, 96, 3, 1, 59, 59}};
        List<Object[]> cases = new ArrayList<>();
        int index = 0;
        for (Kernel kernel : TestSupport.kernels()) {
            for (ElementType type : SMALL_TYPES) {
                for (Variant variant : Variant.values()) {
                    int[] shape = shapes[index % shapes.length];
                    cases.add(new Object[] {kernel, type, variant, shape, index++});
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {1} {2} shape={3}")
    @MethodSource("cases")
    void matchesTheReferenceOnTheDequantizedInputs(Kernel kernel, ElementType type, Variant variant, int[] shape,
                                                   int index) {
        SplittableRandom random = new SplittableRandom(index);
        AttentionSpec.Builder builder = AttentionSpec.builder().batch(shape[0]).queryLength(shape[1])
                .keyLength(shape[2]).heads(shape[3]).kvHeads(shape[4]).headDim(shape[5]).valueHeadDim(shape[6]);
        AttentionMask mask = null;
        switch (variant) {
            case PLAIN -> { }
            case CAUSAL -> builder.causal(true);
            case WINDOW -> builder.window(20, 5);
            case SOFTCAP_ALIBI -> builder.softcap(2f).alibiSlopes(AttentionSpec.standardAlibiSlopes(shape[3]))
                    .causal(true);
            case MASKS -> mask = VariantsTest.keyPadding(shape[0], shape[2], random);
            case DECODE -> builder.queryLength(1).causal(true);
            case SPLIT_DECODE -> builder.batch(1).queryLength(1).keyLength(9000).kvHeads(1).causal(true);
        }
        AttentionSpec spec = builder.build();
        Layout layout = Layout.values()[index % 2];
        Storage storage = index % 3 == 2 ? Storage.NATIVE_SEGMENT : Storage.ARRAY;
        Problem fp32 = TestSupport.problem(new Case(spec, layout, Storage.ARRAY, true, 1f, index));
        Tensor k = typed("k", fp32.k, spec, spec.headDim(), type, layout, storage);
        Tensor v = typed("v", fp32.v, spec, spec.valueHeadDim(), type, layout, storage);
        Problem p = new Problem(fp32.c, fp32.q, k, v, fp32.out, fp32.lse);
        try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
            engine.forward(spec, p.q, k, v, p.out, p.lse, mask, Long.MAX_VALUE);
        }
        TestSupport.compare(p, ReferenceAttention.compute(spec, mask, p.q, k, v));
    }

    @ParameterizedTest
    @EnumSource(value = ElementType.class, names = {"BFLOAT16", "FLOAT16", "INT8"})
    void varlenReadsTheSmallerTypes(ElementType type) {
        int[] lengths = {5, 40, 1, 77};
        int[] cu = new int[lengths.length + 1];
        for (int s = 0; s < lengths.length; s++) {
            cu[s + 1] = cu[s] + lengths[s];
        }
        int total = cu[lengths.length];
        AttentionSpec packed = AttentionSpec.builder().length(total).heads(4).kvHeads(2).headDim(32).causal(true)
                .build();
        Problem fp32 = TestSupport.problem(new Case(packed, Layout.BSHD, Storage.ARRAY, false, 1f, 7));
        Tensor k = typed("k", fp32.k, packed, 32, type, Layout.BSHD, Storage.ARRAY);
        Tensor v = typed("v", fp32.v, packed, 32, type, Layout.BSHD, Storage.ARRAY);
        for (Kernel kernel : TestSupport.kernels()) {
            try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
                engine.forwardVarlen(packed, cu, cu, fp32.q, k, v, fp32.out, null);
            }
            for (int s = 0; s < lengths.length; s++) {
                AttentionSpec one = packed.toBuilder().length(lengths[s]).build();
                Problem part = new Problem(new Case(one, Layout.BSHD, Storage.ARRAY, false, 1f, 7),
                        fp32.q.fromPosition(cu[s]), k.fromPosition(cu[s]), v.fromPosition(cu[s]),
                        fp32.out.fromPosition(cu[s]), null);
                TestSupport.compare(part, ReferenceAttention.compute(one, part.q, part.k, part.v));
            }
        }
    }

    static List<Object[]> narrowDecodeCases() {
        List<Object[]> cases = new ArrayList<>();
        int index = 0;
        for (Kernel kernel : TestSupport.kernels()) {
            for (ElementType type : SMALL_TYPES) {
                for (int group : new int[] {1, 3, 4, 5, 8}) { // the four-row and one-row loops, alone and together
                    cases.add(new Object[] {kernel, type, group, index % 2 == 0 ? 128 : 59, index});
                    index++;
                }
            }
        }
        return cases;
    }

    /**
     * Decode over bfloat16/float16/int8 rows in Java arrays: the kernels that widen them in registers
     * (every row count, head sizes with and without tail dims, Dv ≠ D, three key blocks and a short one,
     * both layouts, a window or a soft-cap on some), against the reference on the dequantized inputs.
     */
    @ParameterizedTest(name = "{0} {1} group={2} D={3}")
    @MethodSource("narrowDecodeCases")
    void decodeWidensNarrowRowsAsItReadsThem(Kernel kernel, ElementType type, int group, int headDim, int index) {
        AttentionSpec.Builder builder = AttentionSpec.builder().batch(1 + index % 2).queryLength(1).keyLength(611)
                .heads(2 * group).kvHeads(2).headDim(headDim).valueHeadDim(index % 3 == 0 ? 48 : headDim).causal(true);
        if (index % 5 == 1) {
            builder.window(300, 0);
        } else if (index % 5 == 3) {
            builder.softcap(3f);
        }
        AttentionSpec spec = builder.build();
        Layout layout = Layout.values()[index % 2];
        Problem fp32 = TestSupport.problem(new Case(spec, layout, Storage.ARRAY, true, 1f, index));
        Tensor k = typed("k", fp32.k, spec, spec.headDim(), type, layout, Storage.ARRAY);
        Tensor v = typed("v", fp32.v, spec, spec.valueHeadDim(), type, layout, Storage.ARRAY);
        Problem p = new Problem(fp32.c, fp32.q, k, v, fp32.out, fp32.lse);
        try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(1 + index % 2).build()) {
            engine.forward(spec, p.q, k, v, p.out, p.lse, null, Long.MAX_VALUE);
        }
        TestSupport.compare(p, ReferenceAttention.compute(spec, null, p.q, k, v));
    }

    /**
     * The in-register widening of the decode kernels, pattern by pattern: every 16-bit pattern as a value
     * row element (one key with probability 1), every finite one as a key element (a one-hot query), every
     * int8 value with its scale; against the JDK's conversions.
     */
    @Test
    void narrowDecodeKernelsWidenEveryPattern() {
        int dim = 128, rows = 65536 / dim;
        short[] patterns = new short[65536];
        for (int i = 0; i < 65536; i++) {
            patterns[i] = (short) i;
        }
        byte[] bytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            bytes[i] = (byte) i;
        }
        for (TileOps ops : allOps()) {
            int keyBlock = ops.keyBlock(); // row-major scores and probabilities, keyBlock floats a row
            for (ElementType type : SMALL_TYPES) {
                int n = type == ElementType.INT8 ? 64 : dim, count = type == ElementType.INT8 ? 4 : rows;
                float[] all = type == ElementType.INT8 ? new float[] {0.37f, 1f, -2f, 1e-3f} : null;
                float[] probs = new float[4 * keyBlock], alpha = new float[4], acc = new float[4 * n];
                float[] queries = new float[4 * n], scores = new float[4 * keyBlock];
                for (int c = 0; c < count; c++) { // row c of the patterns as key 0 of a call
                    NarrowRows narrow = new NarrowRows();
                    narrow.type = type;
                    narrow.shorts = type == ElementType.INT8 ? null : patterns;
                    narrow.bytes = type == ElementType.INT8 ? bytes : null;
                    narrow.stride = n;
                    narrow.first = c * n;
                    narrow.scales = all;
                    narrow.scaleFirst = c;
                    narrow.scaleStride = 1;
                    java.util.Arrays.fill(probs, 0f);
                    probs[2 * keyBlock] = 1f; // row 2 of four (the four-row loop) takes the key alone
                    java.util.Arrays.fill(acc, 0f);
                    ops.accumulateNarrowValueRows(probs, 4, 0, 1, alpha, narrow, n, acc);
                    boolean finiteRow = true;
                    for (int d = 0; d < n; d++) {
                        float expected = expectedElement(type, narrow, d);
                        finiteRow &= Float.isFinite(expected);
                        float actual = acc[2 * n + d];
                        assertTrue(expected == actual || Float.isNaN(expected) && Float.isNaN(actual),
                                ops.name() + " " + type + " value element " + (c * n + d) + ": expected " + expected
                                        + ", got " + actual);
                    }
                    for (int d = 0; finiteRow && d < n; d++) { // query row 1 picks dim d (0 · ∞ would be NaN)
                        java.util.Arrays.fill(queries, 0f);
                        queries[n + d] = 1f;
                        ops.scoreNarrowRows(queries, 4, n, narrow, 1, scores, null);
                        assertEquals(expectedElement(type, narrow, d), scores[keyBlock], 0f,
                                ops.name() + " " + type + " key element " + (c * n + d));
                    }
                }
            }
        }
    }

    private static float expectedElement(ElementType type, NarrowRows narrow, int d) {
        return switch (type) {
            case BFLOAT16 -> Float.intBitsToFloat(narrow.shorts[narrow.first + d] << 16);
            case FLOAT16 -> Float.float16ToFloat(narrow.shorts[narrow.first + d]);
            default -> narrow.bytes[narrow.first + d] * narrow.scales[narrow.scaleFirst];
        };
    }

    /** {@code src} (float32) converted to {@code type}, in the layout, on the heap or in native memory. */
    static Tensor typed(String name, Tensor src, AttentionSpec spec, int dim, ElementType type, Layout layout,
                        Storage storage) {
        Tensor heap = Widening.convert(name, src, spec.batch(), spec.keyLength(), spec.kvHeads(), dim, type,
                layout == Layout.BHSD);
        if (storage != Storage.NATIVE_SEGMENT) {
            return heap;
        }
        MemorySegment data = Arena.ofAuto().allocate(heap.segment().byteSize(), 64).copyFrom(heap.segment());
        if (type != ElementType.INT8) {
            return Tensor.of(type, data, heap.offset(), heap.batchStride(), heap.seqStride(), heap.headStride());
        }
        Tensor s = heap.scales();
        Tensor scales = Tensor.of(Arena.ofAuto().allocate(s.segment().byteSize(), 64).copyFrom(s.segment()),
                s.offset(), s.batchStride(), s.seqStride(), s.headStride());
        return Tensor.int8(data, heap.offset(), heap.batchStride(), heap.seqStride(), heap.headStride(), scales);
    }

    @Test
    void everyHalfPrecisionPatternWidensAsTheJdkConvertsIt() {
        MemorySegment all = MemorySegment.ofArray(new short[65536]);
        for (int i = 0; i < 65536; i++) {
            all.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) i);
        }
        for (TileOps ops : allOps()) {
            float[] bf16 = new float[65536 + 3], fp16 = new float[65536 + 3];
            // Odd offsets and lengths: the vector loop and its scalar tail both run.
            ops.widenRow(ElementType.BFLOAT16, all, 0, 1f, bf16, 3, 65536);
            ops.widenRow(ElementType.FLOAT16, all, 2, 1f, fp16, 4, 65535);
            for (int i = 0; i < 65536; i++) {
                assertSameFloat(Float.intBitsToFloat(i << 16), bf16[3 + i], ops.name() + " bf16 0x" + Integer.toHexString(i));
                if (i >= 1) {
                    assertSameFloat(Float.float16ToFloat((short) i), fp16[3 + i], ops.name() + " fp16 0x"
                            + Integer.toHexString(i));
                }
            }
        }
    }

    @Test
    void int8WidensWithItsScale() {
        MemorySegment all = MemorySegment.ofArray(new byte[256]);
        for (int i = 0; i < 256; i++) {
            all.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        for (TileOps ops : allOps()) {
            float[] out = new float[257];
            ops.widenRow(ElementType.INT8, all, 0, 0.37f, out, 1, 256);
            for (int i = 0; i < 256; i++) {
                assertSameFloat((byte) i * 0.37f, out[1 + i], ops.name() + " int8 " + (byte) i);
            }
        }
    }

    @Test
    void narrowingRoundsToNearestEvenAndRefusesWhatItCannotStore() {
        assertEquals((short) 0x3f80, Widening.floatToBfloat16(1f));
        assertEquals((short) 0x3f80, Widening.floatToBfloat16(Float.intBitsToFloat(0x3f808000))); // tie: to even
        assertEquals((short) 0x3f82, Widening.floatToBfloat16(Float.intBitsToFloat(0x3f818000))); // tie: to even
        assertEquals((short) 0x3f81, Widening.floatToBfloat16(Float.intBitsToFloat(0x3f808001)));
        assertTrue(Float.isNaN(Widening.bfloat16ToFloat(Widening.floatToBfloat16(Float.NaN))));
        MemorySegment row = MemorySegment.ofArray(new short[2]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Widening.narrowRow("v", new float[] {1f, 70000f}, 0, 2, ElementType.FLOAT16, row, 0));
        assertTrue(e.getMessage().startsWith("v: element 1 of a row is 70000.0: beyond float16's range"), e.getMessage());
        assertEquals(0, row.get(ValueLayout.JAVA_SHORT, 0), "nothing of the row is written");
        MemorySegment bytes = MemorySegment.ofArray(new byte[2]);
        assertThrows(IllegalArgumentException.class,
                () -> Widening.narrowRow("k", new float[] {1f, Float.NaN}, 0, 2, ElementType.INT8, bytes, 0));
        float scale = Widening.narrowRow("k", new float[] {-2.54f, 1f}, 0, 2, ElementType.INT8, bytes, 0);
        assertEquals(-127, bytes.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(50, bytes.get(ValueLayout.JAVA_BYTE, 1));
        assertEquals(2.54f / 127, scale, 1e-9);
    }

    @Test
    void queriesAndOutputsMustBeFloat32() {
        AttentionSpec spec = AttentionSpec.of(1, 8, 2, 16, false);
        Problem p = TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, false, 1f, 1));
        Tensor q16 = typed("q", p.q, spec, 16, ElementType.BFLOAT16, Layout.BSHD, Storage.ARRAY);
        Tensor out16 = Tensor.of(ElementType.FLOAT16, new short[8 * 2 * 16], 0, 8 * 2 * 16, 2 * 16, 16);
        try (AttentionEngine engine = AttentionEngine.create(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> engine.forward(spec, q16, p.k, p.v, p.out));
            assertTrue(e.getMessage().startsWith("q: element type BFLOAT16: expected FLOAT32 (queries and outputs"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> engine.forward(spec, p.q, p.k, p.v, out16));
            assertTrue(e.getMessage().startsWith("out: element type FLOAT16"), e.getMessage());
            Tensor shortK = Tensor.of(ElementType.BFLOAT16, new short[10], 0, 0, 0, 0);
            e = assertThrows(IllegalArgumentException.class, () -> engine.forward(spec, p.q, shortK, p.v, p.out));
            assertTrue(e.getMessage().contains("expected < 10 (the BFLOAT16 elements it holds)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(ElementType.INT8, MemorySegment.ofArray(new byte[4]),
                0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(ElementType.FLOAT32, new short[4], 0, 0, 0, 0));
    }

    private static List<TileOps> allOps() {
        return KernelProvider.vectorAvailable() ? List.of(KernelProvider.vector().tileOps(), KernelProvider.scalar().tileOps())
                : List.of(KernelProvider.scalar().tileOps());
    }

    private static void assertSameFloat(float expected, float actual, String what) {
        if (Float.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), what + ": expected NaN, got " + actual);
        } else {
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), what + ": expected "
                    + expected + ", got " + actual);
        }
    }
}
