package org.attention4j.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Cancellation: a failure (including the caller's interrupt or deadline, recorded while it waits)
 * makes every participant stop at its next key block ({@link FlashAttention#checkStop}).
 */
public final class ForwardJob implements Runnable {
    private final TileOps ops;
    private final AttentionSpec spec;
    private final AttentionMask mask;
    private final Tensor q, k, v, out, lse;
    private final float[] partials;
    private final WorkspacePool workspaces;
    private final int itemCount;
    private final long callId;
    private final long deadline;
    private final ItemRanges ranges;
    private final AtomicInteger joined = new AtomicInteger();
    private final CountDownLatch itemsLeft;
    private volatile Throwable failure;

    public ForwardJob(TileOps ops, AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse,
                      WorkspacePool workspaces, float[] partials, long callId, long deadline, int participants) {
        this.ops = ops;
        this.partials = partials;
        this.deadline = deadline;
        this.callId = callId;
        this.spec = spec;
        this.mask = mask;
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.lse = lse;
        this.workspaces = workspaces;
        this.itemCount = TilePlan.itemCount(spec, ops);
        this.itemsLeft = new CountDownLatch(itemCount);
        this.ranges = new ItemRanges(itemCount, participants);
    }

    public int itemCount() {
        return itemCount;
    }

    /** True once a participant failed or the call was cancelled: the others stop at their next block. */
    boolean stopped() {
        return failure != null;
    }

    /** Runs every item on the calling thread, with no shared state: the single-thread path. */
    public static void runAll(TileOps ops, AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v, Tensor out,
                              Tensor lse, WorkspacePool workspaces, float[] partials, long callId, long deadline) {
        Workspace ws = workspaces.acquire();
        try {
            ws.prepare(spec, ops);
            int items = TilePlan.itemCount(spec, ops);
            for (int item = 0; item < items; item++) {
                FlashAttention.runItem(ops, spec, mask, q, k, v, out, lse, ws, callId, item, true, deadline, null,
                        partials);
            }
        } finally {
            workspaces.release(ws);
        }
    }

    @Override
    public void run() {
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
                            ws.prepare(spec, ops);
                        }
                        // A stolen item's head is another thread's: packing all of it would be wasted.
                        FlashAttention.runItem(ops, spec, mask, q, k, v, out, lse, ws, callId, item, own, deadline,
                                this, partials);
                    } catch (Throwable t) {
                        fail(t);
                    }
                }
                itemsLeft.countDown();
            }
        } finally {
            if (ws != null) {
                workspaces.release(ws);
            }
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
     */
    public void awaitCompletion() {
        boolean interrupted = false;
        while (true) {
            try {
                if (deadline == FlashAttention.NO_DEADLINE || failure != null) {
                    itemsLeft.await();
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !itemsLeft.await(left, TimeUnit.NANOSECONDS)) {
                    if (itemsLeft.getCount() == 0) {
                        break;
                    }
                    fail(new AttentionCancelledException(AttentionCancelledException.Reason.DEADLINE,
                            "the deadline passed before the call finished"));
                    continue;
                }
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                fail(new AttentionCancelledException(AttentionCancelledException.Reason.INTERRUPTED,
                        "interrupted while waiting for the call's other threads"));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure;
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
