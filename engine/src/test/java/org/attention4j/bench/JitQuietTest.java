package org.attention4j.bench;

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
}
