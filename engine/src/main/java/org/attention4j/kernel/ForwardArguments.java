package org.attention4j.kernel;

import org.attention4j.AttentionSpec;
import org.attention4j.ElementType;
import org.attention4j.Tensor;

/**
 * Checks one forward call's arguments before anything is written: null, bounds, liveness, writability,
 * self-overlap of the outputs and overlap of the outputs with the inputs. Every failure is an
 * {@link IllegalArgumentException} that names the argument, its value and what was expected. Shared by
 * every implementation of the forward contract (the engine, the naive peer, the linear approximations);
 * public for them, in a package the module does not export: not API.
 */
public final class ForwardArguments {
    private ForwardArguments() {}

    /**
     * @param lse may be null (no log-sum-exp output)
     * @throws IllegalArgumentException naming the first argument that does not fit {@code spec}
     */
    public static void check(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse) {
        requireNonNull(spec, "spec");
        requireNonNull(q, "q");
        requireNonNull(k, "k");
        requireNonNull(v, "v");
        requireNonNull(out, "out");
        requireFloat32("q", q);
        requireFloat32("out", out);
        int d = spec.headDim(), dv = spec.valueHeadDim();
        long qMax = lastIndex("q", q, spec.batch(), spec.queryLength(), spec.heads(), d);
        long kMax = lastIndex("k", k, spec.batch(), spec.keyLength(), spec.kvHeads(), d);
        long vMax = lastIndex("v", v, spec.batch(), spec.keyLength(), spec.kvHeads(), dv);
        long oMax = lastIndex("out", out, spec.batch(), spec.queryLength(), spec.heads(), dv);
        requireWritableWithoutSelfOverlap("out", out, spec.batch(), spec.queryLength(), spec.heads(), dv);
        requireDisjoint("out", out, oMax, "q", q, qMax);
        requireDisjoint("out", out, oMax, "k", k, kMax);
        requireDisjoint("out", out, oMax, "v", v, vMax);
        requireDisjointScales("out", out, oMax, "k scales", k, spec);
        requireDisjointScales("out", out, oMax, "v scales", v, spec);
        if (lse != null) {
            requireFloat32("lse", lse);
            long lMax = lastIndex("lse", lse, spec.batch(), spec.queryLength(), spec.heads(), 1);
            requireWritableWithoutSelfOverlap("lse", lse, spec.batch(), spec.queryLength(), spec.heads(), 1);
            requireDisjoint("lse", lse, lMax, "q", q, qMax);
            requireDisjoint("lse", lse, lMax, "k", k, kMax);
            requireDisjoint("lse", lse, lMax, "v", v, vMax);
            requireDisjoint("lse", lse, lMax, "out", out, oMax);
            requireDisjointScales("lse", lse, lMax, "k scales", k, spec);
            requireDisjointScales("lse", lse, lMax, "v scales", v, spec);
        }
    }

    /**
     * That {@code t} is live and, with its offset and strides, holds shape {@code [batch, seq, heads, dim]}
     * (the check {@link #check} makes of every tensor), for other writers of tensors ({@code KvCache}).
     *
     * @throws IllegalArgumentException naming {@code name}, the shape and what it reaches
     */
    public static void requireFits(String name, Tensor t, int batch, int seq, int heads, int dim) {
        lastIndex(name, t, batch, seq, heads, dim);
    }

    /**
     * For implementations that read float32 keys and values only (the linear approximations, the
     * attention-weight export): the element-type check {@link #check} does not make.
     */
    public static void requireFloat32(String name, Tensor t) {
        if (t != null && t.type() != ElementType.FLOAT32) {
            throw new IllegalArgumentException(name + ": element type " + t.type() + ": expected FLOAT32 ("
                    + ("q".equals(name) || "out".equals(name) || "lse".equals(name)
                    ? "queries and outputs are float32; keys and values may be BFLOAT16, FLOAT16 or INT8)"
                    : "this computation reads float32 tensors only)"));
        }
    }

    /**
     * An int8 view's scales: live, within their memory, and not overwritten by an output. The names are
     * literals: validation runs on every call and allocates nothing.
     */
    private static void requireDisjointScales(String outName, Tensor out, long outLast, String scalesName, Tensor in,
                                              AttentionSpec spec) {
        Tensor scales = in.scales();
        if (scales == null) {
            return;
        }
        long last = lastIndex(scalesName, scales, spec.batch(), spec.keyLength(), spec.kvHeads(), 1);
        requireDisjoint(outName, out, outLast, scalesName, scales, last);
    }

    /**
     * The checks of {@link #check} that concern only Q and K, for readers that need no V or output
     * ({@code AttentionWeights}): both non-null, live, and within their memory for {@code spec}'s shape.
     */
    public static void checkQueriesAndKeys(AttentionSpec spec, Tensor q, Tensor k) {
        requireNonNull(spec, "spec");
        requireNonNull(q, "q");
        requireNonNull(k, "k");
        lastIndex("q", q, spec.batch(), spec.queryLength(), spec.heads(), spec.headDim());
        lastIndex("k", k, spec.batch(), spec.keyLength(), spec.kvHeads(), spec.headDim());
        requireFloat32("q", q);
        requireFloat32("k", k);
    }

