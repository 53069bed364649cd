package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Storage;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a service needs: its own executor, virtual threads, cancellation, deadlines, budgets, JFR, listeners. */
class ServiceFeaturesTest {
    private static final AttentionSpec SMALL = AttentionSpec.builder().queryLength(300).keyLength(300).heads(4)
            .kvHeads(2).headDim(64).causal(true).build();
    /** About a second of work on one thread: long enough to be cancelled in the middle. */
    private static final AttentionSpec LONG = AttentionSpec.builder().length(6144).heads(8).headDim(64).build();

    private static TestSupport.Problem problem(AttentionSpec spec, long seed) {
        return TestSupport.problem(new Case(spec, Layout.BSHD, Storage.ARRAY, true, 1f, seed));
    }

    private static float[] outputOf(AttentionEngine engine, AttentionSpec spec) {
        TestSupport.Problem p = problem(spec, 5);
        engine.forward(spec, p.q, p.k, p.v, p.out, p.lse);
        TestSupport.compare(p, ReferenceAttention.compute(spec, p.q, p.k, p.v));
        return p.out.array().clone();
    }

    @Test
    void aGivenExecutorGivesTheSameBitsAndNestedCallsDoNotDeadlock() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (AttentionEngine own = AttentionEngine.create(3);
             AttentionEngine lent = AttentionEngine.builder().threads(3).executor(pool).build()) {
            float[] expected = outputOf(own, SMALL);
            assertArrayEquals(expected, outputOf(lent, SMALL));
            // every pool thread calls the engine, whose helpers queue on the same, busy pool
            List<Future<float[]>> nested = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                nested.add(pool.submit(() -> outputOf(lent, SMALL)));
            }
            for (Future<float[]> f : nested) {
                assertArrayEquals(expected, f.get(5, TimeUnit.MINUTES)); // a hang guard, not a speed limit
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void virtualThreadsCanCallIt() throws Exception {
        try (AttentionEngine engine = AttentionEngine.create(2);
             ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            float[] expected = outputOf(engine, SMALL);
            List<Future<float[]>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(virtual.submit(() -> outputOf(engine, SMALL)));
            }
            for (Future<float[]> f : calls) {
                assertArrayEquals(expected, f.get(5, TimeUnit.MINUTES));
            }
        }
    }

