package org.attention4j.cli.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The paired verdict of {@code gate check --against} on synthetic rounds: each round's two times share
 * the machine's state (a drift factor that swings ±25 % between rounds, as this VM's phases do), and
 * each time has its own noise on top.
 */
class GatePairedComparisonTest {
    private static final int ROUNDS = 15;

    /** Rounds of {@code baseline[i], current[i]}: a shared drift, 2 % independent noise, current × {@code slowdown}. */
    private static double[][] rounds(long seed, double slowdown) {
        Random r = new Random(seed);
        double[][] t = new double[2][ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            double drift = 1 + 0.25 * r.nextDouble();
            t[0][i] = 10 * drift * (1 + 0.02 * r.nextGaussian());
            t[1][i] = 10 * drift * slowdown * (1 + 0.02 * r.nextGaussian());
        }
        return t;
    }

    @Test
    void aFifteenPercentSlowdownIsARegressionDespiteTheDrift() {
        for (long seed = 1; seed <= 50; seed++) {
            double[][] t = rounds(seed, 1.15);
            Comparison.Result r = Comparison.comparePaired(t[0], t[1], 0.10, 0.99);
            assertEquals(Verdict.REGRESSION, r.verdict(), "seed " + seed + ": " + r);
        }
    }

    @Test
    void identicalBuildsAreNeverARegression() {
        for (long seed = 1; seed <= 50; seed++) {
            double[][] t = rounds(seed, 1.0);
            Comparison.Result r = Comparison.comparePaired(t[0], t[1], 0.10, 0.99);
            assertNotEquals(Verdict.REGRESSION, r.verdict(), "seed " + seed + ": " + r);
        }
        double[] same = rounds(7, 1.0)[0];
        Comparison.Result r = Comparison.comparePaired(same, same.clone(), 0.10, 0.99);
        assertEquals(Verdict.PASS, r.verdict(), r.toString());
        assertEquals(1.0, r.ratio(), 1e-12);
    }

    @Test
    void thePairingIsWhatCancelsTheDrift() {
        double[][] t = rounds(3, 1.15);
        assertEquals(Verdict.REGRESSION, Comparison.comparePaired(t[0], t[1], 0.10, 0.99).verdict());
        // The same times unpaired: the drift is as large as the slowdown, and the interval cannot tell.
        assertNotEquals(Verdict.REGRESSION, Comparison.compare(t[0], t[1], 0.10, 0.99).verdict());
    }

    @Test
    void tooFewRoundsAreInconclusive() {
        double[] b = {1, 1, 1, 1}, c = {2, 2, 2, 2};
        assertEquals(Verdict.INCONCLUSIVE, Comparison.comparePaired(b, c, 0.10, 0.99).verdict());
    }
}
