package org.attention4j.layer;

import java.util.SplittableRandom;

/** Seeded weights and inputs for the layer tests, and the error measure they share. */
final class LayerFixtures {
    private LayerFixtures() {}

    /** Uniform in [−scale, scale): weights of scale 1/√dModel keep Q·Kᵀ and Y of order 1. */
    static float[] random(int n, double scale, SplittableRandom r) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }

    static MultiHeadAttentionWeights weights(int dModel, int heads, int kvHeads, int headDim, boolean biases, long seed) {
        return weights(dModel, heads, kvHeads, headDim, headDim, biases, seed);
    }

    /** As above, with value heads of their own size: W_V [dModel, kvHeads·Dv], W_O [heads·Dv, dModel]. */
    static MultiHeadAttentionWeights weights(int dModel, int heads, int kvHeads, int headDim, int valueHeadDim,
                                             boolean biases, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double s = 1 / Math.sqrt(dModel);
        int q = heads * headDim, kv = kvHeads * headDim, v = kvHeads * valueHeadDim, o = heads * valueHeadDim;
        return MultiHeadAttentionWeights.builder(dModel, heads, headDim).kvHeads(kvHeads).valueHeadDim(valueHeadDim)
                .query(random(dModel * q, s, r), biases ? random(q, 0.5, r) : null)
                .key(random(dModel * kv, s, r), biases ? random(kv, 0.5, r) : null)
                .value(random(dModel * v, s, r), biases ? random(v, 0.5, r) : null)
                .output(random(o * dModel, 1 / Math.sqrt(o), r), biases ? random(dModel, 0.5, r) : null)
                .build();
    }

    /**
     * The error measure of the layer tests: {@code max |y − expected| / max |expected|}, over all
     * elements (a NaN anywhere is infinitely wrong).
     */
    static double relativeError(float[] y, double[] expected) {
        double worst = 0, scale = 1e-30;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.abs(y[i] - expected[i]);
            worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(worst, e);
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return worst / scale;
    }
}
