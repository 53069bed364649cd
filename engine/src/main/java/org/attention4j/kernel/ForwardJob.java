package org.attention4j.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.attention4j.AttentionCancelledException;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * One forward call's work items, shared by the participating threads: each takes items from its own
 * contiguous range and then steals from the others' ({@link ItemRanges}) until none is left. Every
 * taken item is counted down even if it failed, so the caller's wait always ends; the first failure
 * is rethrown on the caller's thread. A helper that starts late (an executor's queue was long) finds
 * its range already stolen and returns without touching a workspace.
 *
 * <p>Jobs are pooled ({@link Pool}): a call allocates nothing. A job goes back to its pool only when
 * every participant has left it (the caller after its wait, each queued copy after it ran, however
 * late), so a late helper can never see the job re-armed for another call.
 *
 * <p>Cancellation: a failure (including the caller's interrupt or deadline, recorded while it waits)
 * makes every participant stop at its next key block ({@link FlashAttention#checkStop}).
 */
public final class ForwardJob implements Runnable {
    private final Pool pool;
    /** The call this job runs, armed when the job is taken. */
    private final ForwardCall call = new ForwardCall();
    private WorkspacePool workspaces;
    private final ItemRanges ranges;
    private final AtomicInteger joined = new AtomicInteger();
    private final AtomicInteger itemsLeft = new AtomicInteger();
    /** Participants still in the job: the caller and every copy handed to a helper. */
    private final AtomicInteger inside = new AtomicInteger();
    private volatile Thread caller;
    private volatile Throwable failure;

    private ForwardJob(Pool pool, int maxParticipants) {
        this.pool = pool;
        this.ranges = new ItemRanges(0, maxParticipants);
    }

    /**
     * A pool of jobs for an engine's calls, each for up to {@code maxParticipants} threads. Taking and
     * returning a job allocates nothing; more concurrent calls than the pool holds get new jobs.
     */
    public static final class Pool {
        private final AtomicReferenceArray<ForwardJob> free;
        private final int maxParticipants;

        public Pool(int slots, int maxParticipants) {
            this.free = new AtomicReferenceArray<>(slots);
            this.maxParticipants = maxParticipants;
        }

        /**
         * A job armed for one call of {@code participants} threads: the caller ({@link #runAsCaller}) and
         * {@code participants − 1} copies the caller hands to helpers; a copy that could not be handed
         * over must be {@link #leave left} by the caller.
         */
        public ForwardJob take(TileOps ops, AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v,
                               Tensor out, Tensor lse, WorkspacePool workspaces, float[] partials, long callId,
                               long deadline, int participants) {
            ForwardJob job = null;
            for (int i = 0; i < free.length() && job == null; i++) {
                job = free.getAndSet(i, null);
            }
            if (job == null) {
                job = new ForwardJob(this, maxParticipants);
            }
            try {
                job.arm(ops, spec, mask, q, k, v, out, lse, workspaces, partials, callId, deadline, participants);
            } catch (RuntimeException e) { // e.g. a split call without partials: the job goes back unused
                giveBack(job);
                throw e;
            }
            return job;
        }

        private void giveBack(ForwardJob job) {
            job.clear();
            for (int i = 0; i < free.length(); i++) {
                if (free.compareAndSet(i, null, job)) {
                    return;
                }
            }
        }
    }

    private void arm(TileOps ops, AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v, Tensor out,
                     Tensor lse, WorkspacePool workspaces, float[] partials, long callId, long deadline,
                     int participants) {
        call.arm(ops, spec, mask, q, k, v, out, lse, partials, callId, deadline);
        this.workspaces = workspaces;
        int items = call.items;
        ranges.reset(items, participants);
        joined.set(0);
        itemsLeft.set(items);
        failure = null;
        caller = Thread.currentThread();
        inside.set(participants); // published to helpers by the hand-off (a queue or an executor)
    }

    /** Drops the call's references, so a pooled job keeps no caller's tensors or exceptions alive. */
    private void clear() {
        failure = null;
        call.clear();
        caller = null;
    }

    /** True once a participant failed or the call was cancelled: the others stop at their next block. */
    boolean stopped() {
        return failure != null;
    }

    /**
     * Runs every item on the calling thread, with no shared state: the single-thread path. The call is
     * armed in the workspace's own {@link ForwardCall}, so any number of concurrent callers allocate nothing.
     */
    public static void runAll(TileOps ops, AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v, Tensor out,
                              Tensor lse, WorkspacePool workspaces, float[] partials, long callId, long deadline) {
        Workspace ws = workspaces.acquire();
        ForwardCall call = ws.soloCall;
        try {
            call.arm(ops, spec, mask, q, k, v, out, lse, partials, callId, deadline);
            ws.prepare(spec, ops);
            for (int item = 0; item < call.items; item++) {
                FlashAttention.runItem(call, ws, item, true, null);
            }
        } finally {
            call.clear();
            workspaces.release(ws);
        }
    }

    /** A helper's copy: takes part in the call, then leaves the job. */
    @Override
    public void run() {
        try {
            participate();
        } finally {
            leave();
        }
    }

    /**
     * The caller's part: takes items like a helper, waits until every item is done, rethrows the first
     * failure, and leaves the job (after which it must not be touched).
     */
    public void runAsCaller() {
        try {
            participate();
            awaitCompletion();
        } finally {
            leave();
        }
    }

    private void participate() {
        Workspace ws = null;
        try {
            int part = joined.getAndIncrement() % ranges.parts();
            while (true) {
                int item = ranges.takeOwn(part);
                boolean own = item >= 0;
                if (!own && (item = ranges.steal(part)) < 0) {
                    break;
                }
                if (failure == null) {
                    try {
                        if (ws == null) {
                            ws = workspaces.acquire();
                            ws.prepare(call.spec, call.ops);
                        }
                        // A stolen item's head is another thread's: packing all of it would be wasted.
                        FlashAttention.runItem(call, ws, item, own, this);
                    } catch (Throwable t) {
                        fail(t);
                    }
                }
                if (itemsLeft.decrementAndGet() == 0 && Thread.currentThread() != caller) {
                    LockSupport.unpark(caller);
                }
            }
        } finally {
            if (ws != null) {
                workspaces.release(ws);
            }
        }
    }

    /** One participant (or a copy that was never handed over) is done with the job; the last one pools it. */
    public void leave() {
        if (inside.decrementAndGet() == 0) {
            pool.giveBack(this);
        }
    }

    private synchronized void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    /**
     * Waits until every item is done, then rethrows the first failure, if any. An interrupt or the
     * deadline while waiting cancels the call: the others stop at their next key block, and this
     * returns (throwing) once no item is in flight, so nobody writes the output after the call ended.
     * Parks instead of a latch: nothing is allocated per call.
     */
    private void awaitCompletion() {
        boolean interrupted = false;
        while (itemsLeft.get() > 0) {
            if (call.deadline == FlashAttention.NO_DEADLINE || failure != null) {
                LockSupport.park(this);
            } else {
                long left = call.deadline - System.nanoTime();
                if (left > 0) {
                    LockSupport.parkNanos(this, left);
                } else if (itemsLeft.get() > 0) {
                    fail(new AttentionCancelledException(AttentionCancelledException.Reason.DEADLINE,
                            "the deadline passed before the call finished"));
                }
            }
            if (Thread.interrupted()) { // cleared, so park blocks again; restored below
                interrupted = true;
                fail(new AttentionCancelledException(AttentionCancelledException.Reason.INTERRUPTED,
                        "interrupted while waiting for the call's other threads"));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        WorkerPool.rethrow(failure);
    }
}
