package org.attention4j.kernel;

/**
 * Plain-Java tile primitives: the fallback when {@code jdk.incubator.vector} is absent, and the
 * obvious twin the vector primitives are tested against. Loops follow the formulas in
 * {@link TileOps} literally; exp2 is {@link Math#exp} of {@code x·ln 2}. No {@code Math.fma}: without
 * hardware FMA it is a slow software path, and this class must be fast enough anywhere.
 */
public final class ScalarTileOps implements TileOps {
    private static final double LN2 = Math.log(2.0);
    /** Any panel width works for plain loops; 8 keeps the tiles small for short sequences. */
    private static final int PANEL = 8;

    private static final NaiveOps NAIVE = new ScalarNaiveOps();

    @Override
    public NaiveOps naive() {
        return NAIVE;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public int panelWidth() {
        return PANEL;
    }

    @Override
    public int tileRows() {
        return 1;
    }

    @Override
    public void scoresTransposed(float[] keys, int keyFirst, int keyStride, int keyRows, int headDim,
                                 float[] queriesT, int rowFrom, int rowTo, float[] scoresT, int[] halfKeys) {
        // Computes every key: simplest; the softmax reads only a panel's range, the value product a half's.
        for (int r = rowFrom; r < rowTo; r++) {
            for (int c = 0; c < keyRows; c++) {
                float dot = 0f;
                for (int d = 0; d < headDim; d++) {
                    dot += keys[keyFirst + c * keyStride + d] * queriesT[TilePlan.panelIndex(r, d, headDim, PANEL)];
                }
                scoresT[scoreIndex(r, c)] = dot;
            }
        }
    }

    @Override
    public void softmaxUpdate(float[] scoresT, int keyCount, int rowFrom, int rowTo, float[] rowMax, float[] rowSum,
                              float[] alpha, int[] panelKeys) {
        for (int r = rowFrom; r < rowTo; r++) {
            int from = from(panelKeys, r), to = to(panelKeys, r, keyCount);
            float blockMax = Float.NEGATIVE_INFINITY;
            for (int c = from; c < to; c++) {
                blockMax = Math.max(blockMax, scoresT[scoreIndex(r, c)]);
            }
            float mOld = rowMax[r];
            float mNew = Math.max(mOld, blockMax);
            float mSafe = mNew == Float.NEGATIVE_INFINITY ? 0f : mNew;
            float sum = 0f;
            for (int c = from; c < to; c++) {
                float p = exp2(scoresT[scoreIndex(r, c)] - mSafe);
                scoresT[scoreIndex(r, c)] = p;
                sum += p;
            }
            float a = exp2(mOld - mSafe);
            alpha[r] = a;
            rowSum[r] = rowSum[r] * a + sum; // l = l · exp2(m_old − m_new) + rowsum(P)
            rowMax[r] = mNew;
        }
    }

    @Override
    public void accumulateValues(float[] probsT, int keyCount, int rowFrom, int rowTo, float[] alpha, float[] valuesT,
                                 int valuesFirst, int paddedDim, float[] accT, int[] halfKeys) {
        for (int r = rowFrom; r < rowTo; r++) {
            int half = 4 * (r / PANEL) + (r % PANEL < PANEL / 2 ? 0 : 2); // the keys of row r's half panel
            int from = halfKeys == null ? 0 : Math.min(halfKeys[half], keyCount);
            int to = halfKeys == null ? keyCount : Math.min(keyCount, halfKeys[half + 1]);
            for (int d = 0; d < paddedDim; d++) {
                int at = TilePlan.panelIndex(r, d, paddedDim, PANEL);
                float sum = accT[at] * alpha[r]; // acc = acc · exp2(m_old − m_new)
                for (int c = from; c < to; c++) {
                    sum += valuesT[valuesFirst + d * TilePlan.KEY_BLOCK + c] * probsT[scoreIndex(r, c)];
                }
                accT[at] = sum;
            }
        }
    }

    /** First key row {@code r} reads: its panel's, or 0. */
    private static int from(int[] panelKeys, int r) {
        return panelKeys == null ? 0 : panelKeys[2 * (r / PANEL)];
    }

    /** End of the keys row {@code r} reads. */
    private static int to(int[] panelKeys, int r, int keyCount) {
        return panelKeys == null ? keyCount : Math.min(keyCount, panelKeys[2 * (r / PANEL) + 1]);
    }

    @Override
    public void softcap(float[] scoresT, int keyCount, int rowFrom, int rowTo, float cap) {
        for (int r = rowFrom; r < rowTo; r++) {
            for (int c = 0; c < keyCount; c++) {
                int at = scoreIndex(r, c);
                scoresT[at] = (float) (cap * Math.tanh(scoresT[at] / (double) cap));
            }
        }
    }

    @Override
    public void addDistanceBias(float[] scoresT, int keyCount, int rowFrom, int rowTo, int firstKey, float[] rowSlope,
                                float[] rowPosition) {
        for (int r = rowFrom; r < rowTo; r++) {
            for (int c = 0; c < keyCount; c++) {
                scoresT[scoreIndex(r, c)] += rowSlope[r] * Math.abs(firstKey + c - rowPosition[r]);
            }
        }
    }

    @Override
    public float fmaChains(long iterations) {
        float x0 = 1, x1 = 2, x2 = 3, x3 = 4, x4 = 5, x5 = 6, x6 = 7, x7 = 8, x8 = 9, x9 = 10, x10 = 11, x11 = 12;
        float a = 0.999f, b = 1e-3f;
        for (long i = 0; i < iterations; i++) {
            x0 = x0 * a + b; x1 = x1 * a + b; x2 = x2 * a + b; x3 = x3 * a + b;
            x4 = x4 * a + b; x5 = x5 * a + b; x6 = x6 * a + b; x7 = x7 * a + b;
            x8 = x8 * a + b; x9 = x9 * a + b; x10 = x10 * a + b; x11 = x11 * a + b;
        }
        return x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11;
    }

    private static int scoreIndex(int r, int c) {
        return TilePlan.panelIndex(r, c, TilePlan.KEY_BLOCK, PANEL);
    }

    private static float exp2(float x) {
        return (float) Math.exp(x * LN2);
    }
}
