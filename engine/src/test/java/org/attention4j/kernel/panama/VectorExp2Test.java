package org.attention4j.kernel.panama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.attention4j.kernel.TileOpsProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The vector exp2 over the whole float range it serves, against Math.pow in double. */
class VectorExp2Test {

    @BeforeEach
    void needsTheVectorModule() {
        // Checked before any panama class is touched, so the run without the module skips cleanly.
        org.junit.jupiter.api.Assumptions.assumeTrue(TileOpsProvider.vectorAvailable(), "no jdk.incubator.vector");
    }

    @Test
    void relativeErrorIsBelowThreeTenMillionthsOnTheNormalRange() {
        double worst = 0;
        // every 7th float bit pattern in [-125, 127]: ~260 million patterns / 7, covering all exponents
        for (float x = -125f; x <= 127f; x = Math.nextUp(x + Math.ulp(x) * 6)) {
            double expected = Math.pow(2, x);
            double error = Math.abs(VectorExp2.exp2(x) - expected) / expected;
            if (error > worst) {
                worst = error;
            }
        }
        for (float x : new float[] {0f, -0f, -1e-30f, -Float.MIN_VALUE, -0.5f, 0.5f, -124.99f, 126.9f}) {
            double expected = Math.pow(2, x);
            worst = Math.max(worst, Math.abs(VectorExp2.exp2(x) - expected) / expected);
        }
        System.out.printf("VectorExp2Test: max relative error on [-125, 127] = %.3e%n", worst);
        assertTrue(worst <= 3e-7, "max relative error " + worst);
    }

    @Test
    void underflowIsExactlyZero() {
        for (float x : new float[] {-125.0001f, -126f, -126.5f, -149f, -1000f, -1e30f, -Float.MAX_VALUE,
                Float.NEGATIVE_INFINITY}) {
            assertEquals(0f, VectorExp2.exp2(x), "exp2(" + x + ")");
        }
    }

    @Test
    void nanStaysNan() {
        assertTrue(Float.isNaN(VectorExp2.exp2(Float.NaN)));
    }
}
