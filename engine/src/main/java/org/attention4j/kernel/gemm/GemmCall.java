package org.attention4j.kernel.gemm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.attention4j.kernel.WorkerPool;

/**
 * One call's arguments and work items, shared by the threads that take part; pooled and reused, so a
 * call allocates nothing. C is cut into {@code rowBands × colBands} items; each participant claims the
 * next item until none is left. Every claimed item is counted as done even if it failed, so the
 * caller's wait always ends; the first failure is rethrown on the caller's thread.
 *
 * <p>Reuse is reference counted: the caller holds one reference, each copy offered to a worker another,
 * and whoever drops the last returns the object to its pool. A worker that picks up a copy late (all
 * items already done) finds nothing to claim, and the object cannot be reused under it.
 */
final class GemmCall implements Runnable {
    final GemmKernel kernel;
    private final FreeList<GemmBuffers> buffers;
    private final FreeList<GemmCall> owner;

    int m, n, k;
    float[] a, b, c;
    PackedB packed; // instead of b, when B was packed ahead
    float[] bias, residual; // the epilogue (GemmKernel.epilogue): null for none
    boolean gelu;
    int aOffset, lda, bOffset, ldb, cOffset, ldc;
    boolean accumulate;

    private int colBands, bandRows, bandCols, items;
    private final AtomicInteger nextItem = new AtomicInteger();
    private final AtomicInteger doneItems = new AtomicInteger();
    private final AtomicInteger references = new AtomicInteger();
    private volatile Throwable failure;
    private Thread caller;

    GemmCall(GemmKernel kernel, FreeList<GemmBuffers> buffers, FreeList<GemmCall> owner) {
        this.kernel = kernel;
        this.buffers = buffers;
        this.owner = owner;
    }

    /**
     * Sets the arguments and cuts C into {@code rowBands × colBands} items (band sizes rounded up to whole
     * micro-tiles, so there may be fewer); the calling thread holds the first reference.
     */
    void set(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, PackedB packed,
             float[] c, int cOffset, int ldc, boolean accumulate, int rowBands, int colBands) {
        this.packed = packed;
        this.m = m;
        this.n = n;
        this.k = k;
        this.a = a;
        this.aOffset = aOffset;
        this.lda = lda;
        this.b = b;
        this.bOffset = bOffset;
        this.ldb = ldb;
        this.c = c;
        this.cOffset = cOffset;
        this.ldc = ldc;
        this.accumulate = accumulate;
        this.bandRows = GemmBuffers.roundUp((m + rowBands - 1) / rowBands, kernel.tileRows());
        this.bandCols = GemmBuffers.roundUp((n + colBands - 1) / colBands, kernel.tileCols());
        this.colBands = (n + bandCols - 1) / bandCols;
        this.items = ((m + bandRows - 1) / bandRows) * this.colBands;
        nextItem.set(0);
        doneItems.set(0);
        failure = null;
        caller = Thread.currentThread();
        references.set(1);
    }

    boolean hasEpilogue() {
        return bias != null || residual != null || gelu;
    }

    int items() {
        return items;
    }

    /** Adds a reference for a copy about to be offered to a worker. */
    void retain() {
        references.incrementAndGet();
    }

    /** Drops a reference; the last one returns this object to its pool (without the caller's arrays). */
    void release() {
        if (references.decrementAndGet() == 0) {
            a = b = c = null;
            packed = null;
            bias = residual = null;
            caller = null;
            owner.release(this);
        }
    }

    /** A worker's part: claims items like the caller, then drops the reference its copy held. */
    @Override
    public void run() {
        try {
            work();
        } finally {
            release();
        }
    }

    /** Claims and runs items until none is left (the caller runs this directly, holding its own reference). */
    void work() {
        GemmBuffers buffer = null;
        try {
            int item;
            while ((item = nextItem.getAndIncrement()) < items) {
                if (failure == null) {
                    try {
                        if (buffer == null) {
                            buffer = buffers.acquire();
                            buffer.prepare(kernel, Math.min(bandRows, m), Math.min(bandCols, n), k, packed == null);
                        }
                        runItem(item, buffer);
                    } catch (Throwable t) {
                        if (failure == null) {
                            failure = t;
                        }
                    }
                }
                if (doneItems.incrementAndGet() == items && Thread.currentThread() != caller) {
                    LockSupport.unpark(caller);
                }
            }
        } finally {
            if (buffer != null) {
                buffers.release(buffer);
            }
        }
    }

    private void runItem(int item, GemmBuffers buffer) {
        int rowFirst = item / colBands * bandRows;
        int colFirst = item % colBands * bandCols;
        GemmDriver.multiplyRegion(kernel, this, rowFirst, Math.min(m, rowFirst + bandRows), colFirst,
                Math.min(n, colFirst + bandCols), buffer);
    }

    /**
     * On the caller's thread, after its own {@link #work}: waits until every item is done (an interrupt
     * is kept for later: items in flight write C), then rethrows the first failure, if any.
     */
    void awaitCompletion() {
        boolean interrupted = false;
        while (doneItems.get() < items) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        WorkerPool.rethrow(failure);
    }
}
