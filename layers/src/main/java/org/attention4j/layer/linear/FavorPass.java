package org.attention4j.layer.linear;

import java.util.Arrays;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.attention4j.layer.Gemm;

/**
 * One FAVOR+ call (see {@link PerformerAttention} for the estimator and the stabilization): the
 * buffers, all independent of the sequence length, and the chunked driver. Per (batch, key/value
 * head) it keeps the running state {@code S = Σ_j φ(k_j)·v_jᵀ} (m × D) and {@code z = Σ_j φ(k_j)} (m),
 * both scaled by {@code exp(−keyMax)}, and walks the queries chunk by chunk:
 * <pre>
 *   keys every row of the chunk sees        → added to S, z first (non-causal: all keys)
 *   keys on the chunk's causal diagonal     → featurized, used through a masked chunk × chunk product,
 *                                             then added to S, z for the next chunk
 *   out_i = (φ(q_i)·S + Σ_diag a_ij·v_j) / (φ(q_i)·z + Σ_diag a_ij),   a_ij = φ(q_i)·φ(k_j) masked
 * </pre>
 * Every product of size chunk × m × D is a {@link Gemm} call.
 */
final class FavorPass {
    /** Chunk of the causal walk: its diagonal product costs 2·c·(m + D) per token, so keep c small. */
    static final int CAUSAL_CHUNK = 64;
    /** Non-causal chunks only size the GEMMs: large enough that packing is amortized. */
    static final int CHUNK = 256;

    private final Gemm gemm;
    private final AttentionSpec spec;
    private final int m, dim, valueDim, chunk;
    /** Key index minus query index on the causal diagonal (bottom-right alignment). */
    private final int diagonalOffset;
    /** W·√|scale| [m × D] (keys), and its transpose [D × m] with the sign of the scale (queries). */
    private final float[] keyProjection, queryProjectionT;
    private final float[] row, keysT, keyHalfNorms, values, keyFeaturesT;
    private final float[] state, normalizer;
    private final float[] queries, queryFeatures, numerators, denominators, diagonal;
    private float keyMax;

    FavorPass(Gemm gemm, AttentionSpec spec, float[] projection, int m) {
        this.gemm = gemm;
        this.spec = spec;
        this.m = m;
        this.dim = spec.headDim();
        this.valueDim = spec.valueHeadDim();
        this.chunk = spec.causal() ? CAUSAL_CHUNK : CHUNK;
        this.diagonalOffset = spec.keyLength() - spec.queryLength();
        // exp(q·k·s) = exp(x·y) with x = q·sign(s)·√|s|, y = k·√|s|: a negative scale flips the queries.
        float root = (float) Math.sqrt(Math.abs(spec.scale()));
        float sign = Math.signum(spec.scale()) < 0 ? -1f : 1f;
        keyProjection = new float[m * dim];
        queryProjectionT = new float[dim * m];
        for (int f = 0; f < m; f++) {
            for (int d = 0; d < dim; d++) {
                keyProjection[f * dim + d] = projection[f * dim + d] * root;
                queryProjectionT[d * m + f] = sign * keyProjection[f * dim + d];
            }
        }
        row = new float[dim];
        keysT = new float[dim * chunk];
        keyHalfNorms = new float[chunk];
        values = new float[chunk * valueDim];
        keyFeaturesT = new float[m * chunk];
        state = new float[m * valueDim];
        normalizer = new float[m];
        queries = new float[chunk * dim];
        queryFeatures = new float[chunk * m];
        numerators = new float[chunk * valueDim];
        denominators = new float[chunk];
        diagonal = spec.causal() ? new float[chunk * chunk] : null;
    }

    void run(Tensor q, Tensor k, Tensor v, Tensor out) {
        for (int b = 0; b < spec.batch(); b++) {
            for (int kvHead = 0; kvHead < spec.kvHeads(); kvHead++) {
                runGroup(b, kvHead, q, k, v, out);
            }
        }
    }

    /** All query heads that read key/value head {@code kvHead}, sharing one state. */
    private void runGroup(int b, int kvHead, Tensor q, Tensor k, Tensor v, Tensor out) {
        Arrays.fill(state, 0f);
        Arrays.fill(normalizer, 0f);
        keyMax = Float.NEGATIVE_INFINITY;
        int keysInState = 0;
        for (int first = 0; first < spec.queryLength(); first += chunk) {
            int rows = Math.min(chunk, spec.queryLength() - first);
            int seenByAll = spec.causal() ? visibleKeyEnd(first) : spec.keyLength();
            while (keysInState < seenByAll) {
                int count = Math.min(chunk, seenByAll - keysInState);
                featurizeKeys(b, kvHead, keysInState, count, k, v);
                addKeysToState(count);
                keysInState += count;
            }
            int diagonalCount = spec.causal() ? visibleKeyEnd(first + rows) - seenByAll : 0; // <= rows
            if (diagonalCount > 0) {
                featurizeKeys(b, kvHead, seenByAll, diagonalCount, k, v);
            }
            for (int h = kvHead * spec.groupSize(); h < (kvHead + 1) * spec.groupSize(); h++) {
                attendChunk(b, h, first, rows, seenByAll, diagonalCount, q, out);
            }
            if (diagonalCount > 0) {
                addKeysToState(diagonalCount);
                keysInState += diagonalCount;
            }
        }
    }

    /** Keys {@code [0, end)} are visible to every causal query row before {@code queryEnd}: end clamped to [0, Lk]. */
    private int visibleKeyEnd(int queryEnd) {
        return Math.clamp((long) queryEnd + diagonalOffset, 0, spec.keyLength());
    }

