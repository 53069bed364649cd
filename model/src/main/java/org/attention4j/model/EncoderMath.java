package org.attention4j.model;

/**
 * The steps of a BERT encoder that are not the engine's (GEMM, attention, GELU and LayerNorm are):
 * embedding lookup and pooling. Plain Java on row-major {@code float[]} rows.
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
