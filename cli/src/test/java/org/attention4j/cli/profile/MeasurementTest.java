package org.attention4j.cli.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MeasurementTest {
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aSlowFirstCallDoesNotCutTheWarmUpShort() {
        int[] calls = {0};
        // The first call lasts longer than LONG_CALL_NANOS (an interpreted first call), the others 1 ms.
        Measurement.Result r = Measurement.run(() -> sleep(calls[0]++ == 0 ? 2_100 : 1), 4, 0, 5, 0, () -> false);
        assertTrue(r.warmup() >= 4, "all requested warm-up calls run (more while the JIT is busy): " + r.warmup());
        assertEquals(5, r.count(), "all requested iterations run");
        assertTrue(r.note().isEmpty(), "not a long call: " + r.note());
    }

    @Test
    void callsThatStayLongGetTwoWarmUpsAndFewIterations() {
        Measurement.Result r = Measurement.run(() -> sleep(2_100), 3, 0, 10, 0, () -> false);
        assertEquals(2, r.warmup());
        assertEquals(Measurement.LONG_CALL_ITERATIONS, r.count());
        assertTrue(r.note().startsWith("long call"), r.note());
    }
}
