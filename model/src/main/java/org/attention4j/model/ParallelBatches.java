package org.attention4j.model;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The batches of one {@code embed} call run by the caller and up to {@code helpers} pool threads, each
 * claiming the next batch until none is left. The caller waits only for batches that were claimed: a
 * helper task that starts late (its pool busy with another call) finds nothing to claim and ends, so a
 * call never waits on a queue. The first failure is rethrown on the caller's thread.
 */
final class ParallelBatches {
    /** One batch: texts {@code first .. end}, with a packing buffer owned by the running thread. */
    interface Batch {
        void run(PackedBatch buffer, int first, int end);
    }

    private final int[] firsts;
    private final Batch batch;
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch done;
    private volatile Throwable failure;

    ParallelBatches(int[] firsts, Batch batch) {
        this.firsts = firsts;
        this.batch = batch;
        this.done = new CountDownLatch(firsts.length - 1);
    }

    void run(ExecutorService pool, int helpers) {
        for (int i = 0; i < helpers; i++) {
            try {
                pool.execute(this::work);
            } catch (RejectedExecutionException e) {
                break; // a closed pool: the caller does the rest
            }
        }
        work();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // claimed batches are writing into the caller's array: wait for them
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    private void work() {
        PackedBatch buffer = new PackedBatch();
        for (int b; (b = next.getAndIncrement()) < firsts.length - 1; ) {
            try {
                if (failure == null) {
                    batch.run(buffer, firsts[b], firsts[b + 1]);
                }
            } catch (RuntimeException | Error e) {
                failure = e;
            } finally {
                done.countDown();
            }
        }
    }
}
