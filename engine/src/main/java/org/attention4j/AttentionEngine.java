package org.attention4j;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.EventType;
import org.attention4j.internal.JitQuiet;
import org.attention4j.internal.SeededFloats;
import org.attention4j.kernel.FlashAttention;
import org.attention4j.kernel.ForwardArguments;
import org.attention4j.kernel.ForwardJob;
import org.attention4j.kernel.SplitPartials;
import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.KernelProvider;
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
 * <p>Thread-safe: any number of threads may call {@link #forward} at once, platform or virtual. A call
 * runs on the calling thread plus up to {@code threads − 1} helpers: the engine's own workers (created
 * once, daemon), or tasks on the {@link Builder#executor executor} a service gives it. The caller always
 * works too, so a call never waits for a free helper, and a call made from a helper thread cannot
 * deadlock. The result is bitwise identical for every thread count: each output row is computed by one
 * thread in a fixed order (or, in a call split over its keys, its parts are merged in a fixed order). Every argument is validated before anything is written; a bad one throws
 * {@link IllegalArgumentException} and leaves the outputs untouched.
 *
 * <p>For services: a call stops between key blocks when its thread is interrupted or its deadline
 * passes ({@link AttentionCancelledException}); a {@link Builder#memoryBudget memory budget} rejects
 * specs whose workspace would exceed it before any work; {@link #warmUp} compiles the hot paths before
 * traffic arrives; every call emits a JFR event ({@code org.attention4j.Forward}, free when disabled)
 * and calls the {@link Builder#listener listener}, if any.
 *
 * @since 0.1
 */
public final class AttentionEngine implements AutoCloseable {
    private static final AtomicInteger ENGINE_IDS = new AtomicInteger();
    /** Numbers every call, in every engine: workspaces use it to know their packed K/V are this call's. */
    private static final AtomicLong CALL_IDS = new AtomicLong();
    /** {@link #warmUp} ends once the JIT has compiled nothing for this long (and the budget passed). */
    private static final long WARMUP_JIT_QUIET_NANOS = 300_000_000L;
    /** Timeouts of 2^62 ns (146 years) or more are no deadline: nanoTime differences stay far from overflow. */
    private static final long MAX_TIMEOUT_SECONDS = (1L << 62) / 1_000_000_000L;

    private static final EventType FORWARD_EVENT = EventType.getEventType(ForwardEvent.class);
    /** An unstarted thread: asks whether a segment may be read by threads other than its owner. */
    private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    private final TileOps ops;
    private final Kernel kernel;
    private final int threads;
    private final WorkerPool workers;
    private final Executor executor;
    private final long memoryBudget;
    private final ForwardListener listener;
    private final WorkspacePool workspaces = new WorkspacePool();
    private final SplitPartials.Pool partialsPool = new SplitPartials.Pool();
    /** Multi-thread calls' jobs, reused: 8 calls at once take pooled jobs, more get new ones. */
    private final ForwardJob.Pool jobs;
    private volatile boolean closed;

    private AttentionEngine(Builder builder) {
        if (builder.threads < 1) {
            throw new IllegalArgumentException("threads = " + builder.threads + ": expected >= 1");
        }
        KernelProvider provider = KernelProvider.of(builder.kernel);
        this.ops = provider.tileOps();
        this.kernel = provider.kernel();
        this.threads = builder.threads;
        this.executor = builder.executor;
        this.memoryBudget = builder.memoryBudget;
        this.listener = builder.listener;
        this.workers = executor != null ? null
                : new WorkerPool(threads - 1, "attention4j-" + ENGINE_IDS.incrementAndGet() + "-worker-");
        this.jobs = new ForwardJob.Pool(8, threads);
    }

    /** {@return an engine with one thread per available processor and the best kernel of this JVM} */
    public static AttentionEngine create() {
        return builder().build();
    }

    /**
     * {@return an engine with {@code threads} threads} (the caller's plus {@code threads − 1} workers)
     *
     * @param threads threads per call, at least 1
     * @throws IllegalArgumentException when {@code threads < 1}
     */
    public static AttentionEngine create(int threads) {
        return builder().threads(threads).build();
    }

    /** {@return a builder of an engine with other options: an executor, a memory budget, a listener} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Attention without the log-sum-exp output: see
     * {@link #forward(AttentionSpec, Tensor, Tensor, Tensor, Tensor, Tensor)}.
     *
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @param out the output {@code [batch, queryLength, heads, valueHeadDim]}, written in place
     */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out) {
        forward(spec, q, k, v, out, null, FlashAttention.NO_DEADLINE);
    }

    /**
     * Computes {@code out} (and, when {@code lse} is not null, the natural log-sum-exp of each row's
     * scaled, masked scores, {@code [batch, heads, queryLength]}) from {@code q}, {@code k} and {@code v}.
     *
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @param out the output {@code [batch, queryLength, heads, valueHeadDim]}, written in place
     * @param lse the log-sum-exp output {@code [batch, heads, queryLength]}, or null
     * @throws IllegalArgumentException when an argument does not fit {@code spec}, or the spec's workspace
     *         exceeds the memory budget (nothing is written)
     * @throws AttentionCancelledException when the calling thread is interrupted during the call
     * @throws IllegalStateException when the engine is closed
     */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse) {
        forward(spec, q, k, v, out, lse, FlashAttention.NO_DEADLINE);
    }

    /**
     * As {@link #forward(AttentionSpec, Tensor, Tensor, Tensor, Tensor, Tensor)}, stopping with
     * {@link AttentionCancelledException} (reason {@code DEADLINE}) when {@link System#nanoTime()} passes
     * {@code deadlineNanoTime}. A deadline already passed when the call starts (after validation) stops
     * it before anything is written; later the check runs between key blocks (about every 0.1 ms of work
     * per thread), and the output is then unspecified. The {@link Duration} and {@link Instant} forms
     * compute this value once and call this one.
     *
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @param out the output {@code [batch, queryLength, heads, valueHeadDim]}, written in place
     * @param lse the log-sum-exp output {@code [batch, heads, queryLength]}, or null
     * @param deadlineNanoTime a {@link System#nanoTime()} value, or {@link Long#MAX_VALUE} for none
     */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse,
                        long deadlineNanoTime) {
        forward(spec, q, k, v, out, lse, null, deadlineNanoTime);
    }

    /**
     * As {@link #forward(AttentionSpec, Tensor, Tensor, Tensor, Tensor, Tensor, long)} with the deadline
     * {@code timeout} from now: a service's per-request budget, e.g. {@code Duration.ofMillis(50)}. See
     * the full form {@link #forward(AttentionSpec, Tensor, Tensor, Tensor, Tensor, Tensor, AttentionMask,
     * Duration)}.
     *
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @param out the output {@code [batch, queryLength, heads, valueHeadDim]}, written in place
     * @param lse the log-sum-exp output {@code [batch, heads, queryLength]}, or null
     * @param timeout the time the call may take from now
     */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Duration timeout) {
        forward(spec, q, k, v, out, lse, null, deadlineAfter(timeout));
    }

    /**
     * As {@link #forward(AttentionSpec, Tensor, Tensor, Tensor, Tensor, Tensor, long)} with a wall-clock
     * deadline, e.g. one a request carried. See the full form
     * {@link #forward(AttentionSpec, Tensor, Tensor, Tensor, Tensor, Tensor, AttentionMask, Instant)}.
     *
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @param out the output {@code [batch, queryLength, heads, valueHeadDim]}, written in place
     * @param lse the log-sum-exp output {@code [batch, heads, queryLength]}, or null
     * @param deadline the wall-clock instant by which the call must end
     */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Instant deadline) {
        forward(spec, q, k, v, out, lse, null, deadlineAt(deadline));
    }

    /**
     * Attention under a call's {@link AttentionMask masks} (key padding, boolean or additive), without LSE.
     *
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @param out the output {@code [batch, queryLength, heads, valueHeadDim]}, written in place
     * @param mask the call's masks
     */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, AttentionMask mask) {
        forward(spec, q, k, v, out, null, mask, FlashAttention.NO_DEADLINE);
    }

    /**
     * The full form: {@code mask} may be null (none), {@code lse} may be null, {@code deadlineNanoTime} may
     * be {@link Long#MAX_VALUE} (none). See {@link #forward(AttentionSpec, Tensor, Tensor, Tensor, Tensor,
     * Tensor, long)}.
     *
     *
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @param out the output {@code [batch, queryLength, heads, valueHeadDim]}, written in place
     * @param lse the log-sum-exp output {@code [batch, heads, queryLength]}, or null
     * @param mask the call's masks, or null
     * @param deadlineNanoTime a {@link System#nanoTime()} value, or {@link Long#MAX_VALUE} for none
     * @throws IllegalArgumentException also when the mask does not fit the spec (nothing is written)
     */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, AttentionMask mask,
                        long deadlineNanoTime) {
        checkOpen();
        ForwardArguments.check(spec, q, k, v, out, lse);
        if (mask != null) {
            mask.checkFits(spec);
        }
        execute(spec, q, k, v, out, lse, mask, null, null, deadlineNanoTime);
    }

    /**
     * The full form with the deadline {@code timeout} from now. The monotonic clock is read once, here;
     * a timeout that is zero or negative has passed (the call throws before anything is written), and
     * one of more than a century means none.
     *
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @param out the output {@code [batch, queryLength, heads, valueHeadDim]}, written in place
     * @param lse the log-sum-exp output {@code [batch, heads, queryLength]}, or null
     * @param mask the call's masks, or null
     * @param timeout the time the call may take from now
     * @throws IllegalArgumentException also when {@code timeout} is null (nothing is written)
     */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, AttentionMask mask,
                        Duration timeout) {
        forward(spec, q, k, v, out, lse, mask, deadlineAfter(timeout));
    }

    /**
     * The full form with a wall-clock deadline. It is turned into a {@link System#nanoTime()} deadline
     * once, here (the wall clock read to the millisecond, without allocating), so a clock adjustment
     * during the call does not move it; a deadline not after now has passed (the call throws before
     * anything is written).
     *
     * @param spec the shape and options of the problem
     * @param q queries {@code [batch, queryLength, heads, headDim]}
     * @param k keys {@code [batch, keyLength, kvHeads, headDim]}
     * @param v values {@code [batch, keyLength, kvHeads, valueHeadDim]}
     * @param out the output {@code [batch, queryLength, heads, valueHeadDim]}, written in place
     * @param lse the log-sum-exp output {@code [batch, heads, queryLength]}, or null
     * @param mask the call's masks, or null
     * @param deadline the wall-clock instant by which the call must end ({@link Instant#MAX}: none)
     * @throws IllegalArgumentException also when {@code deadline} is null (nothing is written)
     */
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, AttentionMask mask,
                        Instant deadline) {
        forward(spec, q, k, v, out, lse, mask, deadlineAt(deadline));
    }

    /** The {@link System#nanoTime()} deadline {@code timeout} from now; more than a century: none. */
    private static long deadlineAfter(Duration timeout) {
        if (timeout == null) {
            throw new IllegalArgumentException("timeout = null: expected a Duration (no deadline: a form without one)");
        }
        long now = System.nanoTime();
        if (timeout.isNegative() || timeout.isZero()) {
            return now - 1; // already passed, however fast the next clock read
        }
        // seconds first: toNanos() throws past 292 years; beyond 2^62 ns (146 years) there is no deadline
        return timeout.getSeconds() >= MAX_TIMEOUT_SECONDS ? FlashAttention.NO_DEADLINE : now + timeout.toNanos();
    }

    /** The {@link System#nanoTime()} deadline at the wall-clock instant {@code deadline}. */
    private static long deadlineAt(Instant deadline) {
        if (deadline == null) {
            throw new IllegalArgumentException("deadline = null: expected an Instant (no deadline: Instant.MAX)");
        }
        long now = System.nanoTime();
        long wallMillis = System.currentTimeMillis(); // Instant.now() would allocate
        long seconds = deadline.getEpochSecond() - Math.floorDiv(wallMillis, 1000); // Instant's range: no overflow
        long nanos = deadline.getNano() - Math.floorMod(wallMillis, 1000) * 1_000_000L; // in (-1 s, 1 s)
        if (seconds >= MAX_TIMEOUT_SECONDS) {
            return FlashAttention.NO_DEADLINE;
        }
        if (seconds < 0 || seconds == 0 && nanos <= 0) {
            return now - 1; // not after now: already passed
        }
        return now + seconds * 1_000_000_000L + nanos;
    }

    /**
     * Variable-length packed batch (FlashAttention's varlen API): sequence {@code s} has queries
     * {@code cuSeqlensQ[s] .. cuSeqlensQ[s + 1]} and keys {@code cuSeqlensK[s] .. cuSeqlensK[s + 1]} of the
     * packed tensors, and attends only within itself, so padding costs nothing. {@code spec} describes the
     * packed tensors: batch 1, {@code queryLength = cuSeqlensQ[last]}, {@code keyLength = cuSeqlensK[last]};
     * its causal mask, window, ALiBi and soft-cap apply to each sequence on its own (a causal mask is
     * bottom-right aligned per sequence). {@code lse} (may be null) is {@code [1, heads, total queries]}.
     * A block-sparse layout cannot be used (its grid is per length). Each sequence runs on all of the
     * engine's threads in turn.
     *
     * @param spec the packed problem: batch 1, the total lengths
     * @param cuSeqlensQ cumulative query lengths: {@code sequences + 1} offsets from 0
     * @param cuSeqlensK cumulative key lengths, as many as {@code cuSeqlensQ}
     * @param q packed queries {@code [1, total queries, heads, headDim]}
     * @param k packed keys {@code [1, total keys, kvHeads, headDim]}
     * @param v packed values {@code [1, total keys, kvHeads, valueHeadDim]}
     * @param out the packed output {@code [1, total queries, heads, valueHeadDim]}, written in place
     * @param lse the log-sum-exp output {@code [1, heads, total queries]}, or null
     * @throws IllegalArgumentException when the offsets do not start at 0, decrease, differ in count, or
     *         do not end at the spec's lengths, or any tensor does not fit (nothing is written)
     */
    public void forwardVarlen(AttentionSpec spec, int[] cuSeqlensQ, int[] cuSeqlensK, Tensor q, Tensor k, Tensor v,
                              Tensor out, Tensor lse) {
        checkOpen();
        VarlenOffsets.check(spec, cuSeqlensQ, cuSeqlensK);
        ForwardArguments.check(spec, q, k, v, out, lse);
        execute(spec, q, k, v, out, lse, null, cuSeqlensQ, cuSeqlensK, FlashAttention.NO_DEADLINE);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this AttentionEngine is closed: create a new one");
        }
    }

    private void execute(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, AttentionMask mask,
                         int[] cuSeqlensQ, int[] cuSeqlensK, long deadlineNanoTime) {
        checkBudget(spec);
        // Only an enabled JFR event is created: a disabled one costs this check and nothing else.
        ForwardEvent event = FORWARD_EVENT.isEnabled() ? new ForwardEvent() : null;
        if (event != null) {
            event.begin();
        }
        long start = listener != null ? System.nanoTime() : 0;
        Throwable failure = null;
        try {
            if (deadlineNanoTime != FlashAttention.NO_DEADLINE && System.nanoTime() - deadlineNanoTime > 0) {
                throw new AttentionCancelledException(AttentionCancelledException.Reason.DEADLINE,
                        "the deadline passed before the call started");
            }
            if (cuSeqlensQ == null) {
                run(spec, mask, q, k, v, out, lse, deadlineNanoTime);
            } else {
                for (int s = 0; s + 1 < cuSeqlensQ.length; s++) {
                    int firstQuery = cuSeqlensQ[s], firstKey = cuSeqlensK[s];
                    AttentionSpec one = spec.toBuilder().queryLength(cuSeqlensQ[s + 1] - firstQuery)
                            .keyLength(cuSeqlensK[s + 1] - firstKey).build();
                    run(one, null, q.fromPosition(firstQuery), k.fromPosition(firstKey), v.fromPosition(firstKey),
                            out.fromPosition(firstQuery), lse == null ? null : lse.fromPosition(firstQuery),
                            deadlineNanoTime);
                }
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            if (listener != null) {
                listener.onForward(spec, ops.name(), threads, System.nanoTime() - start, failure);
            }
            if (event != null) {
                commit(event, spec, failure);
            }
        }
    }

    private void run(AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse,
                     long deadline) {
        if (spec.queryLength() == 0) {
            return;
        }
        int partialFloats = SplitPartials.floats(spec, ops);
        float[] partials = partialFloats == 0 ? null : partialsPool.acquire(partialFloats);
        try {
            runItems(spec, mask, q, k, v, out, lse, partials, deadline);
            if (partials != null) { // every part is done: combine them into the output
                SplitPartials.merge(spec, ops, partials, out, lse);
            }
        } finally {
            if (partials != null) {
                partialsPool.release(partials);
            }
        }
    }

    private void runItems(AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse,
                          float[] partials, long deadline) {
        long callId = CALL_IDS.incrementAndGet();
        int items = TilePlan.itemCount(spec, ops);
        int participants = Math.min(threads, items);
        if (participants <= 1 || !sharedWithOtherThreads(q, k, v, out, lse)) {
            ForwardJob.runAll(ops, spec, mask, q, k, v, out, lse, workspaces, partials, callId, deadline);
            return;
        }
        ForwardJob job = jobs.take(ops, spec, mask, q, k, v, out, lse, workspaces, partials, callId, deadline,
                participants);
        int handedOver = 0;
        if (executor == null) {
            handedOver = workers.submit(job, participants - 1) ? participants - 1 : 0; // closed: the caller does all
        } else {
            for (; handedOver < participants - 1; handedOver++) {
                try {
                    executor.execute(job);
                } catch (RuntimeException e) { // RejectedExecutionException, or a framework's own
                    break; // a saturated or shut-down executor: the caller does the rest itself
                }
            }
        }
        for (int i = handedOver; i < participants - 1; i++) {
            job.leave(); // the copies no helper will run
        }
        job.runAsCaller();
    }

    private void checkBudget(AttentionSpec spec) {
        if (memoryBudget != Long.MAX_VALUE) {
            long needed = workspaceBytes(spec);
            if (needed > memoryBudget) {
                throw new IllegalArgumentException("spec " + spec + " needs " + needed + " bytes of workspace ("
                        + threads + " threads), over this engine's memory budget of " + memoryBudget
                        + " bytes: use fewer threads, a shorter key length, or a larger budget");
            }
        }
    }

    private void commit(ForwardEvent event, AttentionSpec spec, Throwable failure) {
        event.end();
        if (event.shouldCommit()) {
            event.batch = spec.batch();
            event.queryLength = spec.queryLength();
            event.keyLength = spec.keyLength();
            event.heads = spec.heads();
            event.kvHeads = spec.kvHeads();
            event.headDim = spec.headDim();
            event.valueHeadDim = spec.valueHeadDim();
            event.causal = spec.causal();
            event.kernel = ops.name();
            event.threads = threads;
            long elements = (long) spec.batch() * (spec.headDim() + spec.valueHeadDim())
                    * ((long) spec.queryLength() * spec.heads() + (long) spec.keyLength() * spec.kvHeads());
            event.tensorBytes = elements * Float.BYTES;
            event.workspaceBytes = workspaceBytes(spec);
            event.failed = failure != null;
            event.commit();
        }
    }

    /**
     * Runs each spec on random inputs until {@code budget} has passed for it (at least 3 calls) and the JIT
     * has compiled nothing for 0.3 s, for at most 4 × {@code budget}, so C2 has compiled the kernel's hot
     * paths and the workspaces are sized before real traffic. Until then calls run C1 code, 3–45× slower
     * and allocating boxed vectors; on a busy machine C2 finishes seconds late, which a fixed budget
     * missed.
     *
     * @param budget the least time spent on each spec
     * @param specs the shapes traffic will have (the kernel compiles per path: causal or not, decode, …)
     * @return the number of calls made
     */
    public int warmUp(Duration budget, AttentionSpec... specs) {
        int calls = 0;
        long budgetNanos = budget.toNanos();
        for (AttentionSpec spec : specs) {
            int b = spec.batch(), d = spec.headDim(), dv = spec.valueHeadDim();
            float[] q = SeededFloats.uniform(Tensor.elements(b, spec.queryLength(), spec.heads(), d), 1);
            float[] k = SeededFloats.uniform(Tensor.elements(b, spec.keyLength(), spec.kvHeads(), d), 2);
            float[] v = SeededFloats.uniform(Tensor.elements(b, spec.keyLength(), spec.kvHeads(), dv), 3);
            Tensor tq = Tensor.bshd(q, spec.queryLength(), spec.heads(), d);
            Tensor tk = Tensor.bshd(k, spec.keyLength(), spec.kvHeads(), d);
            Tensor tv = Tensor.bshd(v, spec.keyLength(), spec.kvHeads(), dv);
            float[] o = new float[Tensor.elements(b, spec.queryLength(), spec.heads(), dv)];
            Tensor to = Tensor.bshd(o, spec.queryLength(), spec.heads(), dv);
            calls += JitQuiet.runUntilCompiled(() -> forward(spec, tq, tk, tv, to), 3, budgetNanos, 4 * budgetNanos,
                    WARMUP_JIT_QUIET_NANOS);
        }
        return calls;
    }

    /** Segments from a confined arena can only be read by their owner thread: then the caller works alone. */
    private static boolean sharedWithOtherThreads(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse) {
        return accessible(q.segment()) && accessible(k.segment()) && accessible(v.segment())
                && accessible(out.segment()) && (lse == null || accessible(lse.segment()));
    }

    private static boolean accessible(MemorySegment segment) {
        return segment.isAccessibleBy(OTHER_THREAD);
    }

    /** {@return threads a call may use} (including the caller's) */
    public int threads() {
        return threads;
    }

    /** {@return the kernel this engine runs: {@link Kernel#VECTOR} or {@link Kernel#SCALAR}, never AUTO} */
    public Kernel kernel() {
        return kernel;
    }

    /** {@return a description of the kernel for reports}, e.g. {@code "vector-256"} or {@code "scalar"} */
    public String kernelName() {
        return ops.name();
    }

    /**
     * Bytes of engine workspace a call with {@code spec} needs, for all of this engine's threads: the
     * tiles (independent of the sequence lengths) plus the per-head K/V pack, which grows with the key
     * length up to 32 MiB per thread and is not used beyond; a call split over its keys adds its parts'
     * partial results (at most 16 parts × the rows of an item × (value head dim + 2) floats).
     *
     * @param spec the problem
     * @return bytes, as the {@link Builder#memoryBudget memory budget} counts them
     */
    public long workspaceBytes(AttentionSpec spec) {
        return Workspace.bytesFor(spec, ops) * threads + (long) Float.BYTES * SplitPartials.floats(spec, ops);
    }

    /** {@return bytes of workspace this engine currently holds} (grown to the largest spec seen, then reused) */
    public long workspaceBytesHeld() {
        return workspaces.bytesHeld() + partialsPool.bytesHeld();
    }

    /**
     * Stops the engine's own worker threads (a given executor is the caller's to shut down); calls in
     * flight finish. Later calls throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        closed = true;
        if (workers != null) {
            workers.close();
        }
    }

    @Override
    public String toString() {
        return "AttentionEngine[kernel=" + ops.name() + ", threads=" + threads + "]";
    }

    /**
     * Options for {@link AttentionEngine}.
     *
     * @since 0.1
     */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private Kernel kernel = Kernel.AUTO;
        private Executor executor;
        private long memoryBudget = Long.MAX_VALUE;
        private ForwardListener listener;

        private Builder() {}

        /**
         * Threads per call, including the caller's; default: available processors.
         *
         * @param threads at least 1 (checked by {@link #build})
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * The kernel; default {@link Kernel#AUTO}.
         *
         * @param kernel {@code AUTO}, {@code VECTOR} (needs the incubator module) or {@code SCALAR}
         * @return this builder
         * @throws IllegalArgumentException when {@code kernel} is null
         */
        public Builder kernel(Kernel kernel) {
            if (kernel == null) {
                throw new IllegalArgumentException("kernel = null: expected AUTO, VECTOR or SCALAR");
            }
            this.kernel = kernel;
            return this;
        }

        /**
         * Run a call's helpers as tasks on {@code executor} (e.g. the service's own pool) instead of the
         * engine's own threads; a call still uses at most {@code threads} threads, its caller included.
         * The engine does not shut it down. A rejected task is not an error: the caller does that share.
         *
         * @param executor the pool that runs the helpers
         * @return this builder
         * @throws IllegalArgumentException when {@code executor} is null
         */
        public Builder executor(Executor executor) {
            if (executor == null) {
                throw new IllegalArgumentException("executor = null: expected an Executor");
            }
            this.executor = executor;
            return this;
        }

        /**
         * Reject specs whose workspace ({@link AttentionEngine#workspaceBytes}) exceeds {@code bytes}, before
         * any work; default: no limit.
         *
         * @param bytes at least 0
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes < 0}
         */
        public Builder memoryBudget(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("memoryBudget = " + bytes + ": expected >= 0 bytes");
            }
            this.memoryBudget = bytes;
            return this;
        }

        /**
         * Called after every forward call (see {@link ForwardListener}); default: none.
         *
         * @param listener the listener, or null for none
         * @return this builder
         */
        public Builder listener(ForwardListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * {@return the engine}, whose worker threads (without an executor) start now
         *
         * @throws IllegalArgumentException when {@code threads < 1}
         * @throws IllegalStateException when {@code VECTOR} was asked for and the JVM lacks
         *     {@code jdk.incubator.vector}
         */
        public AttentionEngine build() {
            return new AttentionEngine(this);
        }
    }
}
