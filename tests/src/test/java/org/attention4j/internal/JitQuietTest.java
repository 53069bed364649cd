package org.attention4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitQuietTest {
    @Test
    void aNewWatchHasSeenNoQuietYet() {
        assertFalse(new JitQuiet().quietFor(1), "the first poll starts the watch: nothing is known before it");
    }

    @Test
    void anIdleJvmBecomesQuiet() throws InterruptedException {
        JitQuiet jit = new JitQuiet();
        boolean quiet = false;
        // A sleeping JVM stops compiling within a few seconds; 60 s only guards against a hang.
        for (int i = 0; i < 600 && !quiet; i++) {
            quiet = jit.quietFor(300_000_000L);
            Thread.sleep(100);
        }
        assertTrue(quiet, "the JIT never looked idle for 0.3 s in 60 s");
    }

    @Test
    void runUntilCompiledMakesAtLeastTheMinimumCallsAndStopsAtTheCap() {
        int[] calls = {0};
        // No minimum time, a 50 ms cap: however busy the JIT, the loop ends after 50 ms and 5 calls.
        long t0 = System.nanoTime();
        int made = JitQuiet.runUntilCompiled(() -> calls[0]++, 5, 0, 50_000_000L, 300_000_000L);
        assertEquals(calls[0], made);
        assertTrue(made >= 5, "made " + made + " calls");
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "the cap ends the loop");
    }
}
