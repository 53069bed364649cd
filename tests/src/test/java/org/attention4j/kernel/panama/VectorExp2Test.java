package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.TILE_WIDTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.attention4j.kernel.KernelProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The vector exp2 over the whole float range it serves, against Math.pow in double; its scalar twin
 * bit for bit against the vector lanes; the panel pass's shift and running sum against their formula.
 */
class VectorExp2Test {

    @BeforeEach
    void needsTheVectorModule() {
        // Checked before any panama class is touched, so the run without the module skips cleanly.
        org.junit.jupiter.api.Assumptions.assumeTrue(KernelProvider.vectorAvailable(), "no jdk.incubator.vector");
    }

    /** exp2 of each value through the vector pass (padded to whole panels with zeros). */
    private static float[] exp2Vector(float[] x) {
        float[] y = Arrays.copyOf(x, (x.length + TILE_WIDTH - 1) / TILE_WIDTH * TILE_WIDTH);
        VectorExp2.exp2Panels(y, 0, y.length, null, 0, null, null, 0);
        return Arrays.copyOf(y, x.length);
    }

    @Test
    void relativeErrorIsBelowThreeTenMillionthsOnTheNormalRange() {
        // every 7th float bit pattern in [-125, 127]: ~260 million patterns / 7, covering all exponents
        float[] x = new float[1 << 16];
        int n = 0;
        double worst = 0;
        for (float v = -125f; v <= 127f; v = Math.nextUp(v + Math.ulp(v) * 6)) {
            x[n++] = v;
            if (n == x.length) {
                worst = Math.max(worst, worstError(x, n));
                n = 0;
            }
        }
        worst = Math.max(worst, worstError(x, n));
        float[] edges = {0f, -0f, -1e-30f, -Float.MIN_VALUE, -0.5f, 0.5f, -124.99f, 126.9f};
        worst = Math.max(worst, worstError(edges, edges.length));
        System.out.printf("VectorExp2Test: max relative error on [-125, 127] = %.3e%n", worst);
        assertTrue(worst <= 3e-7, "max relative error " + worst);
    }

    /** The worst relative error of the first n values, and checks the scalar twin gives the same bits. */
    private static double worstError(float[] x, int n) {
        float[] y = exp2Vector(Arrays.copyOf(x, n));
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double expected = Math.pow(2, x[i]);
            worst = Math.max(worst, Math.abs(y[i] - expected) / expected);
            if (Float.floatToRawIntBits(VectorExp2.exp2(x[i])) != Float.floatToRawIntBits(y[i])) {
                throw new AssertionError("scalar exp2(" + x[i] + ") = " + VectorExp2.exp2(x[i]) + ", vector " + y[i]);
            }
        }
        return worst;
    }

    @Test
    void underflowIsExactlyZero() {
        float[] x = {-125.0001f, -126f, -126.5f, -149f, -1000f, -1e30f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
        float[] y = exp2Vector(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(0f, y[i], "exp2(" + x[i] + ")");
            assertEquals(0f, VectorExp2.exp2(x[i]), "scalar exp2(" + x[i] + ")");
        }
    }

    @Test
    void nanStaysNan() {
        assertTrue(Float.isNaN(exp2Vector(new float[] {Float.NaN})[0]));
        assertTrue(Float.isNaN(VectorExp2.exp2(Float.NaN)));
    }

    @Test
    void panelsAreShiftedByTheirRowMaximaAndSummedIntoTheRunningSum() {
        SplittableRandom random = new SplittableRandom(7);
        int panels = 5;
        float[] x = new float[panels * TILE_WIDTH], max = new float[TILE_WIDTH + 3];
        float[] sum = new float[TILE_WIDTH + 3], scale = new float[TILE_WIDTH + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 20 - 10);
        }
        for (int j = 0; j < max.length; j++) {
            max[j] = j % 7 == 0 ? Float.NEGATIVE_INFINITY : (float) (random.nextDouble() * 4); // −∞: no shift
            sum[j] = (float) random.nextDouble();
            scale[j] = (float) random.nextDouble();
        }
        float[] y = x.clone(), newSum = sum.clone();
        VectorExp2.exp2Panels(y, TILE_WIDTH, x.length, max, 3, newSum, scale, 3); // skips the first panel
        for (int j = 0; j < TILE_WIDTH; j++) {
            assertEquals(x[j], y[j], "panel 0 lies before 'first'");
            float m = max[3 + j] == Float.NEGATIVE_INFINITY ? 0 : max[3 + j];
            double total = 0;
            for (int p = 1; p < panels; p++) {
                double expected = Math.pow(2, x[p * TILE_WIDTH + j] - m); // the difference rounded to float
                assertEquals(expected, y[p * TILE_WIDTH + j], 3e-7 * expected, "panel " + p + ", lane " + j);
                total += y[p * TILE_WIDTH + j];
            }
            double expectedSum = (double) sum[3 + j] * scale[3 + j] + total;
            assertEquals(expectedSum, newSum[3 + j], 1e-6 * expectedSum, "running sum of lane " + j);
        }
        for (int j = 0; j < 3; j++) {
            assertEquals(sum[j], newSum[j], "sums before 'sumAt' are untouched");
        }
    }

    @Test
    void aRowIsShiftedByItsMaximumBitForBitAsTheScalarTwinAndSummed() {
        SplittableRandom random = new SplittableRandom(11);
        for (int length : new int[] {0, 1, 15, 16, 17, 33, 47, 192}) { // whole pairs, one vector, the tail
            float[] x = new float[length + 5];
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 9 == 4 ? Float.NEGATIVE_INFINITY : (float) (random.nextDouble() * 20 - 10); // masked keys
            }
            for (float max : new float[] {3.5f, Float.NEGATIVE_INFINITY}) { // −∞: a row that saw nothing, no shift
                float[] y = x.clone();
                float sum = VectorExp2.exp2Row(y, 2, 2 + length, max);
                float m = max == Float.NEGATIVE_INFINITY ? 0f : max;
                double total = 0;
                for (int i = 0; i < x.length; i++) {
                    float expected = i < 2 || i >= 2 + length ? x[i] : VectorExp2.exp2(x[i] - m);
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(y[i]),
                            "length " + length + ", element " + i);
                    total += i < 2 || i >= 2 + length ? 0 : y[i];
                }
                assertEquals(total, sum, 1e-6 * total + 1e-30, "sum at length " + length);
            }
        }
    }
}
