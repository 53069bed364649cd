package org.attention4j.kernel;

/** {@link NaiveOps} in plain Java: the fallback without the Vector API. */
final class ScalarNaiveOps implements NaiveOps {

    @Override
    public void scoreRow(float[] query, int queryAt, float[] keysT, int keyCount, int headDim, float[] scores,
                         int at) {
        java.util.Arrays.fill(scores, at, at + keyCount, 0f);
        for (int d = 0; d < headDim; d++) {
            float q = query[queryAt + d];
            int row = d * keyCount;
            for (int j = 0; j < keyCount; j++) {
                scores[at + j] += q * keysT[row + j];
            }
        }
    }

    @Override
    public void softmaxRow(float[] scores, int at, int count) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            max = Math.max(max, scores[at + j]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(scores, at, at + count, 0f);
            return;
        }
        float sum = 0;
        for (int j = 0; j < count; j++) {
            float p = (float) Math.pow(2, scores[at + j] - max);
            scores[at + j] = p;
            sum += p;
        }
        float inverse = 1f / sum;
        for (int j = 0; j < count; j++) {
            scores[at + j] *= inverse;
        }
    }

    @Override
    public void weightedSum(float[] probs, int at, int count, float[] values, int headDim, float[] out, int outAt) {
        java.util.Arrays.fill(out, outAt, outAt + headDim, 0f);
        for (int j = 0; j < count; j++) {
            float p = probs[at + j];
            int row = j * headDim;
            for (int d = 0; d < headDim; d++) {
                out[outAt + d] += p * values[row + d];
            }
        }
    }
}
