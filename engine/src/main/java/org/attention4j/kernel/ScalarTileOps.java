package org.attention4j.kernel;

import java.lang.foreign.MemorySegment;
import org.attention4j.ElementType;

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

    @Override
    public int keyBlock() {
        return TilePlan.KEY_BLOCK;
    }

    @Override
    public float scoreRows(float[] queries, int rows, int headDim, float[] keys, int keyFirst, int keyStride,
                           int keyCount, float[] scores, RowsAhead ahead) {
        int stride = keyBlock();
        float touched = 0f;
        for (int c = 0; c < keyCount; c++) {
            for (int r = 0; r < rows; r++) {
                float dot = 0f;
                for (int d = 0; d < headDim; d++) {
                    dot += queries[r * headDim + d] * keys[keyFirst + c * keyStride + d];
                }
                scores[r * stride + c] = dot;
            }
            if (ahead != null) {
                touched += ahead.touchFloats(c);
            }
        }
        return touched;
    }

    @Override
    public void softmaxRows(float[] scores, int rows, int from, int to, float[] rowMax, float[] rowSum,
                            float[] alpha) {
        int stride = keyBlock();
        for (int r = 0; r < rows; r++) {
            float blockMax = Float.NEGATIVE_INFINITY;
            for (int c = from; c < to; c++) {
                blockMax = Math.max(blockMax, scores[r * stride + c]);
            }
            float mOld = rowMax[r];
            float mNew = Math.max(mOld, blockMax);
            float mSafe = mNew == Float.NEGATIVE_INFINITY ? 0f : mNew;
            float sum = 0f;
            for (int c = from; c < to; c++) {
                float p = exp2(scores[r * stride + c] - mSafe);
                scores[r * stride + c] = p;
                sum += p;
            }
            float a = exp2(mOld - mSafe);
            alpha[r] = a;
            rowSum[r] = rowSum[r] * a + sum;
            rowMax[r] = mNew;
        }
    }

    @Override
    public void accumulateValueRows(float[] probs, int rows, int from, int to, float[] alpha, float[] values,
                                    int valuesFirst, int valueStride, int headDim, float[] acc) {
        int stride = keyBlock();
        for (int r = 0; r < rows; r++) {
            for (int d = 0; d < headDim; d++) {
                float sum = acc[r * headDim + d] * alpha[r];
                for (int c = from; c < to; c++) {
                    sum += probs[r * stride + c] * values[valuesFirst + c * valueStride + d];
                }
                acc[r * headDim + d] = sum;
            }
        }
    }

    @Override
    public float scoreNarrowRows(float[] queries, int rows, int headDim, NarrowRows keys, int keyCount,
                                 float[] scores, RowsAhead ahead) {
        int stride = keyBlock();
        float touched = 0f;
        for (int c = 0; c < keyCount; c++) {
            for (int r = 0; r < rows; r++) {
                float dot = 0f;
                for (int d = 0; d < headDim; d++) {
                    dot += queries[r * headDim + d] * keys.get(c, d);
                }
                scores[r * stride + c] = dot * keys.scale(c);
            }
            if (ahead != null) {
                touched += ahead.touchShorts(c);
            }
        }
        return touched;
    }

    @Override
    public void accumulateNarrowValueRows(float[] probs, int rows, int from, int to, float[] alpha,
                                          NarrowRows values, int headDim, float[] acc) {
        int stride = keyBlock();
        for (int r = 0; r < rows; r++) {
            for (int d = 0; d < headDim; d++) {
                float sum = acc[r * headDim + d] * alpha[r];
                for (int c = from; c < to; c++) {
                    sum += probs[r * stride + c] * values.scale(c) * values.get(c, d);
                }
                acc[r * headDim + d] = sum;
            }
        }
    }

    @Override
    public void maskOutsideRowBands(float[] scoresT, int rowFrom, int rowTo, int firstKey, int[] rowFirst,
                                    int[] rowEnd, int[] panelKeys, int[] sharedKeys) {
        int width = panelWidth();
        for (int r0 = rowFrom, p = rowFrom / width * 2; r0 < rowTo; r0 += width, p += 2) {
            int from = panelKeys[p], to = panelKeys[p + 1];
            int leftEnd = Math.min(sharedKeys[p], to), rightStart = Math.max(sharedKeys[p + 1], from);
            for (int c = from; c < to; c++) {
                if (c >= leftEnd && c < rightStart) {
                    continue; // every row of the panel sees key c
                }
                int key = firstKey + c;
                for (int r = r0; r < r0 + width; r++) {
                    if (key < rowFirst[r] || key >= rowEnd[r]) {
                        scoresT[TilePlan.panelIndex(r, c, keyBlock(), width)] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
    }

    @Override
    public void packQueryPanel(float[] src, int srcFirst, int rowStride, int[] rowOffsets, int headDim,
                               float factor, float[] queriesT, int at) {
        int width = panelWidth();
        for (int d = 0; d < headDim; d++) {
            for (int j = 0; j < width; j++) {
                queriesT[at + d * width + j] = src[srcFirst + j * rowStride + d] * factor;
            }
        }
    }

    @Override
    public void copyRows(float[] src, int srcFirst, int rowStride, int count, int headDim, float[] dst, int at) {
        for (int c = 0; c < count; c++) {
            System.arraycopy(src, srcFirst + c * rowStride, dst, at + c * headDim, headDim);
        }
    }

    @Override
    public void widenRow(ElementType type, MemorySegment src, long byteOffset, float scale, float[] dst, int at,
                         int n) {
        Widening.widenRow(type, src, byteOffset, scale, dst, at, n);
    }

    @Override
    public void widenRows(ElementType type, MemorySegment src, Object heapBase, long firstByte, long strideBytes,
                          int count, int n, float[] scales, int scalesAt, float[] dst, int at) {
        for (int c = 0; c < count; c++) {
            widenRow(type, src, firstByte + c * strideBytes, type == ElementType.INT8 ? scales[scalesAt + c] : 1f,
                    dst, at + c * n, n);
        }
    }

    @Override
    public boolean transposesRowsInPlace() {
        return false;
    }

    @Override
    public void transposeValueBlock(float[] src, int srcFirst, int rowStride, int[] rowOffsets, int keyCount,
                                    int headDim, float[] valuesT, int at) {
        for (int c = 0; c < keyCount; c++) {
            for (int d = 0; d < headDim; d++) {
                valuesT[at + d * keyBlock() + c] = src[srcFirst + c * rowStride + d];
            }
        }
    }

    @Override
    public void unpackOutputPanel(float[] accT, int at, int real, int headDim, float[] inverse, float[] dst,
                                  int dstFirst, int rowStride) {
        int width = panelWidth();
        for (int j = 0; j < real; j++) {
            for (int d = 0; d < headDim; d++) {
                dst[dstFirst + j * rowStride + d] = accT[at + d * width + j] * inverse[j];
            }
        }
    }

    @Override
    public float sumStream(float[] data, int from, int to) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            s0 += data[i];
            s1 += data[i + 1];
            s2 += data[i + 2];
            s3 += data[i + 3];
        }
        for (; i < to; i++) {
            s0 += data[i];
        }
        return s0 + s1 + s2 + s3;
    }
}
