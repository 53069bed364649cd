package org.attention4j.layer;

/**
 * An absolute positional encoding added to the layer's input: row {@code r} of X, at position
 * {@code p}, becomes {@code X[r] + PE(p)} before the projections (as at the embedding layer of the
 * Transformer, BERT and GPT-2). Rotary embeddings act on Q and K instead: see {@link RotaryEmbedding}.
 *
 * <p>Implementations are immutable and thread-safe, and allocate nothing per call.
 */
public sealed interface PositionalEncoding permits SinusoidalEncoding, LearnedEncoding {
    /** The width of the vectors it adds. */
    int dModel();

    /**
     * The first position it cannot encode ({@link Long#MAX_VALUE} when unbounded): the layer checks a
     * call's positions against it before anything is written.
     */
    long positionLimit();

    /**
     * Adds {@code PE(firstPosition + r)} to row {@code r < rows} of the dense row-major matrix
     * {@code x[offset ..]} of width {@link #dModel()}.
     *
     * @throws IllegalArgumentException when a position is negative or at or past {@link #positionLimit()}
     *         (nothing is written then)
     */
    void addTo(float[] x, int offset, int rows, long firstPosition);

    /** The sinusoidal encoding of "Attention is all you need" (closed form, no table). */
    static PositionalEncoding sinusoidal(int dModel) {
        return new SinusoidalEncoding(dModel);
    }

    /**
     * A learned table {@code [maxPositions, dModel]}, row-major (row {@code p} is PE(p)), as BERT's
     * {@code position_embeddings.weight}. The array is copied.
     */
    static PositionalEncoding learned(float[] table, int maxPositions, int dModel) {
        return new LearnedEncoding(table, maxPositions, dModel);
    }

    /** Checks {@code [first, first + rows)} against {@code [0, limit)}; shared by the implementations. */
    static void checkPositions(long first, int rows, long limit) {
        if (first < 0) {
            throw new IllegalArgumentException("first position = " + first + ": expected >= 0");
        }
        if (rows > 0 && first + rows > limit) {
            throw new IllegalArgumentException("positions " + first + ".." + (first + rows - 1)
                    + ": expected < " + limit + " (the encoding's table size)");
        }
    }
}
