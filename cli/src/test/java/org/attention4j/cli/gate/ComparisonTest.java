package org.attention4j.cli.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The decision rule on synthetic samples with known shifts and noise, over many seeds. */
class ComparisonTest {
    private static final int SEEDS = 200;

    /** {@code n} samples around {@code center} with relative Gaussian noise {@code noise}. */
    private static double[] samples(SplittableRandom r, int n, double center, double noise) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            x[i] = center * Math.max(0.05, 1 + noise * g);
        }
        return x;
    }

    private static int count(Verdict wanted, int n, double shift, double noise) {
        int hits = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Comparison.Result result = Comparison.compare(samples(r, n, 1, noise), samples(r, n, 1 + shift, noise),
                    0.10, 0.99, 1000);
            hits += result.verdict() == wanted ? 1 : 0;
        }
        return hits;
    }

    @Test
    void noShiftWithTenPercentNoiseNeverRegresses() {
        assertEquals(0, count(Verdict.REGRESSION, 20, 0, 0.10));
        assertEquals(0, count(Verdict.REGRESSION, 60, 0, 0.10));
        // 60 samples make the 99 % interval narrow enough to call it a pass, not only "not a regression"
        assertTrue(count(Verdict.PASS, 60, 0, 0.10) >= SEEDS * 0.9, "mostly a clear pass");
    }

    @Test
    void aTwentyPercentSlowdownInTenPercentNoiseIsARegression() {
        int hits = count(Verdict.REGRESSION, 80, 0.20, 0.10); // medians and ranks need ~80 samples at 10 % noise
        assertTrue(hits >= SEEDS * 0.9, hits + " of " + SEEDS);
        assertEquals(0, count(Verdict.PASS, 20, 0.20, 0.10), "never called a pass, even with few samples");
    }

    @Test
    void aTwentyPercentSpeedUpIsAnImprovement() {
        assertTrue(count(Verdict.IMPROVEMENT, 40, -0.20, 0.05) >= SEEDS * 0.9);
    }

    @Test
    void bimodalNoiseWithoutAShiftDoesNotRegress() {
        int alarms = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            double[] before = samples(r, 30, 1, 0.03), after = samples(r, 30, 1, 0.03);
            for (double[] side : new double[][] {before, after}) { // a busy neighbour: a fifth of samples 1.5×
                for (int i = 0; i < side.length; i++) {
                    side[i] *= r.nextDouble() < 0.2 ? 1.5 : 1;
                }
            }
            alarms += Comparison.compare(before, after, 0.10, 0.99, 1000).verdict() == Verdict.REGRESSION ? 1 : 0;
        }
        assertEquals(0, alarms);
    }

    @Test
    void tooFewSamplesIsInconclusive() {
        Comparison.Result r = Comparison.compare(new double[] {1, 1, 1, 1}, new double[] {2, 2, 2, 2, 2}, 0.1, 0.99);
        assertEquals(Verdict.INCONCLUSIVE, r.verdict());
        assertTrue(r.explanation().startsWith("too few samples"), r.explanation());
    }

    @Test
    void theRuleLooksAtTheWholeInterval() {
        assertEquals(Verdict.REGRESSION, Comparison.decide(1.11, 1.3, 0.10));
        assertEquals(Verdict.INCONCLUSIVE, Comparison.decide(1.05, 1.3, 0.10));
        assertEquals(Verdict.PASS, Comparison.decide(0.95, 1.09, 0.10));
        assertEquals(Verdict.IMPROVEMENT, Comparison.decide(0.7, 0.9, 0.10));
    }

    @Test
    void theSameSamplesGiveTheSameInterval() {
        SplittableRandom r = new SplittableRandom(5);
        double[] a = samples(r, 15, 1, 0.1), b = samples(r, 15, 1.05, 0.1);
        Comparison.Result x = Comparison.compare(a, b, 0.1, 0.99), y = Comparison.compare(a, b, 0.1, 0.99);
        assertEquals(x.low(), y.low());
        assertEquals(x.high(), y.high());
    }
}
