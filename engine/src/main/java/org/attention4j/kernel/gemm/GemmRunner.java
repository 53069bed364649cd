package org.attention4j.kernel.gemm;

import org.attention4j.kernel.WorkerPool;

/**
 * Runs validated GEMM calls for one {@code Gemm}: picks the work split, lends pooled call objects and
 * packing buffers, and hands copies of a call to the workers. Thread-safe; after warm-up a call
 * allocates nothing.
 */
public final class GemmRunner implements AutoCloseable {
    /**
     * Below this many FLOPs (2·m·n·k) a call runs on the caller alone: 4 MFLOP is ~50 µs on one core,
     * about what waking a worker and sharing the lines of C costs.
     */
    static final long PARALLEL_MIN_FLOPS = 1L << 22;
    /** Items per participating thread: more balance a shared machine better, fewer repack less. */
    static final int ITEMS_PER_THREAD = 1;

    private final GemmKernel kernel;
    private final int threads;
    private final WorkerPool workers;
    private final FreeList<GemmBuffers> buffers = new FreeList<>(GemmBuffers::new);
    private final FreeList<GemmCall> calls;

    public GemmRunner(GemmKernel kernel, int threads, String workerNamePrefix) {
        this.kernel = kernel;
        this.threads = threads;
        this.workers = new WorkerPool(threads - 1, workerNamePrefix);
        this.calls = new FreeList<>(this::newCall);
    }

    private GemmCall newCall() {
        return new GemmCall(kernel, buffers, calls);
    }

    public GemmKernel kernel() {
        return kernel;
    }

    /** {@code C[m×n] (+)= A[m×k]·B[k×n]}; the arguments have been validated (in bounds, C apart from A and B). */
    public void multiply(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                         float[] c, int cOffset, int ldc, boolean accumulate) {
        multiply(m, n, k, a, aOffset, lda, b, bOffset, ldb, null, c, cOffset, ldc, accumulate, null, null, false);
    }

    /** {@code C[m×n] (+)= A[m×k]·B} with B packed ahead for this runner's kernel; arguments validated. */
    public void multiply(int m, float[] a, int aOffset, int lda, PackedB b, float[] c, int cOffset, int ldc,
                         boolean accumulate) {
        multiply(m, b.n, b.k, a, aOffset, lda, null, 0, Math.max(1, b.n), b, c, cOffset, ldc, accumulate, null, null,
                false);
    }

    /**
     * {@code C = A·B + bias + residual}, then GELU when {@code gelu}, with B packed ahead: the epilogue runs
     * on each block of C as it is completed ({@link GemmKernel#epilogue}); arguments validated.
     */
    public void multiply(int m, float[] a, int aOffset, int lda, PackedB b, float[] bias, float[] residual,
                         boolean gelu, float[] c, int cOffset, int ldc) {
        multiply(m, b.n, b.k, a, aOffset, lda, null, 0, Math.max(1, b.n), b, c, cOffset, ldc, false, bias, residual,
                gelu);
    }

    private void multiply(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                          PackedB packed, float[] c, int cOffset, int ldc, boolean accumulate, float[] bias,
                          float[] residual, boolean gelu) {
        if (m == 0 || n == 0) {
            return;
        }
        GemmCall call = calls.acquire();
        try {
            int rowBands = 1, colBands = 1;
            if (threads > 1 && 2L * m * n * k >= PARALLEL_MIN_FLOPS) {
                long split = split(m, n, threads * ITEMS_PER_THREAD);
                rowBands = (int) (split >>> 32);
                colBands = (int) split;
            }
            call.set(m, n, k, a, aOffset, lda, b, bOffset, ldb, packed, c, cOffset, ldc, accumulate, rowBands, colBands);
            call.bias = bias;
            call.residual = residual;
            call.gelu = gelu;
            if (k == 0) {
                if (!accumulate) {
                    GemmDriver.clear(call);
                }
                if (call.hasEpilogue()) {
                    kernel.epilogue(c, cOffset, ldc, m, n, bias, 0, residual, gelu);
                }
                return;
            }
            int copies = Math.min(threads, call.items()) - 1;
            for (int i = 0; i < copies; i++) {
                call.retain();
            }
            if (copies > 0 && !workers.submit(call, copies)) { // closed: the caller claims every item itself
                for (int i = 0; i < copies; i++) {
                    call.release();
                }
            }
            call.work();
            call.awaitCompletion();
        } finally {
            call.release();
        }
    }

    /**
     * Row and column band counts (packed as {@code rows << 32 | cols}) for about {@code target} items:
     * the most items up to {@code target} that whole micro-tiles allow, and among those the least
     * packing. Each column band packs all of A's rows and each row band all of B's columns, so the
     * packing work is {@code k·(colBands·m + rowBands·n)}.
     */
    long split(int m, int n, int target) {
        int maxRows = (m + kernel.tileRows() - 1) / kernel.tileRows();
        int maxCols = (n + kernel.tileCols() - 1) / kernel.tileCols();
        int bestRows = 1, bestCols = 1;
        long bestCost = Long.MAX_VALUE;
        for (int rows = 1; rows <= Math.min(target, maxRows); rows++) {
            int cols = Math.min(maxCols, target / rows);
            long cost = (long) cols * m + (long) rows * n;
            if (rows * cols > bestRows * bestCols || rows * cols == bestRows * bestCols && cost < bestCost) {
                bestRows = rows;
                bestCols = cols;
                bestCost = cost;
            }
        }
        return (long) bestRows << 32 | bestCols;
    }

    /** Call objects created so far (about one per call in flight at once, including workers' late copies). */
    public int callsCreated() {
        return calls.created();
    }

    /** Packing buffers created so far (one per thread that ever took part at once). */
    public int buffersCreated() {
        return buffers.created();
    }

    /** Stops the workers once the jobs already queued have run (a late copy finds no item left). */
    @Override
    public void close() {
        workers.close();
    }
}
