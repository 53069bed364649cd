package org.attention4j.layer;

/** A learned table {@code [maxPositions, dModel]}: row {@code p} is added at position {@code p}. */
final class LearnedEncoding implements PositionalEncoding {
    private final float[] table;
    private final int maxPositions;
    private final int dModel;

    LearnedEncoding(float[] table, int maxPositions, int dModel) {
        if (dModel < 1) {
            throw new IllegalArgumentException("dModel = " + dModel + ": expected >= 1");
        }
        if (maxPositions < 1) {
            throw new IllegalArgumentException("maxPositions = " + maxPositions + ": expected >= 1");
        }
        if (table == null || table.length != (long) maxPositions * dModel) {
            throw new IllegalArgumentException("table.length = " + (table == null ? "null" : table.length)
                    + ": expected maxPositions·dModel = " + (long) maxPositions * dModel);
        }
        this.table = table.clone();
        this.maxPositions = maxPositions;
        this.dModel = dModel;
    }

    @Override
    public int dModel() {
        return dModel;
    }

    @Override
    public long positionLimit() {
        return maxPositions;
    }

    @Override
    public void addTo(float[] x, int offset, int rows, long firstPosition) {
        LayerArguments.checkPositions(firstPosition, rows, positionLimit());
        for (int r = 0; r < rows; r++) {
            int from = (int) (firstPosition + r) * dModel, to = offset + r * dModel;
            for (int c = 0; c < dModel; c++) {
                x[to + c] += table[from + c];
            }
        }
    }

    @Override
    public String toString() {
        return "learned(maxPositions=" + maxPositions + ", dModel=" + dModel + ")";
    }
}
