package org.attention4j;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.attention4j.kernel.ForwardJob;
import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.TileOpsProvider;
import org.attention4j.kernel.TilePlan;
import org.attention4j.kernel.WorkerPool;
import org.attention4j.kernel.Workspace;
import org.attention4j.kernel.WorkspacePool;

/**
 * Computes attention, {@code O = softmax(Q·Kᵀ·scale + mask)·V}, tile by tile with an online softmax
 * (FlashAttention): no n × n buffer exists. Beyond the caller's tensors each thread holds one workspace
 * of tiles plus, while it fits 32 MiB, one head's packed keys and values ({@link #workspaceBytes}).
 *
 * <pre>{@code
 * try (AttentionEngine engine = AttentionEngine.create()) {
 *     AttentionSpec spec = AttentionSpec.of(1, 4096, 8, 64, true);   // batch, length, heads, dim, causal
 *     float[] q = new float[Tensor.elements(1, 4096, 8, 64)], k = ..., v = ..., o = ...;
 *     engine.forward(spec, Tensor.bshd(q, 4096, 8, 64), Tensor.bshd(k, 4096, 8, 64),
 *                    Tensor.bshd(v, 4096, 8, 64), Tensor.bshd(o, 4096, 8, 64));
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may call {@link #forward} at once. A call runs on the calling
 * thread plus up to {@code threads − 1} of the engine's own workers (created once, daemon). The
 * result is bitwise identical for every thread count: each output row is computed by one thread in a
 * fixed order. Every argument is validated before anything is written; a bad one throws
 * {@link IllegalArgumentException} and leaves the outputs untouched.
 */
public final class AttentionEngine implements AutoCloseable {
    private static final AtomicInteger ENGINE_IDS = new AtomicInteger();
    /** Numbers every call, in every engine: workspaces use it to know their packed K/V are this call's. */
    private static final AtomicLong CALL_IDS = new AtomicLong();

    private final TileOps ops;
    private final Kernel kernel;
    private final int threads;
    private final WorkerPool workers;
    private final WorkspacePool workspaces = new WorkspacePool();
    private volatile boolean closed;

    private AttentionEngine(Builder builder) {
        if (builder.threads < 1) {
            throw new IllegalArgumentException("threads = " + builder.threads + ": expected >= 1");
        }
        this.ops = switch (builder.kernel) {
            case AUTO -> TileOpsProvider.best();
            case VECTOR -> TileOpsProvider.vector();
            case SCALAR -> TileOpsProvider.scalar();
        };
        this.kernel = ops == TileOpsProvider.scalar() ? Kernel.SCALAR : Kernel.VECTOR;
        this.threads = builder.threads;
        this.workers = new WorkerPool(threads - 1, "attention4j-" + ENGINE_IDS.incrementAndGet() + "-worker-");
    }

    /** An engine with one thread per available processor and the best kernel of this JVM. */
    public static AttentionEngine create() {
        return builder().build();
    }

    /** An engine with {@code threads} threads (the caller's plus {@code threads − 1} workers). */
    public static AttentionEngine create(int threads) {
        return builder().threads(threads).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Attention without the log-sum-exp output. */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out) {
        forward(spec, q, k, v, out, null);
    }

    /**
     * Computes {@code out} (and, when {@code lse} is not null, the natural log-sum-exp of each row's
     * scaled, masked scores, {@code [batch, heads, queryLength]}) from {@code q}, {@code k} and {@code v}.
     *
     * @throws IllegalArgumentException when an argument does not fit {@code spec} (nothing is written)
     * @throws IllegalStateException when the engine is closed
     */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse) {
        if (closed) {
            throw new IllegalStateException("this AttentionEngine is closed: create a new one");
        }
        ForwardArguments.check(spec, q, k, v, out, lse);
        if (spec.queryLength() == 0) {
            return;
        }
        long callId = CALL_IDS.incrementAndGet();
        int items = TilePlan.itemCount(spec, ops);
        int participants = Math.min(threads, items);
        if (participants <= 1 || !sharedWithWorkers(q, k, v, out, lse)) {
            ForwardJob.runAll(ops, spec, q, k, v, out, lse, workspaces, callId);
            return;
        }
        ForwardJob job = new ForwardJob(ops, spec, q, k, v, out, lse, workspaces, callId);
        workers.submit(job, participants - 1);
        job.run();
        job.awaitCompletion();
    }

    /** Segments from a confined arena can only be read by their owner thread: then the caller works alone. */
    private boolean sharedWithWorkers(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse) {
        Thread worker = workers.anyWorker();
        return accessible(q.segment(), worker) && accessible(k.segment(), worker)
                && accessible(v.segment(), worker) && accessible(out.segment(), worker)
                && (lse == null || accessible(lse.segment(), worker));
    }

    private static boolean accessible(MemorySegment segment, Thread thread) {
        return segment.isAccessibleBy(thread);
    }

    /** Threads a call may use (including the caller's). */
    public int threads() {
        return threads;
    }

    /** The kernel this engine runs: {@link Kernel#VECTOR} or {@link Kernel#SCALAR}, never AUTO. */
    public Kernel kernel() {
        return kernel;
    }

    /** A description of the kernel for reports, e.g. {@code "vector-256"} or {@code "scalar"}. */
    public String kernelName() {
        return ops.name();
    }

    /**
     * Bytes of engine workspace a call with {@code spec} needs, for all of this engine's threads: the
     * tiles (independent of the sequence lengths) plus the per-head K/V pack, which grows with the key
     * length up to 32 MiB per thread and is not used beyond.
     */
    public long workspaceBytes(AttentionSpec spec) {
        return Workspace.bytesFor(spec, ops) * threads;
    }

    /** Bytes of workspace this engine currently holds (grown to the largest spec seen, then reused). */
    public long workspaceBytesHeld() {
        return workspaces.bytesHeld();
    }

    /** Stops the worker threads; calls in flight finish. Later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        workers.close();
    }

    @Override
    public String toString() {
        return "AttentionEngine[kernel=" + ops.name() + ", threads=" + threads + "]";
    }

    /** Options for {@link AttentionEngine}. */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private Kernel kernel = Kernel.AUTO;

        private Builder() {}

        /** Threads per call, including the caller's; default: available processors. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** The kernel; default {@link Kernel#AUTO}. */
        public Builder kernel(Kernel kernel) {
            if (kernel == null) {
                throw new IllegalArgumentException("kernel = null: expected AUTO, VECTOR or SCALAR");
            }
            this.kernel = kernel;
            return this;
        }

        public AttentionEngine build() {
            return new AttentionEngine(this);
        }
    }
}
