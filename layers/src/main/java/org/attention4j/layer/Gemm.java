package org.attention4j.layer;

import java.util.concurrent.atomic.AtomicInteger;
import org.attention4j.Kernel;
import org.attention4j.kernel.KernelProvider;
import org.attention4j.kernel.gemm.GemmKernel;
import org.attention4j.kernel.gemm.GemmRunner;
import org.attention4j.kernel.gemm.PackedB;

/**
 * Single-precision matrix product {@code C[m×n] (+)= A[m×k]·B[k×n]} on row-major {@code float[]}
 * views with offsets and leading dimensions, as the projections of a self-attention layer need
 * (e.g. {@code QKV = X·W}).
 *
 * <pre>{@code
 * try (Gemm gemm = Gemm.create(2)) {
 *     // C = A·B, all dense: A 512×1024, B 1024×768, C 512×768
 *     gemm.multiply(512, 768, 1024, a, 0, 1024, b, 0, 768, c, 0, 768, false);
 * }
 * }</pre>
 *
 * <p>Packed and register-blocked (Goto/BLIS): B is packed in panels of NR columns and A in panels of
 * MR rows, cache blocks of KC depths keep a B panel in L1 and an A block in L2, and an MR × NR tile of
 * C stays in registers over a block. The Vector API kernel needs {@code --add-modules
 * jdk.incubator.vector}; without it a plain-Java kernel runs (see {@link Kernel}).
 *
 * <p>Thread-safe: any number of threads may call {@link #multiply} at once. A call runs on the calling
 * thread plus up to {@code threads − 1} of this object's own workers (created once, daemon), each
 * computing whole blocks of C; the result is bitwise identical for every thread count. Every argument
 * is validated before anything is written: a bad one throws {@link IllegalArgumentException} naming it,
 * and C is left untouched. After warm-up a call allocates nothing (packing buffers are pooled).
 *
 * @since 0.1
 */