    @Test
    void anInterruptedCallStopsAndTheEngineStaysHealthy() throws Exception {
        for (int threads : new int[] {1, 3}) {
            try (AttentionEngine engine = AttentionEngine.create(threads)) {
                TestSupport.Problem p = problem(LONG, 1);
                Thread.currentThread().interrupt();
                AttentionCancelledException e = assertThrows(AttentionCancelledException.class,
                        () -> engine.forward(LONG, p.q, p.k, p.v, p.out));
                assertEquals(AttentionCancelledException.Reason.INTERRUPTED, e.reason());
                assertTrue(Thread.interrupted(), "the interrupt status is kept");

                // interrupted from another thread in the middle of the call
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                CountDownLatch started = new CountDownLatch(1);
                Thread caller = Thread.ofPlatform().start(() -> {
                    started.countDown();
                    try {
                        engine.forward(LONG, p.q, p.k, p.v, p.out);
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                });
                started.await();
                Thread.sleep(50);
                caller.interrupt();
                caller.join();
                assertTrue(thrown.get() == null || thrown.get() instanceof AttentionCancelledException,
                        String.valueOf(thrown.get()));
                outputOf(engine, SMALL); // still correct afterwards
            }
        }
    }

    @Test
    void aPassedDeadlineStopsTheCall() {
        for (int threads : new int[] {1, 3}) {
            try (AttentionEngine engine = AttentionEngine.create(threads)) {
                TestSupport.Problem p = problem(LONG, 2);
                AttentionCancelledException e = assertThrows(AttentionCancelledException.class,
                        () -> engine.forward(LONG, p.q, p.k, p.v, p.out, null, System.nanoTime() + 20_000_000L));
                assertEquals(AttentionCancelledException.Reason.DEADLINE, e.reason());
                outputOf(engine, SMALL);
                // a deadline far away changes nothing
                TestSupport.Problem s = problem(SMALL, 5);
                engine.forward(SMALL, s.q, s.k, s.v, s.out, s.lse, System.nanoTime() + 60_000_000_000L);
                TestSupport.compare(s, ReferenceAttention.compute(SMALL, s.q, s.k, s.v));
            }
        }
    }

    @Test
    void aDeadlineAlreadyPassedAsDurationOrInstantStopsTheCallBeforeAnythingIsWritten() {
        // keyLength 0: rows see no key, so no key block would ever check the deadline (they get O = 0)
        AttentionSpec noKeys = AttentionSpec.builder().queryLength(40).keyLength(0).heads(2).headDim(16).build();
        for (AttentionSpec spec : new AttentionSpec[] {SMALL, noKeys}) {
            try (AttentionEngine engine = AttentionEngine.create(2)) {
                TestSupport.Problem p = problem(spec, 3);
                AttentionMask mask = AttentionMask.keyLengths(new int[] {spec.keyLength()}, spec.keyLength());
                List<Runnable> calls = List.of(
                        () -> engine.forward(spec, p.q, p.k, p.v, p.out, p.lse, Duration.ZERO),
                        () -> engine.forward(spec, p.q, p.k, p.v, p.out, p.lse, Duration.ofMillis(-5)),
                        () -> engine.forward(spec, p.q, p.k, p.v, p.out, p.lse, Instant.now().minusMillis(1)),
                        () -> engine.forward(spec, p.q, p.k, p.v, p.out, p.lse, Instant.EPOCH),
                        () -> engine.forward(spec, p.q, p.k, p.v, p.out, p.lse, mask, Duration.ofNanos(-1)),
                        () -> engine.forward(spec, p.q, p.k, p.v, p.out, p.lse, mask, Instant.now().minusSeconds(1)),
                        () -> engine.forward(spec, p.q, p.k, p.v, p.out, p.lse, System.nanoTime() - 1));
                for (Runnable call : calls) {
                    java.util.Arrays.fill(p.out.array(), Float.NaN);
                    java.util.Arrays.fill(p.lse.array(), Float.NaN);
                    AttentionCancelledException e = assertThrows(AttentionCancelledException.class, call::run);
                    assertEquals(AttentionCancelledException.Reason.DEADLINE, e.reason());
                    assertTrue(allNaN(p.out.array()) && allNaN(p.lse.array()), spec + ": nothing written");
                }
                outputOf(engine, SMALL); // the engine is fine afterwards
            }
        }
    }

    @Test
    void aFarDeadlineAsDurationOrInstantChangesNothing() {
        AttentionMask mask = AttentionMask.keyLengths(new int[] {250}, SMALL.keyLength());
        try (AttentionEngine engine = AttentionEngine.create(3)) {
            for (Duration timeout : new Duration[] {Duration.ofSeconds(60), Duration.ofDays(365L * 200),
                    Duration.ofSeconds(Long.MAX_VALUE)}) {
                TestSupport.Problem p = problem(SMALL, 5);
                engine.forward(SMALL, p.q, p.k, p.v, p.out, p.lse, timeout);
                TestSupport.compare(p, ReferenceAttention.compute(SMALL, p.q, p.k, p.v));
                engine.forward(SMALL, p.q, p.k, p.v, p.out, p.lse, mask, timeout);
                TestSupport.compare(p, ReferenceAttention.compute(SMALL, mask, p.q, p.k, p.v));
            }
            for (Instant deadline : new Instant[] {Instant.now().plusSeconds(60), Instant.MAX}) {
                TestSupport.Problem p = problem(SMALL, 6);
                engine.forward(SMALL, p.q, p.k, p.v, p.out, p.lse, deadline);
                TestSupport.compare(p, ReferenceAttention.compute(SMALL, p.q, p.k, p.v));
                engine.forward(SMALL, p.q, p.k, p.v, p.out, p.lse, mask, deadline);
                TestSupport.compare(p, ReferenceAttention.compute(SMALL, mask, p.q, p.k, p.v));
            }
        }
    }

    @Test
    void aDurationOrInstantDeadlinePassingDuringTheCallStopsIt() {
        try (AttentionEngine engine = AttentionEngine.create(3)) {
            TestSupport.Problem p = problem(LONG, 2);
            AttentionCancelledException relative = assertThrows(AttentionCancelledException.class,
                    () -> engine.forward(LONG, p.q, p.k, p.v, p.out, null, Duration.ofMillis(20)));
            assertEquals(AttentionCancelledException.Reason.DEADLINE, relative.reason());
            AttentionCancelledException absolute = assertThrows(AttentionCancelledException.class,
                    () -> engine.forward(LONG, p.q, p.k, p.v, p.out, null, Instant.now().plusMillis(20)));
            assertEquals(AttentionCancelledException.Reason.DEADLINE, absolute.reason());
            TestSupport.Problem s = problem(SMALL, 5);
            IllegalArgumentException noTimeout = assertThrows(IllegalArgumentException.class,
                    () -> engine.forward(SMALL, s.q, s.k, s.v, s.out, s.lse, (Duration) null));
            assertTrue(noTimeout.getMessage().startsWith("timeout = null"), noTimeout.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> engine.forward(SMALL, s.q, s.k, s.v, s.out, s.lse, null, (Instant) null));
        }
    }

    private static boolean allNaN(float[] values) {
        for (float x : values) {
            if (!Float.isNaN(x)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theWorkspaceEstimateIsWhatACallHolds() {
        AttentionSpec[] specs = {SMALL,
                AttentionSpec.builder().length(1000).heads(8).kvHeads(1).headDim(64).causal(true).window(511, 0)
                        .build(),
                AttentionSpec.builder().length(1000).heads(4).headDim(128)
                        .alibiSlopes(AttentionSpec.standardAlibiSlopes(4)).build(),
                AttentionSpec.builder().length(700).heads(4).headDim(192).valueHeadDim(128).causal(true).build(),
                AttentionSpec.builder().length(300).heads(2).headDim(24).valueHeadDim(100).build(),
                AttentionSpec.builder().queryLength(1).keyLength(5000).heads(2).kvHeads(1).headDim(40)
                        .valueHeadDim(72).build()};
        for (AttentionSpec spec : specs) {
            try (AttentionEngine engine = AttentionEngine.create(1)) {
                TestSupport.Problem p = problem(spec, 9);
                engine.forward(spec, p.q, p.k, p.v, p.out);
                assertEquals(engine.workspaceBytes(spec), engine.workspaceBytesHeld(), spec.toString());
            }
        }
    }

    @Test
    void aMemoryBudgetRejectsBigSpecsBeforeAnyWork() {
        try (AttentionEngine unlimited = AttentionEngine.create(2);
             AttentionEngine engine = AttentionEngine.builder().threads(2).memoryBudget(4 << 20).build()) {
            long needed = unlimited.workspaceBytes(LONG);
            assertTrue(needed > 4 << 20);
            TestSupport.Problem p = problem(LONG, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> engine.forward(LONG, p.q, p.k, p.v, p.out));
            assertTrue(e.getMessage().contains(needed + " bytes") && e.getMessage().contains("4194304 bytes"),
                    e.getMessage());
            assertTrue(Float.isNaN(p.out.get(0, 0, 0, 0)), "nothing written");
            outputOf(engine, SMALL); // within the budget
        }
    }

    @Test
    void theListenerSeesEveryCall() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Throwable> lastFailure = new AtomicReference<>();
        ForwardListener listener = (spec, kernel, threads, nanos, failure) -> {
            calls.incrementAndGet();
            assertNotNull(kernel);
            assertEquals(2, threads);
            assertTrue(nanos > 0);
            lastFailure.set(failure);
        };
        try (AttentionEngine engine = AttentionEngine.builder().threads(2).listener(listener).build()) {
            outputOf(engine, SMALL);
            outputOf(engine, SMALL);
            assertEquals(2, calls.get());
            assertNull(lastFailure.get());
            TestSupport.Problem p = problem(LONG, 4);
            assertThrows(AttentionCancelledException.class,
                    () -> engine.forward(LONG, p.q, p.k, p.v, p.out, null, System.nanoTime()));
            assertEquals(3, calls.get());
            assertTrue(lastFailure.get() instanceof AttentionCancelledException);
        }
    }

    @Test
    void eachCallIsAJfrEvent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a.jfr");
        try (AttentionEngine engine = AttentionEngine.create(2); Recording recording = new Recording()) {
            recording.enable("org.attention4j.Forward");
            recording.start();
            for (int i = 0; i < 3; i++) {
                outputOf(engine, SMALL);
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("org.attention4j.Forward")).toList();
        assertEquals(3, events.size());
        RecordedEvent e = events.get(0);
        assertEquals(300, e.getInt("queryLength"));
        assertEquals(2, e.getInt("kvHeads"));
        assertEquals(2, e.getInt("threads"));
        assertTrue(e.getLong("workspaceBytes") > 0);
        assertTrue(e.getDuration().toNanos() > 0);
        assertTrue(Files.size(file) > 0);
    }

    @Test
    void warmUpRunsEachSpecAtLeastThreeTimes() {
        try (AttentionEngine engine = AttentionEngine.create(2)) {
            assertTrue(engine.warmUp(Duration.ZERO, SMALL, AttentionSpec.of(1, 64, 2, 32, false)) >= 6);
        }
    }
}
