package org.attention4j.cli.gate;

import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.statistics.descriptive.Median;
import org.apache.commons.statistics.descriptive.Quantile;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.WilcoxonSignedRankTest;

/**
 * Decides whether "now" is slower than the baseline, from two sets of normalized times (lower is
 * better), on the ratio of their medians: {@code ratio = median(now) / median(baseline)}, with a
 * percentile-bootstrap confidence interval (both sides resampled with replacement, seeded, so the
 * same samples always give the same verdict). With {@code t = maxRegression}:
 * <ul>
 *   <li>fewer than {@link #MIN_SAMPLES} samples on a side: {@link Verdict#INCONCLUSIVE};</li>
 *   <li>the whole interval above {@code 1 + t}, and a one-sided Mann–Whitney test on log-times
 *       shifted by {@code log(1 + t)} agreeing at the same level: {@link Verdict#REGRESSION}
 *       (the interval alone but not the ranks: {@link Verdict#INCONCLUSIVE});</li>
 *   <li>the whole interval below {@code 1 / (1 + t)}: {@link Verdict#IMPROVEMENT};</li>
 *   <li>the interval's top at or below {@code 1 + t}: {@link Verdict#PASS};</li>
 *   <li>else (the interval straddles {@code 1 + t}): {@link Verdict#INCONCLUSIVE}.</li>
 * </ul>
 * Medians, not means: one descheduled sample moves a mean, not a median. Medians, quantiles and the
 * rank tests come from Apache Commons Statistics; the two-sided Mann–Whitney p-value of "any difference"
 * is reported too.
 */
public final class Comparison {
    public static final int MIN_SAMPLES = 5;
    public static final int RESAMPLES = 4000;

    /** The outcome for one scenario; {@code low}/{@code high} bound the ratio at the confidence. */
    public record Result(int baselineCount, int currentCount, double baselineMedian, double currentMedian,
                         double ratio, double low, double high, double mannWhitneyP, double confidence,
                         double maxRegression, Verdict verdict) {

        /** {@code +12.3 %} style change of the median. */
        public double changePercent() {
            return (ratio - 1) * 100;
        }

        public String explanation() {
            return switch (verdict) {
                case REGRESSION -> String.format(Locale.ROOT, "slower: the whole %.0f %% interval [%+.1f %%, %+.1f %%] "
                        + "is beyond +%.1f %%", confidence * 100, pct(low), pct(high), maxRegression * 100);
                case IMPROVEMENT -> String.format(Locale.ROOT, "faster: the whole interval [%+.1f %%, %+.1f %%] is "
                        + "below %+.1f %%", pct(low), pct(high), pct(1 / (1 + maxRegression)));
                case PASS -> String.format(Locale.ROOT, "within +%.1f %%: the interval tops out at %+.1f %%",
                        maxRegression * 100, pct(high));
                case INCONCLUSIVE -> baselineCount < MIN_SAMPLES || currentCount < MIN_SAMPLES
                        ? "too few samples (" + baselineCount + " and " + currentCount + "; need " + MIN_SAMPLES + ")"
                        : low > 1 + maxRegression // the interval alone says slower; the rank test did not agree
                        ? String.format(Locale.ROOT, "probably slower, not proven: the interval [%+.1f %%, %+.1f %%] is "
                        + "beyond +%.1f %% but the rank test does not agree at the same level", pct(low), pct(high),
                        maxRegression * 100)
                        : String.format(Locale.ROOT, "too noisy to tell: the interval [%+.1f %%, %+.1f %%] straddles "
                        + "+%.1f %%", pct(low), pct(high), maxRegression * 100);
            };
        }

        private static double pct(double r) {
            return (r - 1) * 100;
        }
    }

    private Comparison() {}

    /**
     * @param maxRegression allowed slowdown, e.g. 0.10
     * @param confidence of the interval, e.g. 0.99
     */
    public static Result compare(double[] baseline, double[] current, double maxRegression, double confidence) {
        return compare(baseline, current, maxRegression, confidence, RESAMPLES);
    }

