package org.attention4j.layer.linear;

import java.util.SplittableRandom;

/**
 * Seeded standard normal draws that are the same on every JDK and platform: Box–Muller with
 * {@link StrictMath}. {@code RandomGenerator.nextGaussian} is not specified bit for bit across JDK
 * versions, and "same seed, same output" is part of the random-feature contract.
 */
final class Gaussians {
    private final SplittableRandom random;

    Gaussians(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** One N(0, 1) draw (the second Box–Muller value is dropped: simpler, and draws are cheap here). */
    double next() {
        double u = 1.0 - random.nextDouble(); // (0, 1]: log(u) is finite
        return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2.0 * StrictMath.PI * random.nextDouble());
    }
}
