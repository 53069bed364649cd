package org.attention4j.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.attention4j.Tensor;
import org.attention4j.kernel.ForwardArguments;
import org.attention4j.kernel.NaiveOps;
import org.attention4j.kernel.Rows;
import org.attention4j.kernel.KernelProvider;
import org.attention4j.kernel.WorkerPool;

/**
 * The peer every flash number is compared with: attention as a user writes it by hand. For each
 * (batch, head) it materializes the whole {@code Lq × Lk} score matrix {@code S = Q·Kᵀ·scale}, masks it
 * (causal or window: {@code −∞} outside the visible band, after computing it, as {@code masked_fill} does), applies a
 * row softmax in place, then computes {@code O = P·V} — three passes over an n × n buffer. Its rows are
 * vectorized like the flash kernel's ({@link NaiveOps}) so a comparison shows the cost of the matrix,
 * not of a slow loop.
 *
 * <p>Memory: one score matrix per thread ({@link #scoreBytes}), kept between calls. Only for specs whose
 * matrix fits a Java array ({@link #fits}). Not zero-garbage, not tuned: a baseline.
 */
public final class NaiveAttention implements AutoCloseable {
    private static final float LOG2E = 1.4426950408889634f;
    /** The largest float[] the JVM allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final NaiveOps ops;
    private final int threads;
    /** The engine's runtime ({@link WorkerPool}), as the flash engine and the GEMM use. */
    private final WorkerPool workers;
    private final Scratch[] scratch;

    public NaiveAttention(Kernel kernel, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ": expected >= 1");
        }
        this.ops = KernelProvider.of(kernel).naive();
        this.threads = threads;
        this.workers = new WorkerPool(threads - 1, "attention4j-naive-");
        this.scratch = new Scratch[threads];
        for (int t = 0; t < threads; t++) {
            scratch[t] = new Scratch();
        }
    }

    /** Bytes of one score matrix for {@code spec}: {@code Lq · Lk · 4}. */
    public static long scoreMatrixBytes(AttentionSpec spec) {
        return (long) spec.queryLength() * spec.keyLength() * Float.BYTES;
    }

    /** Bytes of score matrices a call holds: one per thread that has work. */
    public long scoreBytes(AttentionSpec spec) {
        long items = (long) spec.batch() * spec.heads();
        return scoreMatrixBytes(spec) * Math.min(threads, Math.max(1, items));
    }

    /**
     * The first spec option this peer does not implement (soft-cap, ALiBi, block-sparse), or null. It is
     * a measuring stick for the plain algorithm, not a second engine.
     */
    public static String unsupportedOption(AttentionSpec spec) {
        return spec.softcap() > 0 ? "softcap" : spec.hasAlibi() ? "ALiBi" : spec.blockSparse() != null ? "block-sparse" : null;
    }

    /** True when one score matrix fits a Java array; else {@link #forward} throws. */
    public static boolean fits(AttentionSpec spec) {
        return (long) spec.queryLength() * spec.keyLength() <= MAX_ARRAY;
    }

    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out) {
        ForwardArguments.check(spec, q, k, v, out, null);
        String unsupported = unsupportedOption(spec);
        if (unsupported != null) {
            throw new IllegalArgumentException("the naive peer does not implement " + unsupported
                    + ": expected a spec with causal/window options only (use the flash engine)");
        }
        if (!fits(spec)) {
            throw new IllegalArgumentException("queryLength × keyLength = " + spec.queryLength() + " × "
                    + spec.keyLength() + ": the naive score matrix must fit a Java array (<= " + MAX_ARRAY
                    + " floats)");
        }
        int items = spec.batch() * spec.heads();
        AtomicInteger next = new AtomicInteger(), finished = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int helpers = Math.min(threads, items) - 1;
        for (int t = 0; t < helpers; t++) {
            Scratch mine = scratch[t + 1];
            workers.submit(() -> drain(spec, q, k, v, out, next, finished, items, mine, failure), 1);
        }
        drain(spec, q, k, v, out, next, finished, items, scratch[0], failure);
        // Until every claimed item is done: a helper copy that never runs (a closed pool) claimed nothing,
        // and the caller took its items; an interrupt is kept for later, since items in flight write out.
        boolean interrupted = false;
        while (finished.get() < items) {
            LockSupport.parkNanos(50_000);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        WorkerPool.rethrow(failure.get());
    }

    /** Claims and computes items until none is left; each counts as finished even if it failed. */
    private void drain(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, AtomicInteger next,
                       AtomicInteger finished, int items, Scratch s, AtomicReference<Throwable> failure) {
        for (int item = next.getAndIncrement(); item < items; item = next.getAndIncrement()) {
            try {
                if (failure.get() == null) {
                    head(spec, q, k, v, out, item / spec.heads(), item % spec.heads(), s);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                finished.incrementAndGet();
            }
        }
    }

    /** One (batch, head): S, mask, softmax, P·V, each over the whole matrix. */
    private void head(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, int b, int h, Scratch s) {
        int lq = spec.queryLength(), lk = spec.keyLength(), dim = spec.headDim(), valueDim = spec.valueHeadDim();
        int kvHead = h / spec.groupSize();
        s.ensure(lq, lk, Math.max(dim, valueDim));
        for (int j = 0; j < lk; j++) { // K transposed, so a score row streams contiguous keys
            Rows.read(k, b, j, kvHead, s.row, 0, dim);
            for (int d = 0; d < dim; d++) {
                s.keysT[d * lk + j] = s.row[d];
            }
            Rows.read(v, b, j, kvHead, s.values, j * valueDim, valueDim);
        }
        float queryScale = spec.scale() * LOG2E; // base-2 scores: the softmax uses exp2
        for (int i = 0; i < lq; i++) {
            Rows.read(q, b, i, h, s.row, 0, dim);
            for (int d = 0; d < dim; d++) {
                s.row[d] *= queryScale;
            }
            ops.scoreRow(s.row, 0, s.keysT, lk, dim, s.scores, i * lk);
        }
        if (spec.causal() || spec.hasWindow()) { // mask after computing, as masked_fill does
            for (int i = 0; i < lq; i++) {
                int row = i * lk;
                int first = (int) Math.min(lk, spec.firstVisibleKey(i));
                int end = (int) Math.max(first, Math.min(lk, spec.lastVisibleKey(i) + 1));
                java.util.Arrays.fill(s.scores, row, row + first, Float.NEGATIVE_INFINITY);
                java.util.Arrays.fill(s.scores, row + end, row + lk, Float.NEGATIVE_INFINITY);
            }
        }
        for (int i = 0; i < lq; i++) {
            ops.softmaxRow(s.scores, i * lk, lk);
        }
        for (int i = 0; i < lq; i++) {
            ops.weightedSum(s.scores, i * lk, lk, s.values, valueDim, s.row, 0);
            Rows.write(s.row, valueDim, out, b, i, h);
        }
    }

    @Override
    public void close() {
        workers.close();
    }

    /** One thread's buffers, grown to the largest spec seen. */
    private static final class Scratch {
        float[] scores = new float[0];
        float[] keysT = new float[0];
        float[] values = new float[0];
        float[] row = new float[0];

        void ensure(int lq, int lk, int dim) {
            if (scores.length < lq * lk) {
                scores = null; // let the old matrix go before the new one is allocated
                scores = new float[lq * lk];
            }
            if (keysT.length < lk * dim) {
                keysT = new float[lk * dim];
                values = new float[lk * dim];
            }
            if (row.length < dim) {
                row = new float[dim];
            }
        }
    }
}