    static Result compare(double[] baseline, double[] current, double maxRegression, double confidence,
                          int resamples) {
        if (!(maxRegression > 0) || !(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("maxRegression = " + maxRegression + ", confidence = " + confidence
                    + ": expected maxRegression > 0 and 0 < confidence < 1");
        }
        int nb = baseline.length, nc = current.length;
        double mb = nb == 0 ? Double.NaN : median(baseline);
        double mc = nc == 0 ? Double.NaN : median(current);
        double ratio = mc / mb;
        if (nb < MIN_SAMPLES || nc < MIN_SAMPLES) {
            return new Result(nb, nc, mb, mc, ratio, Double.NaN, Double.NaN, Double.NaN, confidence, maxRegression,
                    Verdict.INCONCLUSIVE);
        }
        double[] ratios = bootstrapRatios(baseline, current, resamples);
        Quantile quantile = Quantile.withDefaults();
        double alpha = 1 - confidence;
        double low = quantile.evaluate(ratios, alpha / 2);
        double high = quantile.evaluate(ratios, 1 - alpha / 2);
        double p = MannWhitneyUTest.withDefaults().test(current, baseline).getPValue();
        Verdict verdict = decide(low, high, maxRegression);
        if (verdict == Verdict.REGRESSION && !ranksAgree(baseline, current, maxRegression, alpha)) {
            verdict = Verdict.INCONCLUSIVE; // two methods must agree before a build fails
        }
        return new Result(nb, nc, mb, mc, ratio, low, high, p, confidence, maxRegression, verdict);
    }

    /**
     * The paired decision of {@code gate check --against}: {@code baseline[i]} and {@code current[i]} are
     * the two builds' times (lower is better) from round {@code i}, taken back to back, so a slow phase of
     * the machine hits both. The statistic is the median of the per-round ratios
     * {@code current[i] / baseline[i]}; its percentile-bootstrap interval resamples whole rounds (pairs
     * stay together: that is what cancels the drift). The same thresholds as {@link #compare} decide,
     * and a regression needs the paired rank test to agree: a one-sided Wilcoxon signed-rank test that
     * the log-ratios, shifted down by {@code log(1 + t)}, are still above zero, at the same level (the
     * paired form of {@link #ranksAgree}; an unpaired Mann–Whitney would throw the pairing away). With
     * fewer than {@link #MIN_SAMPLES} rounds: inconclusive. {@code mannWhitneyP} reports the two-sided
     * signed-rank p-value of "any difference".
     */
    public static Result comparePaired(double[] baseline, double[] current, double maxRegression, double confidence) {
        if (!(maxRegression > 0) || !(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("maxRegression = " + maxRegression + ", confidence = " + confidence
                    + ": expected maxRegression > 0 and 0 < confidence < 1");
        }
        if (baseline.length != current.length) {
            throw new IllegalArgumentException("paired samples: " + baseline.length + " baseline and "
                    + current.length + " current values; expected as many of each");
        }
        int n = baseline.length;
        double[] logRatios = new double[n];
        for (int i = 0; i < n; i++) {
            logRatios[i] = Math.log(current[i] / baseline[i]);
        }
        double mb = n == 0 ? Double.NaN : median(baseline), mc = n == 0 ? Double.NaN : median(current);
        double ratio = n == 0 ? Double.NaN : Math.exp(median(logRatios));
        if (n < MIN_SAMPLES) {
            return new Result(n, n, mb, mc, ratio, Double.NaN, Double.NaN, Double.NaN, confidence, maxRegression,
                    Verdict.INCONCLUSIVE);
        }
        double[] resampled = bootstrapMedians(logRatios, RESAMPLES);
        Quantile quantile = Quantile.withDefaults();
        double alpha = 1 - confidence;
        double low = Math.exp(quantile.evaluate(resampled, alpha / 2));
        double high = Math.exp(quantile.evaluate(resampled, 1 - alpha / 2));
        double p = signedRankP(logRatios, AlternativeHypothesis.TWO_SIDED);
        Verdict verdict = decide(low, high, maxRegression);
        if (verdict == Verdict.REGRESSION && !pairedRanksAgree(logRatios, maxRegression, alpha)) {
            verdict = Verdict.INCONCLUSIVE; // two methods must agree before a build fails
        }
        return new Result(n, n, mb, mc, ratio, low, high, p, confidence, maxRegression, verdict);
    }

    /** One-sided signed-rank test that the log-ratios exceed {@code log(1 + t)}. */
    static boolean pairedRanksAgree(double[] logRatios, double maxRegression, double alpha) {
        double shift = Math.log1p(maxRegression);
        double[] shifted = new double[logRatios.length];
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = logRatios[i] - shift;
        }
        return signedRankP(shifted, AlternativeHypothesis.GREATER_THAN) < alpha;
    }

    /** The signed-rank p-value; 1 when every value is zero (the test drops zeros: no evidence either way). */
    private static double signedRankP(double[] z, AlternativeHypothesis alternative) {
        for (double v : z) {
            if (v != 0) {
                return WilcoxonSignedRankTest.withDefaults().with(alternative).test(z).getPValue();
            }
        }
        return 1;
    }

    /** Medians of resamples (with replacement, seeded) of {@code values}. */
    private static double[] bootstrapMedians(double[] values, int resamples) {
        SplittableRandom random = new SplittableRandom(0x9a1e_d5ee_d0f0_4e55L ^ values.length);
        double[] r = new double[values.length], medians = new double[resamples];
        Median median = Median.withDefaults().withCopy(false); // r is a scratch copy
        for (int i = 0; i < resamples; i++) {
            for (int j = 0; j < r.length; j++) {
                r[j] = values[random.nextInt(values.length)];
            }
            medians[i] = median.evaluate(r);
        }
        return medians;
    }

    /**
     * The rank-based second opinion: a one-sided Mann–Whitney test that the current times, divided by
     * {@code 1 + t}, are still larger than the baseline's (on log-times, so the shift is a ratio).
     */
    static boolean ranksAgree(double[] baseline, double[] current, double maxRegression, double alpha) {
        double[] shifted = new double[current.length], base = new double[baseline.length];
        double shift = Math.log1p(maxRegression);
        for (int i = 0; i < current.length; i++) {
            shifted[i] = Math.log(current[i]) - shift;
        }
        for (int i = 0; i < baseline.length; i++) {
            base[i] = Math.log(baseline[i]);
        }
        return MannWhitneyUTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN).test(shifted, base)
                .getPValue() < alpha;
    }

