package org.attention4j.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * One forward call's work items, shared by the participating threads: each claims the next item
 * until none is left. Every claimed item is counted down even if it failed, so the caller's wait
 * always ends; the first failure is rethrown on the caller's thread.
 */
public final class ForwardJob implements Runnable {
    private final TileOps ops;
    private final AttentionSpec spec;
    private final Tensor q, k, v, out, lse;
    private final WorkspacePool workspaces;
    private final int itemCount;
    private final long callId;
    private final AtomicInteger nextItem = new AtomicInteger();
    private final CountDownLatch itemsLeft;
    private volatile Throwable failure;

    public ForwardJob(TileOps ops, AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse,
                      WorkspacePool workspaces, long callId) {
        this.ops = ops;
        this.callId = callId;
        this.spec = spec;
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.lse = lse;
        this.workspaces = workspaces;
        this.itemCount = TilePlan.itemCount(spec, ops);
        this.itemsLeft = new CountDownLatch(itemCount);
    }

    public int itemCount() {
        return itemCount;
    }

    /** Runs every item on the calling thread, with no shared state: the single-thread path. */
    public static void runAll(TileOps ops, AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out,
                              Tensor lse, WorkspacePool workspaces, long callId) {
        Workspace ws = workspaces.acquire();
        try {
            ws.prepare(spec, ops);
            int items = TilePlan.itemCount(spec, ops);
            for (int item = 0; item < items; item++) {
                FlashAttention.runItem(ops, spec, q, k, v, out, lse, ws, callId, item);
            }
        } finally {
            workspaces.release(ws);
        }
    }

    @Override
    public void run() {
        Workspace ws = null;
        try {
            ws = workspaces.acquire();
            ws.prepare(spec, ops);
        } catch (Throwable t) {
            fail(t);
        }
        try {
            int item;
            while ((item = nextItem.getAndIncrement()) < itemCount) {
                if (failure == null) {
                    try {
                        FlashAttention.runItem(ops, spec, q, k, v, out, lse, ws, callId, item);
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

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    /** Waits until every item is done, then rethrows the first failure, if any. */
    public void awaitCompletion() {
        boolean interrupted = false;
        while (true) {
            try {
                itemsLeft.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // items in flight write the output: finish them before returning
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
