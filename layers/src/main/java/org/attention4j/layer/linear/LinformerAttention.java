package org.attention4j.layer.linear;

import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.attention4j.kernel.ForwardArguments;
import org.attention4j.layer.Gemm;

/**
 * Linformer attention (Wang et al., "Linformer: Self-Attention with Linear Complexity", arXiv
 * 2006.04768): an <em>approximation</em> of softmax attention that projects the sequence axis of the
 * keys and values down to {@code k_proj} rows, then runs exact attention against those:
 * <pre>
 *   K' = E·K,  V' = F·V          E, F: [k_proj × n], per key/value head (one E, F shared by all heads)
 *   O  = softmax(Q·K'ᵀ·scale)·V'  (the engine's flash kernel, keyLength = k_proj)
 * </pre>
 * Time O(n·k_proj·D) per head, memory O(k_proj·D) per head beyond the caller's tensors. E and F are
 * normally learned with the model; {@link #randomProjection} draws the seeded Gaussian ones of the
 * paper's analysis. With {@code k_proj = n} and {@code E = F = I} it is exact attention.
 *
 * <p>Non-causal only: each projected row mixes all n positions, future tokens included, so no causal
 * mask can be applied after the projection. Causal specs and sliding windows are rejected.
 *
 * <p>Thread-safe. The attention step uses {@code threads} threads (see {@link AttentionEngine}).
 *
 * @since 0.1
 */
public final class LinformerAttention implements ApproximateAttention, AutoCloseable {
    private final int projectedLength;
    private final int keyLength;
    private final float[] e;
    private final float[] f;
    private final Gemm gemm;
    private final AttentionEngine engine;
    private volatile boolean closed;

