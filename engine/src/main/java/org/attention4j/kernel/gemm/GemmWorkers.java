package org.attention4j.kernel.gemm;

/**
 * Fixed daemon worker threads for one {@code Gemm}, as the attention engine's {@code WorkerPool}: a call
 * offers its job to {@code threads − 1} workers and runs it on the caller's thread too. Unlike that
 * pool, an offer may be refused (the queue is bounded) and nothing is allocated per call: the queue is
 * a fixed ring guarded by this object's monitor ({@code LinkedBlockingQueue} allocates a node per
 * element, {@code ArrayBlockingQueue} a condition node per wait). A refused or never-run copy costs
 * only parallelism: the caller claims every item nobody else did.
 */
final class GemmWorkers {
    private final Runnable[] ring;
    private final Thread[] threads;
    private int head, size;
    private boolean closed;

    GemmWorkers(int workerCount, String namePrefix) {
        ring = new Runnable[Math.max(1, 16 * workerCount)];
        threads = new Thread[workerCount];
        for (int i = 0; i < workerCount; i++) {
            threads[i] = Thread.ofPlatform().daemon().name(namePrefix + i).unstarted(this::work);
            threads[i].start();
        }
    }

    int workerCount() {
        return threads.length;
    }

    /** Queues {@code job} for one worker; false when the queue is full or the pool is closed. */
    synchronized boolean offer(Runnable job) {
        if (closed || size == ring.length) {
            return false;
        }
        ring[(head + size) % ring.length] = job;
        size++;
        notify();
        return true;
    }

    private synchronized Runnable take() throws InterruptedException {
        while (size == 0 && !closed) {
            wait();
        }
        if (closed) {
            return null;
        }
        Runnable job = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        return job;
    }

    private void work() {
        while (true) {
            Runnable job;
            try {
                job = take();
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                return;
            }
            job.run(); // jobs catch their own failures and report them to their caller
        }
    }

    /** Stops the workers once their current job is done; queued copies are dropped (their callers finish them). */
    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
