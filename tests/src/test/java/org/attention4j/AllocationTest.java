package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Steady-state allocation per call, measured with the thread allocation counter: must not grow with n. */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void singleThreadCallsAllocateNothingWhateverTheLength(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        long small = bytesPerCall(kernel, 1, 256);
        long large = bytesPerCall(kernel, 1, 2048);
        System.out.printf("AllocationTest %s 1 thread: %d B/call at n=256, %d B/call at n=2048%n", kernel, small, large);
        assertEquals(0, small, "bytes per call at n=256");
        assertEquals(0, large, "bytes per call at n=2048");
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void multiThreadCallsAllocateNothing(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        long small = bytesPerCall(kernel, 2, 256);
        long large = bytesPerCall(kernel, 2, 2048);
        System.out.printf("AllocationTest %s 2 threads: %d B/call at n=256, %d B/call at n=2048%n", kernel, small,
                large);
        assertEquals(0, small, "bytes per call at n=256, 2 threads (pooled job, parked hand-off)");
        assertEquals(0, large, "bytes per call at n=2048, 2 threads");
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void decodeCallsAllocateNothing(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        // One query per head against 2048 keys, 4 heads sharing each kv head: the row-by-row path.
        AttentionSpec spec = AttentionSpec.builder().queryLength(1).keyLength(2048).heads(8).kvHeads(2).headDim(32)
                .causal(true).build();
        long bytes = bytesPerCall(kernel, 1, spec);
        // One kv head over 8192 keys: split over its keys (four parts, then a merge).
        AttentionSpec split = AttentionSpec.builder().queryLength(1).keyLength(8192).heads(8).kvHeads(1).headDim(32)
                .causal(true).build();
        long splitBytes = bytesPerCall(kernel, 1, split);
        long splitTwoThreads = bytesPerCall(kernel, 2, split);
        System.out.printf("AllocationTest %s decode: %d B/call, split over its keys %d B/call (2 threads: %d)%n",
                kernel, bytes, splitBytes, splitTwoThreads);
        assertEquals(0, bytes, "bytes per decode call");
        assertEquals(0, splitBytes, "bytes per decode call split over its keys");
        assertEquals(0, splitTwoThreads, "bytes per split decode call on 2 threads");
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void valueHeadsOfTheirOwnSizeAllocateNothing(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        AttentionSpec tiled = AttentionSpec.builder().length(1024).heads(2).headDim(48).valueHeadDim(80).causal(true)
                .build();
        AttentionSpec split = AttentionSpec.builder().queryLength(1).keyLength(8192).heads(4).kvHeads(1).headDim(40)
                .valueHeadDim(24).build();
        long tiledBytes = bytesPerCall(kernel, 2, tiled), splitBytes = bytesPerCall(kernel, 2, split);
        System.out.printf("AllocationTest %s Dv != D: %d B/call tiled, %d B/call split decode (2 threads)%n", kernel,
                tiledBytes, splitBytes);
        assertEquals(0, tiledBytes, "bytes per tiled call with Dv != D");
        assertEquals(0, splitBytes, "bytes per split decode call with Dv != D");
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void deadlinesAsDurationOrInstantAllocateNothing(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        AttentionSpec spec = AttentionSpec.builder().length(256).heads(2).headDim(32).causal(true).build();
        Duration timeout = Duration.ofMinutes(10);
        Instant deadline = Instant.now().plus(Duration.ofDays(1));
        long relative = bytesPerCall(kernel, 1, spec,
                (e, q, k, v, o, lse) -> e.forward(spec, q, k, v, o, lse, timeout));
        long absolute = bytesPerCall(kernel, 1, spec,
                (e, q, k, v, o, lse) -> e.forward(spec, q, k, v, o, lse, deadline));
        System.out.printf("AllocationTest %s deadlines: %d B/call with a Duration, %d B/call with an Instant%n",
                kernel, relative, absolute);
        assertEquals(0, relative, "bytes per call with a Duration timeout");
        assertEquals(0, absolute, "bytes per call with an Instant deadline");
    }

    /** One forward call on the given engine and views. */
    private interface Call {
        void forward(AttentionEngine engine, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse);
    }

    private static long bytesPerCall(Kernel kernel, int threads, int n) {
        return bytesPerCall(kernel, threads, AttentionSpec.builder().length(n).heads(2).headDim(32).causal(true).build());
    }

    private static long bytesPerCall(Kernel kernel, int threads, AttentionSpec spec) {
        return bytesPerCall(kernel, threads, spec, (e, q, k, v, o, lse) -> e.forward(spec, q, k, v, o, lse));
    }

    /**
     * Bytes per call in steady state, allocated by the caller and the engine's worker threads: the least
     * over rounds of calls. Until C2 has compiled the kernel, Vector API code runs interpreted and
     * boxes every vector; on a loaded machine that can outlast any fixed warm-up (a method recompiled
     * after a deoptimization runs in the interpreter meanwhile: seen once in a few runs of a surefire JVM
     * shared with the concurrency tests, 0.8–1.3 MB in each of 20 rounds), so the rounds go on until one
     * is clean, up to 200. Steady state is what the test is about; a real per-call allocation shows in
     * every round.
     */
    private static long bytesPerCall(Kernel kernel, int threads, AttentionSpec spec, Call call) {
        int lq = spec.queryLength(), n = spec.keyLength(), h = spec.heads(), kv = spec.kvHeads(), d = spec.headDim();
        int dv = spec.valueHeadDim();
        float[] x = new float[n * h * Math.max(d, dv)];
        float[] o = new float[lq * h * dv];
        float[] lse = new float[h * lq];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        Tensor tq = Tensor.bshd(x, lq, h, d), tk = Tensor.bshd(x, n, kv, d), tv = Tensor.bshd(x, n, kv, dv);
        Tensor to = Tensor.bshd(o, lq, h, dv);
        Tensor tl = Tensor.lse(lse, h, lq);
        try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(threads).build()) {
            int calls = kernel == Kernel.SCALAR && n > 1000 ? 3 : 10;
            for (int i = 0; i < 3 * calls; i++) {
                call.forward(engine, tq, tk, tv, to, tl); // warm-up: workspaces grow, code compiles
            }
            // Other threads of the test JVM (surefire's) allocate now and then: only the engine's are counted.
            long[] workers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("attention4j-")).mapToLong(Thread::threadId).toArray();
            long least = Long.MAX_VALUE;
            for (int round = 0; round < 200 && least > 0; round++) {
                long workersBefore = allocatedBy(workers); // reading other threads allocates on this one:
                long before = THREADS.getCurrentThreadAllocatedBytes(); // outside the caller's window
                for (int i = 0; i < calls; i++) {
                    call.forward(engine, tq, tk, tv, to, tl);
                }
                long caller = THREADS.getCurrentThreadAllocatedBytes() - before;
                least = Math.min(least, (caller + allocatedBy(workers) - workersBefore) / calls);
            }
            return least;
        }
    }

    private static long allocatedBy(long[] threadIds) {
        long bytes = 0;
        for (long id : threadIds) {
            bytes += Math.max(0, THREADS.getThreadAllocatedBytes(id)); // −1 once a thread has ended
        }
        return bytes;
    }
}