    private LinformerAttention(int projectedLength, int keyLength, float[] e, float[] f, int threads) {
        if (projectedLength < 1) {
            throw new IllegalArgumentException("projectedLength = " + projectedLength + ": expected >= 1 (k_proj)");
        }
        if (keyLength < 1) {
            throw new IllegalArgumentException("keyLength = " + keyLength + ": expected >= 1 (n, the columns of E and F)");
        }
        requireShape("e", e, projectedLength, keyLength);
        requireShape("f", f, projectedLength, keyLength);
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ": expected >= 1");
        }
        this.projectedLength = projectedLength;
        this.keyLength = keyLength;
        this.e = e.clone();
        this.f = f.clone();
        this.gemm = Gemm.create(1);
        this.engine = AttentionEngine.create(threads);
    }

    private static void requireShape(String name, float[] matrix, int rows, int columns) {
        long expected = (long) rows * columns;
        if (matrix == null) {
            throw new IllegalArgumentException(name + " = null: expected a [" + rows + " × " + columns + "] matrix");
        }
        if (matrix.length != expected) {
            throw new IllegalArgumentException(name + ".length = " + matrix.length + ": expected projectedLength · "
                    + "keyLength = " + rows + " · " + columns + " = " + expected + " (row-major [k_proj × n])");
        }
    }

    /**
     * Projections {@code e}, {@code f} (row-major {@code [projectedLength × keyLength]}, copied) for
     * sequences of exactly {@code keyLength} keys; the attention step runs on one thread.
     *
     * @param projectedLength k_proj, the rows of E and F
     * @param keyLength n, the columns of E and F: the key length of every spec it runs
     * @param e the key projection E
     * @param f the value projection F
     * @return the attention, with its own GEMM and engine
     * @throws IllegalArgumentException when a size is below 1, or {@code e}, {@code f} are null or not
     *         {@code projectedLength · keyLength} floats
     */
    public static LinformerAttention create(int projectedLength, int keyLength, float[] e, float[] f) {
        return new LinformerAttention(projectedLength, keyLength, e, f, 1);
    }

    /**
     * As {@link #create(int, int, float[], float[])}, the attention step on {@code threads} threads.
     *
     * @param projectedLength k_proj, the rows of E and F
     * @param keyLength n, the columns of E and F
     * @param e the key projection E
     * @param f the value projection F
     * @param threads threads of the attention step, at least 1
     * @return the attention
     * @throws IllegalArgumentException as the one-thread form, or when {@code threads < 1}
     */
    public static LinformerAttention create(int projectedLength, int keyLength, float[] e, float[] f, int threads) {
        return new LinformerAttention(projectedLength, keyLength, e, f, threads);
    }

    /**
     * A seeded random projection {@code [projectedLength × keyLength]} with entries {@code N(0, 1/k_proj)},
     * the Johnson–Lindenstrauss scaling of the paper's analysis (section 4). Same seed, same bits.
     *
     * @param projectedLength k_proj, the rows
     * @param keyLength n, the columns
     * @param seed the seed of the draws
     * @return a new row-major matrix
     * @throws IllegalArgumentException when a size is below 1
     */
    public static float[] randomProjection(int projectedLength, int keyLength, long seed) {
        if (projectedLength < 1) {
            throw new IllegalArgumentException("projectedLength = " + projectedLength + ": expected >= 1 (k_proj)");
        }
        if (keyLength < 1) {
            throw new IllegalArgumentException("keyLength = " + keyLength + ": expected >= 1");
        }
        Gaussians gaussians = new Gaussians(seed);
        double sd = 1.0 / Math.sqrt(projectedLength);
        float[] matrix = new float[Math.multiplyExact(projectedLength, keyLength)];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) (gaussians.next() * sd);
        }
        return matrix;
    }

    /**
     * @throws IllegalArgumentException when a tensor does not fit {@code spec}, {@code spec} is causal or
     *         has a sliding window, or {@code spec.keyLength()} is not this projection's n; nothing is written
     * @throws IllegalStateException when this object is closed
     */
    @Override
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out) {
        if (closed) {
            throw new IllegalStateException("this LinformerAttention is closed: create a new one");
        }
        ForwardArguments.check(spec, q, k, v, out, null);
        if (spec.causal()) {
            throw new IllegalArgumentException("spec.causal() = true: expected false: Linformer attention cannot "
                    + "be causal (its projections E·K and F·V mix every position, future tokens included)");
        }
        if (spec.hasWindow()) {
            throw new IllegalArgumentException("spec.window = (" + spec.windowLeft() + ", " + spec.windowRight()
                    + "): Linformer attention does not support a sliding window: expected none");
        }
        if (spec.keyLength() != keyLength) {
            throw new IllegalArgumentException("spec.keyLength() = " + spec.keyLength() + ": expected " + keyLength
                    + " (the columns n of this Linformer's E and F)");
        }
        if (spec.queryLength() == 0) {
            return;
        }
        int kvHeads = spec.kvHeads(), dim = spec.headDim(), valueDim = spec.valueHeadDim();
        float[] keysPrime = new float[Tensor.elements(spec.batch(), projectedLength, kvHeads, dim)];
        float[] valuesPrime = new float[Tensor.elements(spec.batch(), projectedLength, kvHeads, valueDim)];
        float[] rows = new float[Tensor.elements(1, keyLength, 1, Math.max(dim, valueDim))];
        for (int b = 0; b < spec.batch(); b++) {
            for (int h = 0; h < kvHeads; h++) {
                int at = (b * projectedLength * kvHeads + h) * dim; // row 0 of (b, h) in BSHD [batch, k_proj, kvHeads, D]
                HeadRows.read(k, b, h, 0, keyLength, dim, rows);
                gemm.multiply(projectedLength, dim, keyLength, e, 0, keyLength, rows, 0, dim, keysPrime, at,
                        kvHeads * dim, false);
                int valuesAt = (b * projectedLength * kvHeads + h) * valueDim;
                HeadRows.read(v, b, h, 0, keyLength, valueDim, rows);
                gemm.multiply(projectedLength, valueDim, keyLength, f, 0, keyLength, rows, 0, valueDim, valuesPrime,
                        valuesAt, kvHeads * valueDim, false);
            }
        }
        AttentionSpec projected = spec.toBuilder().keyLength(projectedLength).build();
        engine.forward(projected, q, Tensor.bshd(keysPrime, projectedLength, kvHeads, dim),
                Tensor.bshd(valuesPrime, projectedLength, kvHeads, valueDim), out);
    }

    /** {@return k_proj, the projected key length} */
    public int projectedLength() {
        return projectedLength;
    }

    /** {@return n, the key length E and F accept} */
    public int keyLength() {
        return keyLength;
    }

    @Override
    public String describe() {
        return "linformer k_proj=" + projectedLength;
    }

    /** Stops the GEMM's and the engine's worker threads; later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        gemm.close();
        engine.close();
    }

    @Override
    public String toString() {
        return "LinformerAttention[projectedLength=" + projectedLength + ", keyLength=" + keyLength + "]";
    }
}
