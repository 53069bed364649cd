package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.attention4j.Kernel;
import org.attention4j.TestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Steady-state allocation per call, measured with the thread allocation counters of the caller and of
 * the Gemm's own workers: nothing, with 1 thread and with several (packing buffers and call objects
 * are pooled, the worker queue is a fixed ring).
 */
class GemmAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void callsAllocateNothingOnAnyThread(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        for (int threads : new int[] {1, 3}) {
            for (int size : new int[] {40, 200}) {
                long bytes = bytesPerCall(kernel, threads, size);
                System.out.printf("GemmAllocationTest %s %d threads n=%d: %d B/call%n", kernel, threads, size, bytes);
                assertEquals(0, bytes, kernel + ", " + threads + " threads, " + size + "³: bytes per call");
            }
        }
    }

    /**
     * Bytes per call allocated by the caller and by every worker of the Gemm after warm-up: the least of
     * up to 200 windows of 20 calls. A per-call allocation shows in every window; the pools growing once
     * more (a worker woke late and still held the last call object) or a late compilation does not.
     */
    private static long bytesPerCall(Kernel kernel, int threads, int size) {
        GemmProblem p = new GemmProblem(size, size + 3, size + 1, 4, true, size);
        try (Gemm gemm = Gemm.create(threads, kernel)) {
            int calls = 20;
            for (int i = 0; i < 5 * calls; i++) {
                p.run(gemm); // warm-up: buffers and call objects are created, code compiles
            }
            long[] workers = workerIds();
            long least = Long.MAX_VALUE;
            // Up to 200 windows, stopping at the first that allocates nothing: on a loaded machine C2 may
            // compile the Vector API kernel late, and until then its vectors are boxed (a warm-up
            // artifact, not a per-call allocation, which would show in every window).
            for (int window = 0; window < 200 && least > 0; window++) {
                long workersBefore = allocated(workers);
                long callerBefore = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < calls; i++) {
                    p.run(gemm);
                }
                long caller = THREADS.getCurrentThreadAllocatedBytes() - callerBefore;
                long others = allocated(workers) - workersBefore;
                least = Math.min(least, (caller + others) / calls);
            }
            return least;
        }
    }

    /** Ids of the live GEMM worker threads (this test runs one Gemm at a time). */
    private static long[] workerIds() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("attention4j-gemm-") && t.isAlive())
                .mapToLong(Thread::threadId).toArray();
    }

    private static long allocated(long[] threadIds) {
        long bytes = 0;
        for (long id : threadIds) {
            bytes += Math.max(0, THREADS.getThreadAllocatedBytes(id));
        }
        return bytes;
    }
}
