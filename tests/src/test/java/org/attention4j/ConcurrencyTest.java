package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Storage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bitwise determinism across thread counts, and many callers sharing one engine. */
class ConcurrencyTest {

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void resultsAreBitwiseIdenticalForEveryThreadCount(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        // many work items (2 batches × 2 kv heads × several query blocks), causal, GQA, odd sizes
        AttentionSpec spec = AttentionSpec.builder().batch(2).queryLength(700).keyLength(750).heads(4).kvHeads(2)
                .headDim(kernel == Kernel.SCALAR ? 24 : 72).causal(true).build();
        Case c = new Case(spec, Layout.BSHD, Storage.ARRAY, true, 1f, 11);
        float[][] outs = new float[4][];
        float[][] lses = new float[4][];
        int[] threadCounts = {1, 2, 3, 8};
        for (int t = 0; t < threadCounts.length; t++) {
            TestSupport.Problem p = TestSupport.problem(c);
            try (AttentionEngine e = AttentionEngine.builder().kernel(kernel).threads(threadCounts[t]).build()) {
                e.forward(spec, p.q, p.k, p.v, p.out, p.lse);
            }
            outs[t] = p.out.segment().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
            lses[t] = p.lse.segment().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
        }
        for (int t = 1; t < threadCounts.length; t++) {
            assertArrayEquals(outs[0], outs[t], "out with " + threadCounts[t] + " threads vs 1");
            assertArrayEquals(lses[0], lses[t], "lse with " + threadCounts[t] + " threads vs 1");
        }
    }

    /**
     * A sliding window over 2 kv heads, from arrays (read in place) and from segments (copied): with
     * 3 threads the ranges split heads and the late threads steal items, which then pack keys and
     * values block by block instead of the whole head. The result must not change by a bit.
     */
    @ParameterizedTest
    @EnumSource(value = Storage.class)
    void stolenItemsAndPerBlockPacksGiveTheSameBits(Storage storage) {
        AttentionSpec spec = AttentionSpec.builder().batch(1).length(1100).heads(4).kvHeads(2).headDim(40)
                .causal(true).window(300, 0).build();
        Case c = new Case(spec, Layout.BSHD, storage, true, 1f, 5);
        float[][] outs = new float[3][];
        int[] threadCounts = {1, 2, 3};
        for (int t = 0; t < threadCounts.length; t++) {
            TestSupport.Problem p = TestSupport.problem(c);
            try (AttentionEngine e = AttentionEngine.builder().threads(threadCounts[t]).build()) {
                e.forward(spec, p.q, p.k, p.v, p.out, p.lse);
            }
            outs[t] = p.out.segment().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
        }
        assertArrayEquals(outs[0], outs[1], "2 threads vs 1");
        assertArrayEquals(outs[0], outs[2], "3 threads vs 1");
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void sixteenCallersShareOneEngine(Kernel kernel) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(3).build()) {
            List<Future<Double>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = 40 + 37 * i;
                AttentionSpec spec = AttentionSpec.builder().batch(1 + i % 2).queryLength(n).keyLength(n + i)
                        .heads(4).kvHeads(i % 3 == 0 ? 1 : 4).headDim(8 + 8 * (i % 5)).causal(i % 2 == 0).build();
                Case c = new Case(spec, Layout.values()[i % 2], Storage.values()[i % 3], true, 1f, 500 + i);
                results.add(callers.submit(() -> {
                    double worst = 0;
                    for (int repeat = 0; repeat < 3; repeat++) {
                        worst = Math.max(worst, TestSupport.checkAgainstReference(engine, c));
                    }
                    return worst;
                }));
            }
            for (Future<Double> r : results) {
                r.get(); // rethrows an assertion failure of any caller
            }
        } finally {
            callers.shutdown();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void confinedSegmentsRunOnTheCallerThread(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        AttentionSpec spec = AttentionSpec.builder().length(300).heads(2).headDim(16).build();
        try (Arena arena = Arena.ofConfined();
             AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(4).build()) {
            long bytes = 300L * 2 * 16 * Float.BYTES;
            MemorySegment q = arena.allocate(bytes), o = arena.allocate(bytes);
            for (long i = 0; i < bytes / 4; i++) {
                q.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) Math.sin(i));
            }
            Tensor tq = Tensor.bshd(q, 300, 2, 16);
            engine.forward(spec, tq, tq, tq, Tensor.bshd(o, 300, 2, 16));
            var ref = org.attention4j.reference.ReferenceAttention.compute(spec, tq, tq, tq);
            assertEquals(ref.out(0, 299, 1, 15), o.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT,
                    300L * 2 * 16 - 1), 1e-5);
        }
    }
}
