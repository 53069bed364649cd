package org.attention4j.kernel;

import java.util.concurrent.locks.LockSupport;

/**
 * Fixed worker threads (daemon, created once): the one implementation of the project's parallel calls,
 * attention ({@link ForwardJob}), GEMM ({@code gemm.GemmCall}) and the naive peer alike; each owner (an
 * engine, a {@code Gemm}, a naive peer) has a pool of its own. A call hands the same job to
 * {@code n − 1} workers and runs it on the caller's thread too: the caller never only waits, so a
 * call makes progress even when every worker is busy with another caller's job, and a copy that no
 * worker ever runs costs only parallelism.
 *
 * <p>The hand-off allocates nothing: jobs go into a ring of slots under this pool's lock, and idle
 * workers park until {@link #submit} unparks them (a blocking queue allocated a node per job, and its
 * condition a node per wait).
 */
public final class WorkerPool implements AutoCloseable {
    private final Thread[] workers;
    private Runnable[] ring = new Runnable[64];
    private int head, size;
    private boolean closed;

    public WorkerPool(int workerCount, String namePrefix) {
        workers = new Thread[workerCount];
        for (int i = 0; i < workerCount; i++) {
            workers[i] = Thread.ofPlatform().daemon().name(namePrefix + i).unstarted(this::work);
            workers[i].start();
        }
    }

    public int workerCount() {
        return workers.length;
    }

    /** One of the worker threads, or null if there are none (to ask whether a segment is shared). */
    public Thread anyWorker() {
        return workers.length == 0 ? null : workers[0];
    }

    /**
     * Queues {@code job} for {@code copies} workers; false (nothing queued) once the pool is closed, when
     * the caller must do the work itself and drop what it reserved for the copies.
     */
    public boolean submit(Runnable job, int copies) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            for (int i = 0; i < copies; i++) {
                if (size == ring.length) { // more queued copies than ever before: grow (allocates once)
                    Runnable[] bigger = new Runnable[2 * ring.length];
                    for (int j = 0; j < size; j++) {
                        bigger[j] = ring[(head + j) % ring.length];
                    }
                    ring = bigger;
                    head = 0;
                }
                ring[(head + size++) % ring.length] = job;
            }
        }
        for (Thread worker : workers) { // a worker that finds nothing parks again
            LockSupport.unpark(worker);
        }
        return true;
    }

    /** The next queued job, or null when there is none. */
    private synchronized Runnable poll() {
        if (size == 0) {
            return null;
        }
        Runnable job = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        return job;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) { // as a blocking queue's take() did: an interrupted worker ends
            Runnable job = poll();
            if (job == null) {
                if (isClosed()) {
                    return;
                }
                LockSupport.park(this); // an unpark between poll and park leaves a permit: no job is missed
                continue;
            }
            job.run(); // jobs catch their own failures and report them to their caller
        }
    }

    /**
     * On a caller's thread, once every participant is done: rethrows the first failure one of them recorded
     * (unchecked as it was; a checked one wrapped), or returns when {@code failure} is null.
     */
    public static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
