package org.attention4j.layer;

/**
 * An absolute positional encoding added to the layer's input: row {@code r} of X, at position
 * {@code p}, becomes {@code X[r] + PE(p)} before the projections (as at the embedding layer of the
 * Transformer, BERT and GPT-2). Rotary embeddings act on Q and K instead: see {@link RotaryEmbedding}.
 *
 * <p>Implementations are immutable and thread-safe, and allocate nothing per call.
 *
 * @since 0.1
 */
public sealed interface PositionalEncoding permits SinusoidalEncoding, LearnedEncoding {
    /** {@return the width of the vectors it adds} */
    int dModel();

    /**
     * {@return the first position it cannot encode} ({@link Long#MAX_VALUE} when unbounded): the layer
     * checks a call's positions against it before anything is written.
     */
    long positionLimit();

    /**
     * Adds {@code PE(firstPosition + r)} to row {@code r < rows} of the dense row-major matrix
     * {@code x[offset ..]} of width {@link #dModel()}.
     *
     * @param x the rows, changed in place
     * @param offset index of row 0
     * @param rows the number of rows
     * @param firstPosition the position of row 0
     * @throws IllegalArgumentException when a position is negative or at or past {@link #positionLimit()}
     *         (nothing is written then)
     */
    void addTo(float[] x, int offset, int rows, long firstPosition);

    /**
     * {@return the sinusoidal encoding of "Attention is all you need"} (closed form, no table, no limit;
     * an odd last column gets the sine only)
     *
     * @param dModel the width, at least 1
     * @throws IllegalArgumentException when {@code dModel < 1}
     */
    static PositionalEncoding sinusoidal(int dModel) {
        return new SinusoidalEncoding(dModel);
    }

    /**
     * A learned table {@code [maxPositions, dModel]}, row-major (row {@code p} is PE(p)), as BERT's
     * {@code position_embeddings.weight}. The array is copied.
     *
     * @param table {@code [maxPositions, dModel]}, row-major
     * @param maxPositions rows of the table: the position limit
     * @param dModel the width
     * @return the encoding
     * @throws IllegalArgumentException when a size is below 1 or the table's length is not
     *     {@code maxPositions · dModel}
     */
    static PositionalEncoding learned(float[] table, int maxPositions, int dModel) {
        return new LearnedEncoding(table, maxPositions, dModel);
    }
}
