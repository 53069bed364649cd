package org.attention4j.layer.linear;

import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.attention4j.Tensor;
import org.attention4j.kernel.ForwardArguments;
import org.attention4j.layer.Gemm;

/**
 * Performer attention, FAVOR+ (Choromanski et al., "Rethinking Attention with Performers", arXiv
 * 2009.14794): an <em>approximation</em> of softmax attention in O(n) time and memory.
 *
 * <p>With {@code x = q·√scale} and {@code y = k·√scale}, positive random features
 * <pre>
 *   φ(x)_i = exp(w_i·x − |x|²/2) / √m,    i &lt; m,   w_i the rows of {@link OrthogonalRandomFeatures}
 * </pre>
 * satisfy {@code E[φ(x)·φ(y)] = exp(x·y) = exp(q·k·scale)}, so
 * <pre>
 *   O = φ(Q)·(φ(K)ᵀ·V) / (φ(Q)·(φ(K)ᵀ·1))          (row-wise division)
 * </pre>
 * estimates {@code softmax(Q·Kᵀ·scale)·V} without the n × n matrix: {@code φ(K)ᵀ·V} is m × D. Cost per
 * (batch, head): about {@code 8·n·m·D} FLOPs non-causal. The error shrinks like {@code 1/√m} and grows
 * with the spread of the scores; {@link ApproximationError} measures it (docs/PERFORMANCE.md has a table).
 *
 * <p><b>Causal</b> ({@code spec.causal()}, bottom-right aligned as in the engine) uses prefix sums of
 * {@code φ(k_j)·v_jᵀ}, computed chunk by chunk: keys before a query chunk come from the running m × D
 * state, keys inside it from a masked chunk × chunk product. Cost about {@code 8·n·m·D + 2·n·c·(m + D)}
 * with chunk {@code c = }{@value FavorPass#CAUSAL_CHUNK}: still O(n·m·D), linear in n.
 *
 * <p><b>Stabilization.</b> Exponents are shifted by a maximum before {@code exp} so float32 neither
 * overflows nor underflows to all zeros; the shift is a common factor of the numerator and the
 * denominator, so it cancels exactly:
 * <ul>
 *   <li>query row {@code i}: its own maximum over features of {@code w·x_i}. Every factor constant in
 *       the row ({@code exp(−|x_i|²/2)}, {@code 1/√m}, the shift) multiplies both sums of row {@code i};</li>
 *   <li>keys: one running maximum of {@code w·y_j − |y_j|²/2} over the keys seen so far, shared by all
 *       keys (a per-key shift would weight keys differently and would not cancel). When it grows, the
 *       m × D state is multiplied by {@code exp(old − new)}, as an online softmax rescales its
 *       accumulator.</li>
 * </ul>
 *
 * <p>GQA: keys and values of a key/value head are featurized once for all query heads that read them.
 * Sliding windows are rejected (a band mask does not factor through the features). A row whose every
 * feature product underflows (or that sees no key) gets {@code O = 0}.
 *
 * <p>Thread-safe; a call runs on the calling thread. Same seed, same {@code W}, same output.
 *
 * @since 0.1
 */
public final class PerformerAttention implements ApproximateAttention, AutoCloseable {
    private final int features;
    private final int headDim;
    private final long seed;
    private final float[] projection;
    private final Gemm gemm;
    private volatile boolean closed;

    private PerformerAttention(int features, int headDim, long seed, Kernel kernel) {
        if (headDim < 1 || headDim > AttentionSpec.MAX_HEAD_DIM) {
            throw new IllegalArgumentException("headDim = " + headDim + ": expected 1.." + AttentionSpec.MAX_HEAD_DIM);
        }
        this.projection = OrthogonalRandomFeatures.sample(features, headDim, seed);
        this.features = features;
        this.headDim = headDim;
        this.seed = seed;
        this.gemm = Gemm.create(1, kernel);
    }

    /**
     * {@code features} (m) orthogonal random features for heads of {@code headDim}, drawn from {@code seed}.
     *
     * @param features m: more features, a smaller error (about {@code 1/√m}) and more work
     * @param headDim the head size of the specs it will run
     * @param seed the seed of the features
     * @return the attention, with its own one-thread {@link Gemm}
     * @throws IllegalArgumentException when {@code features < 1} or {@code headDim} is not 1..256
     */
    public static PerformerAttention create(int features, int headDim, long seed) {
        return new PerformerAttention(features, headDim, seed, Kernel.AUTO);
    }

    /**
     * As {@link #create(int, int, long)}, with the GEMM kernel chosen (tests compare both).
     *
     * @param features m, the number of random features
     * @param headDim the head size of the specs it will run
     * @param seed the seed of the features
     * @param kernel the GEMM kernel
     * @return the attention
     * @throws IllegalArgumentException when {@code kernel} is null, {@code features < 1} or
     *     {@code headDim} is not 1..256
     */
    public static PerformerAttention create(int features, int headDim, long seed, Kernel kernel) {
        if (kernel == null) {
            throw new IllegalArgumentException("kernel = null: expected AUTO, VECTOR or SCALAR");
        }
        return new PerformerAttention(features, headDim, seed, kernel);
    }

    /**
     * @throws IllegalArgumentException when a tensor does not fit {@code spec}, {@code spec.headDim()} is
     *         not this object's head dim, or {@code spec} has a sliding window; nothing is written
     * @throws IllegalStateException when this object is closed
     */
    @Override
    public void forward(AttentionSpec spec, Tensor q, Tensor k, Tensor v, Tensor out) {
        if (closed) {
            throw new IllegalStateException("this PerformerAttention is closed: create a new one");
        }
        ForwardArguments.check(spec, q, k, v, out, null);
        if (spec.hasWindow()) {
            throw new IllegalArgumentException("spec.window = (" + spec.windowLeft() + ", " + spec.windowRight()
                    + "): Performer attention does not support a sliding window: expected none "
                    + "(a band mask does not factor through random features)");
        }
        if (spec.headDim() != headDim) {
            throw new IllegalArgumentException("spec.headDim() = " + spec.headDim() + ": expected " + headDim
                    + " (the head dim this PerformerAttention's random features were drawn for)");
        }
        if (spec.queryLength() == 0) {
            return;
        }
        new FavorPass(gemm, spec, projection, features).run(q, k, v, out);
    }

    /** {@return the random features {@code W}, row-major {@code [features × headDim]}} (a copy) */
    public float[] projection() {
        return projection.clone();
    }

    /** {@return m, the number of random features} */
    public int features() {
        return features;
    }

    /** {@return the head size the features were drawn for} */
    public int headDim() {
        return headDim;
    }

    /** {@return the seed of the features} */
    public long seed() {
        return seed;
    }

    @Override
    public String describe() {
        return "performer m=" + features + " seed=" + seed;
    }

    /** Stops the GEMM's resources; later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        gemm.close();
    }

    @Override
    public String toString() {
        return "PerformerAttention[features=" + features + ", headDim=" + headDim + ", seed=" + seed + "]";
    }
}
