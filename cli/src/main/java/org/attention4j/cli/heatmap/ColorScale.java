package org.attention4j.cli.heatmap;

import java.awt.Color;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Weight → color: viridis (perceptually uniform, readable in grayscale and by most color-blind readers)
 * from the lowest to the highest weight shown, on a linear or a log10 scale. Weight 0 — a hidden key —
 * gets its own light gray, outside the colormap, so a mask never reads as "low attention".
 */
final class ColorScale {
    /** Color of weight 0 (hidden keys). */
    static final Color HIDDEN = new Color(0xE4E4E4);

    /** Viridis sampled at 0, 1/8, ..., 1 (matplotlib's colormap); linear interpolation in between. */
    private static final int[] VIRIDIS = {0x440154, 0x472C7A, 0x3B518B, 0x2C718E, 0x21908D, 0x27AD81, 0x5CC863,
        0xAADC32, 0xFDE725};

    /** Below this fraction of the largest weight, a log scale stops (and clamps): 6 decades. */
    private static final double LOG_RANGE = 1e-6;

    private final boolean log;
    private final double low;
    private final double high;

    private ColorScale(boolean log, double low, double high) {
        this.log = log;
        this.low = low;
        this.high = high;
    }

    /** 0 .. {@code max} (1 when max is 0: everything hidden). */
    static ColorScale linear(double max) {
        return new ColorScale(false, 0, max > 0 ? max : 1);
    }

    /** log10 from the smallest positive weight (at most 6 decades below the max) to the max. */
    static ColorScale log(double minPositive, double max) {
        double high = max > 0 ? max : 1;
        double low = Math.max(minPositive > 0 ? minPositive : high, high * LOG_RANGE);
        return new ColorScale(true, low < high ? low : high / 10, high);
    }

    boolean isLog() {
        return log;
    }

    /** Where {@code value} falls on the scale: 0 at the bottom, 1 at the top, clamped. */
    double position(double value) {
        double p = log ? (Math.log10(value) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))
                : (value - low) / (high - low);
        return Math.clamp(p, 0.0, 1.0);
    }

    Color colorOf(double value) {
        return value == 0 ? HIDDEN : colorAt(position(value));
    }

    /** The colormap at position {@code p} in [0, 1]. */
    static Color colorAt(double p) {
        double x = Math.clamp(p, 0.0, 1.0) * (VIRIDIS.length - 1);
        int i = Math.min((int) x, VIRIDIS.length - 2);
        double t = x - i;
        int a = VIRIDIS[i], b = VIRIDIS[i + 1];
        return new Color(mix(a >> 16, b >> 16, t), mix(a >> 8, b >> 8, t), mix(a, b, t));
    }

    private static int mix(int a, int b, double t) {
        return (int) Math.round((a & 0xFF) * (1 - t) + (b & 0xFF) * t);
    }

    /** Values to label on the color bar: round steps (linear) or powers of ten (log), plus the ends if few. */
    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        if (log) {
            for (int e = (int) Math.ceil(Math.log10(low) - 1e-9); e <= Math.floor(Math.log10(high) + 1e-9); e++) {
                ticks.add(Math.pow(10, e));
            }
            if (ticks.size() < 2) {
                ticks.addFirst(low);
                ticks.addLast(high);
            }
            return ticks;
        }
        double step = niceStep(high / 5);
        for (int n = 0; n * step <= high * (1 + 1e-9); n++) {
            ticks.add(n * step);
        }
        return ticks;
    }

    /** A tick label: 0.25, 0.01, 1e-4 (plain decimals down to 0.001, powers of ten below). */
    String format(double tick) {
        if (tick == 0) {
            return "0";
        }
        double e = Math.log10(tick);
        if (e < -3 && Math.abs(e - Math.rint(e)) < 1e-9) {
            return "1e" + (int) Math.rint(e);
        }
        return new BigDecimal(tick, new MathContext(3)).stripTrailingZeros().toString();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * magnitude >= raw * (1 - 1e-9)) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