public final class Gemm implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final GemmRunner runner;
    private final int threads;
    private final Kernel kernel;
    private volatile boolean closed;

    private Gemm(int threads, Kernel kernel) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ": expected >= 1");
        }
        if (kernel == null) {
            throw new IllegalArgumentException("kernel = null: expected AUTO, VECTOR or SCALAR");
        }
        KernelProvider provider = KernelProvider.of(kernel);
        GemmKernel chosen = provider.gemm();
        this.kernel = provider.kernel();
        this.threads = threads;
        this.runner = new GemmRunner(chosen, threads, "attention4j-gemm-" + IDS.incrementAndGet() + "-worker-");
    }

    /** {@return a Gemm with one thread per available processor and the best kernel of this JVM} */
    public static Gemm create() {
        return create(Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@return a Gemm with {@code threads} threads per call} (the caller's plus {@code threads − 1}
     * workers) and the best kernel
     *
     * @param threads at least 1
     * @throws IllegalArgumentException when {@code threads < 1}
     */
    public static Gemm create(int threads) {
        return create(threads, Kernel.AUTO);
    }

    /**
     * {@return a Gemm with {@code threads} threads per call and the given kernel}
     *
     * @param threads at least 1
     * @param kernel {@code AUTO}, {@code VECTOR} or {@code SCALAR}
     * @throws IllegalArgumentException when {@code threads < 1} or {@code kernel} is null
     * @throws IllegalStateException for {@link Kernel#VECTOR} in a JVM without {@code jdk.incubator.vector}
     */
    public static Gemm create(int threads, Kernel kernel) {
        return new Gemm(threads, kernel);
    }

    /**
     * {@code C = A·B}, or {@code C += A·B} with {@code accumulate}, where (row-major)
     * <pre>{@code
     *   A(i, p) = a[aOffset + i·lda + p]   i < m, p < k
     *   B(p, j) = b[bOffset + p·ldb + j]   p < k, j < n
     *   C(i, j) = c[cOffset + i·ldc + j]   i < m, j < n
     * }</pre>
     * Only those elements of {@code c} are written. {@code k = 0} gives {@code C = 0} (or leaves C as is
     * when accumulating); {@code m = 0} or {@code n = 0} does nothing.
     *
     * @param m rows of A and C
     * @param n columns of B and C
     * @param k columns of A, rows of B: the depth of the products
     * @param a A's floats
     * @param aOffset index of A(0, 0)
     * @param lda floats between rows of A, at least {@code max(1, k)}
     * @param b B's floats
     * @param bOffset index of B(0, 0)
     * @param ldb floats between rows of B, at least {@code max(1, n)}
     * @param c C's floats: only C's elements are written
     * @param cOffset index of C(0, 0)
     * @param ldc floats between rows of C, at least {@code max(1, n)}
     * @param accumulate add to C instead of overwriting it
     *
     * @throws IllegalArgumentException when a size is negative, an array is null, {@code lda < max(1, k)},
     *         {@code ldb} or {@code ldc < max(1, n)}, an offset or a matrix's last element lies outside its
     *         array, or C shares an element with A or B; nothing is written then
     * @throws IllegalStateException when this object is closed
     */
    public void multiply(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                         float[] c, int cOffset, int ldc, boolean accumulate) {
        if (closed) {
            throw new IllegalStateException("this Gemm is closed: create a new one");
        }
        GemmArguments.check(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        runner.multiply(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
    }

    /**
     * Packs {@code B[k × n]} (row p at {@code b[bOffset + p·ldb]}) once for this object's kernel, for a
     * right-hand operand used in many calls (a layer's weights): {@link #multiply(int, float[], int, int,
     * PackedMatrix, float[], int, int, boolean)} then skips packing it, which saves 10–15 % of a product
     * of a few hundred rows. The packed copy holds about {@code k·n} floats; later changes to {@code b}
     * do not reach it.
     *
     * @param b B's floats
     * @param bOffset index of B(0, 0)
     * @param ldb floats between rows of B, at least {@code max(1, n)}
     * @param k rows of B
     * @param n columns of B
     * @return the packed copy, usable with this Gemm and any other of the same kernel
     * @throws IllegalArgumentException as {@link #multiply} for B's arguments
     */
    public PackedMatrix pack(float[] b, int bOffset, int ldb, int k, int n) {
        GemmArguments.checkB(k, n, b, bOffset, ldb);
        return new PackedMatrix(PackedB.pack(runner.kernel(), b, bOffset, ldb, k, n));
    }

    /**
     * {@code C = A·B}, or {@code C += A·B} with {@code accumulate}, for a B packed by {@link #pack}
     * ({@code k} and {@code n} are the packed matrix's); bitwise the result of the unpacked call.
     *
     * @param m rows of A and C
     * @param a A's floats
     * @param aOffset index of A(0, 0)
     * @param lda floats between rows of A, at least {@code max(1, k)}
     * @param b B, packed by a Gemm of this kernel
     * @param c C's floats: only C's elements are written
     * @param cOffset index of C(0, 0)
     * @param ldc floats between rows of C, at least {@code max(1, n)}
     * @param accumulate add to C instead of overwriting it
     * @throws IllegalArgumentException as {@link #multiply}, or when {@code b} was packed by a Gemm with
     *         another kernel
     */
    public void multiply(int m, float[] a, int aOffset, int lda, PackedMatrix b, float[] c, int cOffset, int ldc,
                         boolean accumulate) {
        if (closed) {
            throw new IllegalStateException("this Gemm is closed: create a new one");
        }
        if (b == null || b.packed.kernel() != runner.kernel()) {
            throw new IllegalArgumentException("b = " + b + ": expected a matrix packed by a Gemm with kernel "
                    + kernelName());
        }
        int n = b.cols(), k = b.rows();
        GemmArguments.checkWithPackedB(m, n, k, a, aOffset, lda, c, cOffset, ldc);
        runner.multiply(m, a, aOffset, lda, b.packed, c, cOffset, ldc, accumulate);
    }

    /**
     * What {@link #multiply(int, float[], int, int, PackedMatrix, float[], float[], Activation, float[], int,
     * int)} applies last.
     *
     * @since 0.1
     */
    public enum Activation {
        /** none: {@code C = A·B + bias + residual} */
        NONE,
        /** the exact GELU of {@link #gelu} */
        GELU
    }

    /**
     * {@code C = activation(A·B + bias + residual)} for a B packed by {@link #pack}: a transformer layer's
     * linear step in one pass — the bias (length n, null: none), the residual (read at C's own indices:
     * {@code residual[cOffset + i·ldc + j]}, null: none) and the activation are applied to each block of
     * C by the thread that computed it, while it is in cache, instead of in passes of their own. C is
     * overwritten; the result is bitwise the same for every thread count.
     *
     * @param m rows of A and C
     * @param a A's floats
     * @param aOffset index of A(0, 0)
     * @param lda floats between rows of A, at least {@code max(1, k)}
     * @param b B, packed by a Gemm of this kernel
     * @param bias n floats added to every row, or null
     * @param residual an array read at C's indices and added, or null; not C itself
     * @param activation applied last
     * @param c C's floats: only C's elements are written
     * @param cOffset index of C(0, 0)
     * @param ldc floats between rows of C, at least {@code max(1, n)}
     * @throws IllegalArgumentException as {@link #multiply}, or when {@code bias} is shorter than n, the
     *         residual's region lies outside it or the residual is C itself
     */
    public void multiply(int m, float[] a, int aOffset, int lda, PackedMatrix b, float[] bias, float[] residual,
                         Activation activation, float[] c, int cOffset, int ldc) {
        if (closed) {
            throw new IllegalStateException("this Gemm is closed: create a new one");
        }
        if (b == null || b.packed.kernel() != runner.kernel()) {
            throw new IllegalArgumentException("b = " + b + ": expected a matrix packed by a Gemm with kernel "
                    + kernelName());
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation = null: expected NONE or GELU");
        }
        int n = b.cols(), k = b.rows();
        GemmArguments.checkWithPackedB(m, n, k, a, aOffset, lda, c, cOffset, ldc);
        if (bias != null) {
            range("bias", bias, 0, n);
        }
        if (residual != null) {
            if (residual == c) {
                throw new IllegalArgumentException("residual is c: expected another array (accumulate into C instead)");
            }
            if (m > 0 && n > 0) {
                range("residual", residual, cOffset, (long) (m - 1) * ldc + n);
            }
        }
        runner.multiply(m, a, aOffset, lda, b.packed, bias, residual, activation == Activation.GELU, c, cOffset, ldc);
    }

    /**
     * A right-hand operand packed once by {@link #pack} for one kernel. Immutable.
     *
     * @since 0.1
     */
    public static final class PackedMatrix {
        private final PackedB packed;

        private PackedMatrix(PackedB packed) {
            this.packed = packed;
        }

        /** {@return {@code k}: rows of B} */
        public int rows() {
            return packed.rows();
        }

        /** {@return {@code n}: columns of B} */
        public int cols() {
            return packed.cols();
        }

        /** {@return bytes of the packed copy} */
        public long bytes() {
            return packed.bytes();
        }

        @Override
        public String toString() {
            return "PackedMatrix[" + rows() + " x " + cols() + ", " + packed.kernel().name() + "]";
        }
    }

    /**
     * {@code C = A·B} for dense arrays: A is m×k, B k×n and C m×n, each from index 0.
     *
     * @param m rows of A and C
     * @param n columns of B and C
     * @param k columns of A, rows of B
     * @param a A, row-major
     * @param b B, row-major
     * @param c C, row-major: overwritten
     * @throws IllegalArgumentException as the full form
     */
    public void multiply(int m, int n, int k, float[] a, float[] b, float[] c) {
        multiply(m, n, k, a, 0, Math.max(1, k), b, 0, Math.max(1, n), c, 0, Math.max(1, n), false);
    }

    /**
     * The exact GELU in place on {@code x[offset .. offset + count)}: {@code ½·x·(1 + erf(x/√2))}, erf to
     * about 1e-7 (the feed-forward activation of BERT-family models), on this object's kernel, on the
     * calling thread.
     *
     * @param x the values
     * @param offset the first index
     * @param count the number of values
     * @throws IllegalArgumentException when the range lies outside {@code x}
     */
    public void gelu(float[] x, int offset, int count) {
        range("x", x, offset, count);
        runner.kernel().gelu(x, offset, offset + count);
    }

    /**
     * LayerNorm in place on {@code rows} rows of {@code width} floats from {@code x[offset]}:
     * {@code x = (x + residual − mean)/√(var + eps)·gamma + beta} per row (biased variance), with
     * {@code residual} (null: none) read at the same indices — BERT's post-norm "add and normalize".
     *
     * @param x the rows, normalized in place
     * @param residual added before normalizing, or null
     * @param offset index of the first row
     * @param rows the number of rows
     * @param width floats per row, at least 1
     * @param gamma {@code width} scales
     * @param beta {@code width} shifts
     * @param eps added to the variance, above 0 (BERT: 1e-12)
     * @throws IllegalArgumentException when a range lies outside its array or {@code gamma}/{@code beta}
     *         are shorter than {@code width}
     */
    public void layerNorm(float[] x, float[] residual, int offset, int rows, int width, float[] gamma, float[] beta,
                          double eps) {
        if (rows < 0 || width < 1) {
            throw new IllegalArgumentException("rows = " + rows + ", width = " + width + ": expected rows >= 0, width >= 1");
        }
        range("x", x, offset, (long) rows * width);
        if (residual != null) {
            range("residual", residual, offset, (long) rows * width);
        }
        range("gamma", gamma, 0, width);
        range("beta", beta, 0, width);
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps = " + eps + ": expected > 0");
        }
        for (int r = 0; r < rows; r++) {
            runner.kernel().layerNorm(x, residual, offset + r * width, width, gamma, beta, (float) eps);
        }
    }

    private static void range(String name, float[] array, int offset, long count) {
        if (array == null || offset < 0 || count < 0 || offset + count > array.length) {
            throw new IllegalArgumentException(name + (array == null ? " = null" : ".length = " + array.length)
                    + ", offset " + offset + ", " + count + " floats: expected the range inside the array");
        }
    }

    /** {@return threads a call may use} (including the caller's) */
    public int threads() {
        return threads;
    }

    /** {@return the kernel this object runs: {@link Kernel#VECTOR} or {@link Kernel#SCALAR}, never AUTO} */
    public Kernel kernel() {
        return kernel;
    }

    /** {@return the kernel and its micro-tile for reports}, e.g. {@code "vector-256 6x16"} or {@code "scalar 4x4"} */
    public String kernelName() {
        return runner.kernel().name();
    }

    /** Stops the worker threads; calls in flight finish. Later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        runner.close();
    }

    @Override
    public String toString() {
        return "Gemm[kernel=" + kernelName() + ", threads=" + threads + "]";
    }
}
