package org.attention4j.model;

/**
 * The element-wise steps of a BERT encoder on row-major {@code float[]} rows: embedding lookup,
 * LayerNorm, GELU, residual sums and pooling. Plain Java; statistics are accumulated in double.
 */
final class EncoderMath {
    private EncoderMath() {}

    /** {@code x[t] = word[ids[t]] + position[t − start of its sequence] + type[types[t] or 0]}. */
    static void embed(BertWeights w, int hidden, int[] ids, int[] types, int[] cuSeqlens, float[] x) {
        for (int s = 0; s + 1 < cuSeqlens.length; s++) {
            for (int t = cuSeqlens[s]; t < cuSeqlens[s + 1]; t++) {
                int word = ids[t] * hidden, position = (t - cuSeqlens[s]) * hidden;
                int type = (types == null ? 0 : types[t]) * hidden, row = t * hidden;
                for (int c = 0; c < hidden; c++) {
                    x[row + c] = w.wordEmbeddings[word + c] + w.typeEmbeddings[type + c]
                            + w.positionEmbeddings[position + c];
                }
            }
        }
    }

    /** {@code x[r] = LayerNorm(x[r] + residual[r])} for rows {@code 0 .. rows}, in place ({@code residual} may be null). */
    static void addAndNormalize(float[] x, float[] residual, int rows, int hidden, float[] gamma, float[] beta,
                                double eps) {
        for (int r = 0; r < rows; r++) {
            int row = r * hidden;
            if (residual != null) {
                for (int c = 0; c < hidden; c++) {
                    x[row + c] += residual[row + c];
                }
            }
            double sum = 0;
            for (int c = 0; c < hidden; c++) {
                sum += x[row + c];
            }
            float mean = (float) (sum / hidden);
            double squares = 0;
            for (int c = 0; c < hidden; c++) {
                float centered = x[row + c] - mean;
                squares += (double) centered * centered;
            }
            float inverse = (float) (1 / Math.sqrt(squares / hidden + eps));
            for (int c = 0; c < hidden; c++) {
                x[row + c] = (x[row + c] - mean) * inverse * gamma[c] + beta[c];
            }
        }
    }

    /** {@code x = x·Φ(x) = 0.5·x·(1 + erf(x/√2))} on {@code x[0 .. count]}, in place (BERT's exact GELU). */
    static void gelu(float[] x, int count) {
        for (int i = 0; i < count; i++) {
            float v = x[i];
            x[i] = (float) (0.5 * v * (1 + erf(v * 0.7071067811865476)));
        }
    }

    /**
     * erf with a relative error of {@code erfc} below 1.2e-7 (the Chebyshev fit of Numerical Recipes'
     * {@code erfcc}): far below float32 rounding of GELU's output.
     */
    static double erf(double x) {
        double z = Math.abs(x), t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }

    /** Copies {@code bias} into each of {@code rows} rows of width {@code bias.length}, adding {@code residual} rows when given. */
    static void fillRows(float[] c, int rows, float[] bias, float[] residual) {
        int width = bias.length;
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            if (residual == null) {
                System.arraycopy(bias, 0, c, row, width);
            } else {
                for (int j = 0; j < width; j++) {
                    c[row + j] = residual[row + j] + bias[j];
                }
            }
        }
    }

    /** One vector per sequence: the mean of its rows or its first row, then optionally scaled to unit L2 norm. */
    static void pool(float[] x, int[] cuSeqlens, int hidden, Pooling pooling, boolean normalize, float[] out) {
        double[] sum = new double[hidden];
        for (int s = 0; s + 1 < cuSeqlens.length; s++) {
            int first = cuSeqlens[s], end = pooling == Pooling.CLS ? first + 1 : cuSeqlens[s + 1];
            java.util.Arrays.fill(sum, 0);
            for (int t = first; t < end; t++) {
                for (int c = 0; c < hidden; c++) {
                    sum[c] += x[t * hidden + c];
                }
            }
            double norm = 0;
            for (int c = 0; c < hidden; c++) {
                sum[c] /= end - first;
                norm += sum[c] * sum[c];
            }
            double scale = normalize ? 1 / Math.max(Math.sqrt(norm), 1e-12) : 1;
            for (int c = 0; c < hidden; c++) {
                out[s * hidden + c] = (float) (sum[c] * scale);
            }
        }
    }
}
