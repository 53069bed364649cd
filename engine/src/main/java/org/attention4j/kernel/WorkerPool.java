package org.attention4j.kernel;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * The engine's own fixed worker threads (daemon, created once). A call hands the same job to
 * {@code n − 1} workers and runs it on the caller's thread too: the caller never only waits, so a
 * call makes progress even when every worker is busy with another caller's job.
 */
public final class WorkerPool implements AutoCloseable {
    private static final Runnable STOP = () -> { };
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread[] workers;

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

    /** Queues {@code job} for {@code copies} workers. */
    public void submit(Runnable job, int copies) {
        for (int i = 0; i < copies; i++) {
            queue.add(job);
        }
    }

    private void work() {
        while (true) {
            Runnable job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (job == STOP) {
                return;
            }
            job.run(); // jobs catch their own failures and report them to their caller
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < workers.length; i++) {
            queue.add(STOP);
        }
    }
}
