package org.attention4j.cli.heatmap;

/**
 * A row-major {@code [rows × cols]} weight matrix reduced to at most {@code maxCells} cells per side, so
 * an image stays readable (and small) for long sequences: each cell holds the max, or the mean, of a
 * {@code rowBlock × colBlock} block of weights (the last block of a side may be partial). Max is the
 * default because it keeps a single sharp weight visible; the mean averages it away.
 */
record PooledGrid(int rows, int cols, int rowBlock, int colBlock, boolean mean, float[] values) {

    static PooledGrid of(float[] weights, int rows, int cols, int maxCells, boolean mean) {
        int rowBlock = Math.max(1, ceilDiv(rows, maxCells)), colBlock = Math.max(1, ceilDiv(cols, maxCells));
        int outRows = ceilDiv(rows, rowBlock), outCols = ceilDiv(cols, colBlock);
        float[] values = new float[outRows * outCols];
        for (int r = 0; r < outRows; r++) {
            for (int c = 0; c < outCols; c++) {
                values[r * outCols + c] = pool(weights, cols, r * rowBlock, Math.min(rows, (r + 1) * rowBlock),
                        c * colBlock, Math.min(cols, (c + 1) * colBlock), mean);
            }
        }
        return new PooledGrid(outRows, outCols, rowBlock, colBlock, mean, values);
    }

    private static float pool(float[] w, int cols, int rowFrom, int rowTo, int colFrom, int colTo, boolean mean) {
        double sum = 0;
        float max = 0;
        for (int r = rowFrom; r < rowTo; r++) {
            for (int c = colFrom; c < colTo; c++) {
                sum += w[r * cols + c];
                max = Math.max(max, w[r * cols + c]);
            }
        }
        return mean ? (float) (sum / ((long) (rowTo - rowFrom) * (colTo - colFrom))) : max;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    boolean pooled() {
        return rowBlock > 1 || colBlock > 1;
    }

    float value(int row, int col) {
        return values[row * cols + col];
    }

    /** The largest cell value (0 when every cell is 0). */
    float max() {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** The smallest positive cell value, or 0 when there is none. */
    float minPositive() {
        float min = Float.POSITIVE_INFINITY;
        for (float v : values) {
            if (v > 0) {
                min = Math.min(min, v);
            }
        }
        return min == Float.POSITIVE_INFINITY ? 0 : min;
    }

    /** True when some cell is exactly 0: a hidden key (or a block of them). */
    boolean hasZeros() {
        for (float v : values) {
            if (v == 0) {
                return true;
            }
        }
        return false;
    }
}
