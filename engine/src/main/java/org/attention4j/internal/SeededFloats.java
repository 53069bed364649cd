package org.attention4j.internal;

import java.util.SplittableRandom;

/**
 * Seeded random inputs for warm-ups, benchmarks and profiles: the same seed gives the same values on any
 * machine and JDK (Box–Muller on {@link StrictMath}; {@code RandomGenerator.nextGaussian} is not specified
 * bit for bit across JDK versions). One place, so every tool feeds the engine the same kind of data.
 */
public final class SeededFloats {
    private SeededFloats() {}

    /** {@return {@code n} values uniform in [−1, 1) from {@code seed}} */
    public static float[] uniform(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** {@return {@code n} values of N(0, 1) from {@code seed}} */
    public static float[] gaussian(int n, long seed) {
        return gaussian(n, new SplittableRandom(seed));
    }

    /** {@return the next {@code n} values of N(0, 1) drawn from {@code random}} (for several arrays from one seed) */
    public static float[] gaussian(int n, SplittableRandom random) {
        float[] x = new float[n];
        for (int i = 0; i < n; i += 2) {
            double r = StrictMath.sqrt(-2 * StrictMath.log(random.nextDouble(Double.MIN_VALUE, 1)));
            double angle = 2 * StrictMath.PI * random.nextDouble();
            x[i] = (float) (r * StrictMath.cos(angle));
            if (i + 1 < n) {
                x[i + 1] = (float) (r * StrictMath.sin(angle));
            }
        }
        return x;
    }
}
