package org.attention4j.cli.serve;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The bounded queue in front of the model: at most {@code capacity} requests waiting for or running on
 * it at once, the next ones refused at once ({@link Full}, a 429) rather than queued without bound.
 *
 * <p>Computations run one at a time (each on the model's own threads) on a platform thread of their own,
 * not on the request's virtual thread: CPU-bound work would hold a carrier thread, and with as many
 * carriers as cores the server could not even answer {@code /healthz} or a 429 meanwhile. The
 * request's virtual thread waits for the result, unmounted.
 */
final class ModelQueue implements AutoCloseable {
    /** Thrown when {@code capacity} requests are already in the queue. */
    static final class Full extends Exception {
        Full(int capacity) {
            super("the server is busy: " + capacity + " requests are already waiting for or running on the model"
                    + " (--queue); retry later", null, false, false);
        }
    }

    private final int capacity;
    private final Semaphore permits;
    private final ThreadPoolExecutor runner;

    ModelQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue = " + capacity + ": expected >= 1");
        }
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
        // Never more than `capacity` tasks: the permits bound them, so this queue never fills.
        this.runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity),
                Thread.ofPlatform().name("attention4j-serve-model").daemon(true).factory());
    }

    /**
     * Runs {@code work} when its turn comes and returns its result, or throws {@link Full} at once. The
     * work's own runtime exceptions and errors come back as they are.
     *
     * @throws IllegalStateException when the queue is closed or the waiting thread is interrupted
     */
    <T> T run(Supplier<T> work) throws Full {
        if (!permits.tryAcquire()) {
            throw new Full(capacity);
        }
        Future<T> result;
        try {
            result = runner.submit(() -> {
                try {
                    return work.get();
                } finally {
                    permits.release(); // when the work ends, not when its waiter leaves: the bound holds
                }
            });
        } catch (RejectedExecutionException e) {
            permits.release();
            throw new IllegalStateException("the server is stopping");
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the model");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    int capacity() {
        return capacity;
    }

    /** Requests waiting for or running on the model now. */
    int busy() {
        return capacity - permits.availablePermits();
    }

    /** Takes one place in the queue without running anything (tests: fill the queue); false when full. */
    boolean tryHold() {
        return permits.tryAcquire();
    }

    /** Gives back a place taken by {@link #tryHold}. */
    void release() {
        permits.release();
    }

    /** Takes no new work and waits up to {@code grace} for the queued and running work to end. */
    boolean close(Duration grace) throws InterruptedException {
        runner.shutdown();
        return runner.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