    static Verdict decide(double low, double high, double maxRegression) {
        double limit = 1 + maxRegression;
        if (low > limit) {
            return Verdict.REGRESSION;
        }
        if (high < 1 / limit) {
            return Verdict.IMPROVEMENT;
        }
        return high <= limit ? Verdict.PASS : Verdict.INCONCLUSIVE;
    }

    /** Median of a resample of {@code current} over median of a resample of {@code baseline}, many times. */
    private static double[] bootstrapRatios(double[] baseline, double[] current, int resamples) {
        SplittableRandom random = new SplittableRandom(0x5eed_a77e_4710_4e55L ^ baseline.length * 31L ^ current.length);
        double[] b = new double[baseline.length], c = new double[current.length];
        double[] ratios = new double[resamples];
        Median median = Median.withDefaults().withCopy(false); // b and c are scratch copies
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < b.length; i++) {
                b[i] = baseline[random.nextInt(baseline.length)];
            }
            for (int i = 0; i < c.length; i++) {
                c[i] = current[random.nextInt(current.length)];
            }
            ratios[r] = median.evaluate(c) / median.evaluate(b);
        }
        return ratios;
    }

    /** The median; leaves {@code values} in its order (Commons' default sorts the array in place). */
    static double median(double[] values) {
        return Median.withDefaults().withCopy(true).evaluate(values);
    }
}
