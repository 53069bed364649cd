package org.attention4j.bench;

import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;

/** Runs one body on several platform threads released together: the machine yardsticks' timing loop. */
final class AtOnce {
    private AtOnce() {}

    /**
     * Starts {@code threads} threads, releases them at once, each running {@code body} with its index,
     * and returns the slowest one's nanoseconds (the yardsticks divide the whole work by it).
     *
     * @param what what is measured, for the error when the caller is interrupted
     */
    static long slowestNanos(int threads, IntConsumer body, String what) {
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        long[] elapsed = new long[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long t0 = System.nanoTime();
                body.accept(id);
                elapsed[id] = System.nanoTime() - t0;
            });
        }
        start.countDown();
        long slowest = 0;
        for (int t = 0; t < threads; t++) {
            try {
                workers[t].join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring " + what, e);
            }
            slowest = Math.max(slowest, elapsed[t]);
        }
        return slowest;
    }
}
