package org.attention4j.layer;

/**
 * Rotary position embedding (RoPE, Su et al. 2021, arXiv 2104.09864), applied by the layer to Q and K
 * after the projections and before attention, so that a score depends on positions only through their
 * difference.
 *
 * <p>Pairing convention: the Llama / Hugging Face "rotate_half" one. In each head vector {@code x} of
 * dimension {@code D} (even), element {@code i} is paired with element {@code i + D/2}, for
 * {@code i < D/2}, and the pair at position {@code p} is rotated by {@code p·θ_i} with
 * {@code θ_i = base^(−2i/D)}:
 * <pre>
 *   x'[i]       = x[i]·cos(p·θ_i) − x[i + D/2]·sin(p·θ_i)
 *   x'[i + D/2] = x[i + D/2]·cos(p·θ_i) + x[i]·sin(p·θ_i)
 * </pre>
 * This is what {@code transformers}' {@code apply_rotary_pos_emb} computes for Llama, Mistral, Qwen and
 * GPT-NeoX checkpoints. The original paper and GPT-J / Meta's reference code pair adjacent elements
 * {@code (2i, 2i+1)} instead: weights from those must have their Q and K columns permuted first.
 * The rotation is applied to the whole head dimension (no partial "rotary_pct").
 *
 * <p>Angles are computed in double (Hugging Face uses float32, whose angle error grows with the
 * position: beyond a few thousand tokens the two differ by more than float32 rounding). No table: along
 * the rows each frequency's (cos, sin) pair is advanced by the angle-addition rotation, re-anchored
 * exactly every 256 rows. Immutable and thread-safe; allocates nothing.
 *
 * @since 0.1
 */
public final class RotaryEmbedding {
    /** The base of Llama 1/2 and of the RoFormer paper. */
    public static final double DEFAULT_BASE = 10000;

    private final int headDim;
    private final double base;
    private final double[] frequencies; // θ_i, i < headDim / 2

    private RotaryEmbedding(int headDim, double base) {
        if (headDim < 2 || headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim = " + headDim + ": expected an even number >= 2 (RoPE rotates "
                    + "pairs)");
        }
        if (!(base > 1) || Double.isInfinite(base)) {
            throw new IllegalArgumentException("base = " + base + ": expected a finite number > 1");
        }
        this.headDim = headDim;
        this.base = base;
        this.frequencies = new double[headDim / 2];
        for (int i = 0; i < frequencies.length; i++) {
            frequencies[i] = Math.pow(base, -2.0 * i / headDim);
        }
    }

    /**
     * {@return RoPE over heads of dimension {@code headDim} with base 10000}
     *
     * @param headDim the head size, even
     * @throws IllegalArgumentException when {@code headDim} is not an even number of at least 2
     */
    public static RotaryEmbedding of(int headDim) {
        return of(headDim, DEFAULT_BASE);
    }

    /**
     * {@return RoPE over heads of dimension {@code headDim} with the given base}
     *
     * @param headDim the head size, even
     * @param base the checkpoint's {@code rope_theta}, e.g. 500000 for Llama 3
     * @throws IllegalArgumentException when {@code headDim} is not an even number of at least 2, or
     *     {@code base} is not a finite number above 1
     */
    public static RotaryEmbedding of(int headDim, double base) {
        return new RotaryEmbedding(headDim, base);
    }

    /** {@return the head size it rotates} */
    public int headDim() {
        return headDim;
    }

    /** {@return the base of the frequencies {@code θ_i = base^(−2i/D)}} */
    public double base() {
        return base;
    }

    /**
     * Rotates, in place, the {@code heads} head vectors of each of {@code rows} rows: row {@code r} starts
     * at {@code data[offset + r·rowStride]}, holds its heads one after the other ({@code headDim} floats
     * each), and is at position {@code firstPosition + r}.
     *
     * @param data the rows, rotated in place
     * @param offset index of row 0's first head
     * @param rows the number of rows
     * @param rowStride floats between rows
     * @param heads head vectors per row
     * @param firstPosition the position of row 0
     */
    public void apply(float[] data, int offset, int rows, int rowStride, int heads, long firstPosition) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double theta = frequencies[i];
            double stepCos = Math.cos(theta), stepSin = Math.sin(theta);
            double cos = 1, sin = 0;
            for (int r = 0; r < rows; r++) {
                if (r % SinusoidalEncoding.ANCHOR == 0) {
                    double angle = (firstPosition + r) * theta;
                    cos = Math.cos(angle);
                    sin = Math.sin(angle);
                }
                float c = (float) cos, s = (float) sin;
                int row = offset + r * rowStride;
                for (int h = 0; h < heads; h++) {
                    int at = row + h * headDim + i;
                    float x1 = data[at], x2 = data[at + half];
                    data[at] = x1 * c - x2 * s;
                    data[at + half] = x2 * c + x1 * s;
                }
                // (cos, sin) of the angle + θ_i
                double nextCos = cos * stepCos - sin * stepSin;
                sin = sin * stepCos + cos * stepSin;
                cos = nextCos;
            }
        }
    }

    @Override
    public String toString() {
        return "RotaryEmbedding[headDim=" + headDim + ", base=" + base + ", pairing=rotate_half (i, i+D/2)]";
    }
}