    private static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " = null: expected a non-null value");
        }
    }

    /**
     * The last element index the view touches for shape {@code [batch, seq, heads, dim]}, checked against
     * the segment; −1 when the shape is empty (nothing is read or written).
     */
    private static long lastIndex(String name, Tensor t, int batch, int seq, int heads, int dim) {
        if (!t.segment().scope().isAlive()) {
            throw new IllegalArgumentException(name + ": its memory segment is closed: expected a live segment");
        }
        if (seq == 0) {
            return -1;
        }
        if (t.offset() < 0 || t.batchStride() < 0 || t.seqStride() < 0 || t.headStride() < 0) {
            throw new IllegalArgumentException(name + ": offset " + t.offset() + " and strides (batch, seq, head) = ("
                    + t.batchStride() + ", " + t.seqStride() + ", " + t.headStride() + "): expected all >= 0");
        }
        long capacity = t.segment().byteSize() / t.type().byteSize();
        long last;
        try {
            last = Math.addExact(t.offset(), Math.addExact(Math.multiplyExact(batch - 1L, t.batchStride()),
                    Math.addExact(Math.multiplyExact(seq - 1L, t.seqStride()),
                            Math.addExact(Math.multiplyExact(heads - 1L, t.headStride()), dim - 1L))));
        } catch (ArithmeticException overflow) {
            last = Long.MAX_VALUE;
        }
        if (last >= capacity) {
            throw new IllegalArgumentException(name + ": shape [" + batch + ", " + seq + ", " + heads + ", " + dim
                    + "] with offset " + t.offset() + " and strides (batch, seq, head) = (" + t.batchStride() + ", "
                    + t.seqStride() + ", " + t.headStride() + ") reaches element index " + last
                    + ": expected < " + capacity + " (the " + t.type() + " elements it holds)");
        }
        return last;
    }

    /** Outputs must be writable and no two output elements may share memory (else a silent wrong answer). */
    private static void requireWritableWithoutSelfOverlap(String name, Tensor t, int batch, int seq, int heads,
                                                          int dim) {
        if (t.segment().isReadOnly()) {
            throw new IllegalArgumentException(name + ": its memory segment is read-only: expected a writable one");
        }
        if (seq == 0) {
            return;
        }
        // Visit the three outer dimensions by increasing stride; each one that repeats must step over
        // the whole span of the ones inside it (sufficient for no overlap; all standard layouts pass).
        // Written without arrays or a comparator: validation runs on every call and allocates nothing.
        long span = dim;
        boolean batchDone = false, seqDone = false, headDone = false;
        for (int step = 0; step < 3; step++) {
            long stride = Long.MAX_VALUE;
            int pick = -1;
            if (!batchDone && t.batchStride() <= stride) { stride = t.batchStride(); pick = 0; }
            if (!seqDone && t.seqStride() <= stride) { stride = t.seqStride(); pick = 1; }
            if (!headDone && t.headStride() <= stride) { stride = t.headStride(); pick = 2; }
            long count = pick == 0 ? batch : pick == 1 ? seq : heads;
            batchDone |= pick == 0;
            seqDone |= pick == 1;
            headDone |= pick == 2;
            if (count > 1) {
                if (stride < span) {
                    throw new IllegalArgumentException(name + ": strides (batch, seq, head) = (" + t.batchStride()
                            + ", " + t.seqStride() + ", " + t.headStride() + ") make output elements overlap: "
                            + "expected each stride >= the span of the dimensions inside it (" + span + ")");
                }
                span = stride * (count - 1) + span;
            }
        }
    }

    private static void requireDisjoint(String outName, Tensor out, long outLast, String inName, Tensor in,
                                        long inLast) {
        if (outLast < 0 || inLast < 0 || !sameMemory(out, in)) {
            return;
        }
        int outBytes = out.type().byteSize(), inBytes = in.type().byteSize();
        long outStart = out.segment().address() + out.offset() * outBytes;
        long outEnd = out.segment().address() + (outLast + 1) * outBytes;
        long inStart = in.segment().address() + in.offset() * inBytes;
        long inEnd = in.segment().address() + (inLast + 1) * inBytes;
        if (outStart < inEnd && inStart < outEnd) {
            throw new IllegalArgumentException(outName + " overlaps " + inName + " (bytes [" + outStart + ", " + outEnd
                    + ") and [" + inStart + ", " + inEnd + ") of the same memory): expected separate memory");
        }
    }

    /** Heap segments share memory when they wrap the same array; native ones share one address space. */
    private static boolean sameMemory(Tensor a, Tensor b) {
        if (a.segment().isNative() != b.segment().isNative()) {
            return false;
        }
        return a.segment().isNative() || a.heapBase() == b.heapBase(); // outputs are writable: never null
    }
}