    /**
     * Loads keys and values {@code [first, first + count)} and leaves their features, shifted by the
     * (possibly raised) running key maximum, in {@code keyFeaturesT [m × chunk]}.
     */
    private void featurizeKeys(int b, int kvHead, int first, int count, Tensor k, Tensor v) {
        HeadRows.readTransposed(k, b, kvHead, first, count, dim, row, keysT, chunk);
        HeadRows.read(v, b, kvHead, first, count, valueDim, values);
        float halfScale = Math.abs(spec.scale()) * 0.5f;
        Arrays.fill(keyHalfNorms, 0, count, 0f);
        for (int d = 0; d < dim; d++) {
            for (int j = 0; j < count; j++) {
                keyHalfNorms[j] += keysT[d * chunk + j] * keysT[d * chunk + j];
            }
        }
        for (int j = 0; j < count; j++) {
            keyHalfNorms[j] *= halfScale; // |y|²/2 with y = k·√|scale|
        }
        gemm.multiply(m, count, dim, keyProjection, 0, dim, keysT, 0, chunk, keyFeaturesT, 0, chunk, false);
        float blockMax = Float.NEGATIVE_INFINITY;
        for (int f = 0; f < m; f++) {
            for (int j = 0; j < count; j++) {
                float exponent = keyFeaturesT[f * chunk + j] - keyHalfNorms[j];
                keyFeaturesT[f * chunk + j] = exponent;
                blockMax = Math.max(blockMax, exponent);
            }
        }
        if (blockMax > keyMax) {
            // S = S · exp(keyMax_old − keyMax_new), z likewise (0 on the first chunk: exp(−∞) = 0)
            float rescale = (float) Math.exp(keyMax - blockMax);
            scale(state, m * valueDim, rescale);
            scale(normalizer, m, rescale);
            keyMax = blockMax;
        }
        for (int f = 0; f < m; f++) {
            for (int j = 0; j < count; j++) {
                keyFeaturesT[f * chunk + j] = (float) Math.exp(keyFeaturesT[f * chunk + j] - keyMax);
            }
        }
    }

    /** S += φ(K)ᵀ·V and z += φ(K)ᵀ·1 for the {@code count} keys featurized last. */
    private void addKeysToState(int count) {
        for (int f = 0; f < m; f++) {
            float sum = 0;
            for (int j = 0; j < count; j++) {
                sum += keyFeaturesT[f * chunk + j];
            }
            normalizer[f] += sum;
        }
        gemm.multiply(m, valueDim, count, keyFeaturesT, 0, chunk, values, 0, valueDim, state, 0, valueDim, true);
    }

    /**
     * Output rows {@code [first, first + rows)} of query head {@code h}: against the state, plus the
     * {@code diagonalCount} featurized keys from {@code diagonalFirst} through the causal mask.
     */
    private void attendChunk(int b, int h, int first, int rows, int diagonalFirst, int diagonalCount, Tensor q,
                             Tensor out) {
        HeadRows.read(q, b, h, first, rows, dim, queries);
        gemm.multiply(rows, m, dim, queries, 0, dim, queryProjectionT, 0, m, queryFeatures, 0, m, false);
        featurizeQueries(rows);
        gemm.multiply(rows, valueDim, m, queryFeatures, 0, m, state, 0, valueDim, numerators, 0, valueDim, false);
        for (int r = 0; r < rows; r++) {
            float sum = 0;
            for (int f = 0; f < m; f++) {
                sum += queryFeatures[r * m + f] * normalizer[f];
            }
            denominators[r] = sum;
        }
        if (diagonalCount > 0) {
            addDiagonal(first, rows, diagonalFirst, diagonalCount);
        }
        for (int r = 0; r < rows; r++) {
            // A division, not a multiply by 1/den: with a subnormal den, 1/den overflows to ∞, while num/den,
            // a weighted mean of the values, stays finite. No visible key, or every product underflowed: O = 0.
            float denominator = denominators[r];
            for (int d = 0; d < valueDim; d++) {
                numerators[r * valueDim + d] = denominator > 0 ? numerators[r * valueDim + d] / denominator : 0f;
            }
        }
        HeadRows.write(numerators, out, b, h, first, rows, valueDim);
    }

    /** φ(q) per row, shifted by the row's own maximum exponent (a row constant: it cancels in the ratio). */
    private void featurizeQueries(int rows) {
        for (int r = 0; r < rows; r++) {
            float rowMax = Float.NEGATIVE_INFINITY;
            for (int f = 0; f < m; f++) {
                rowMax = Math.max(rowMax, queryFeatures[r * m + f]);
            }
            for (int f = 0; f < m; f++) {
                queryFeatures[r * m + f] = (float) Math.exp(queryFeatures[r * m + f] - rowMax);
            }
        }
    }

    /** a = φ(Q)·φ(K_diag)ᵀ with a_ij = 0 where key j is after query i's diagonal; num += a·V, den += Σ_j a. */
    private void addDiagonal(int first, int rows, int diagonalFirst, int diagonalCount) {
        gemm.multiply(rows, diagonalCount, m, queryFeatures, 0, m, keyFeaturesT, 0, chunk, diagonal, 0, chunk, false);
        for (int r = 0; r < rows; r++) {
            long lastVisible = (long) first + r + diagonalOffset; // causal: key j visible iff j <= i + Lk − Lq
            float sum = 0;
            for (int j = 0; j < diagonalCount; j++) {
                if (diagonalFirst + j > lastVisible) {
                    diagonal[r * chunk + j] = 0f;
                }
                sum += diagonal[r * chunk + j];
            }
            denominators[r] += sum;
        }
        gemm.multiply(rows, valueDim, diagonalCount, diagonal, 0, chunk, values, 0, valueDim, numerators, 0, valueDim,
                true);
    }

    private static void scale(float[] a, int count, float factor) {
        for (int i = 0; i < count; i++) {
            a[i] *= factor;
        }
    }
}
