package org.attention4j.layer;

/**
 * {@code PE(p, 2i) = sin(p / 10000^(2i/dModel))}, {@code PE(p, 2i+1) = cos(p / 10000^(2i/dModel))}
 * (Vaswani et al. 2017, §3.5); an odd last column gets the sine only.
 *
 * <p>No table: along the rows each frequency's (sin, cos) pair is advanced by the angle-addition
 * rotation in double, so a call costs {@code dModel} transcendental evaluations per {@link #ANCHOR}
 * rows instead of {@code rows·dModel} of them, and memory does not grow with the sequence. Every
 * {@link #ANCHOR} rows the pair is recomputed exactly, so the drift of the recurrence (a few ulps of
 * double per step) stays far below float32's rounding.
 */
final class SinusoidalEncoding implements PositionalEncoding {
    /** Rows between exact evaluations of sin and cos. */
    static final int ANCHOR = 256;
    private final int dModel;

    SinusoidalEncoding(int dModel) {
        if (dModel < 1) {
            throw new IllegalArgumentException("dModel = " + dModel + ": expected >= 1");
        }
        this.dModel = dModel;
    }

    @Override
    public int dModel() {
        return dModel;
    }

    @Override
    public long positionLimit() {
        return Long.MAX_VALUE;
    }

    @Override
    public void addTo(float[] x, int offset, int rows, long firstPosition) {
        LayerArguments.checkPositions(firstPosition, rows, positionLimit());
        for (int even = 0; even < dModel; even += 2) {
            double frequency = Math.pow(10000.0, -(double) even / dModel);
            double stepSin = Math.sin(frequency), stepCos = Math.cos(frequency);
            double sin = 0, cos = 1;
            boolean withCos = even + 1 < dModel;
            for (int r = 0; r < rows; r++) {
                if (r % ANCHOR == 0) {
                    double angle = (firstPosition + r) * frequency;
                    sin = Math.sin(angle);
                    cos = Math.cos(angle);
                }
                int at = offset + r * dModel + even;
                x[at] += (float) sin;
                if (withCos) {
                    x[at + 1] += (float) cos;
                }
                // (sin, cos) of the angle + frequency
                double nextSin = sin * stepCos + cos * stepSin;
                cos = cos * stepCos - sin * stepSin;
                sin = nextSin;
            }
        }
    }

    @Override
    public String toString() {
        return "sinusoidal(dModel=" + dModel + ")";
    }
}
