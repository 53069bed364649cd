package org.attention4j.model;

import java.util.Locale;

/**
 * Where an encoder's time goes, accumulated over calls of {@link BertEncoder#embed} given this object:
 * wall-clock nanoseconds per phase. For profiling (one call at a time on that encoder): it is not
 * synchronized, and timing a phase costs two {@code System.nanoTime()} calls.
 *
 * @since 0.1
 */
public final class EncoderPhases {
    /**
     * The phases of one call, in order.
     *
     * @since 0.1
     */
    public enum Phase {
        /** word + position + type lookup and its LayerNorm */
        EMBEDDINGS,
        /** the Q·K·V and output projections (GEMMs, their biases fused) of every layer */
        ATTENTION_PROJECTIONS,
        /** the attention kernel (softmax(QKᵀ)V per sequence and head) */
        ATTENTION,
        /** the two feed-forward GEMMs of every layer, with their fused bias, GELU and residual */
        FEED_FORWARD,
        /** the attention block's residual and the LayerNorms */
        ELEMENT_WISE,
        /** mean or CLS pooling and normalization */
        POOLING
    }

    final long[] nanos = new long[Phase.values().length];
    long calls, tokens;

    /** An empty record: every phase at 0 ns, no calls. */
    public EncoderPhases() {}

    /**
     * {@return nanoseconds spent in {@code phase}} over the calls recorded
     *
     * @param phase the phase
     */
    public long nanos(Phase phase) {
        return nanos[phase.ordinal()];
    }

    /** {@return nanoseconds spent in all phases} */
    public long totalNanos() {
        long sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        return sum;
    }

    /** {@return calls recorded} */
    public long calls() {
        return calls;
    }

    /** {@return tokens encoded by the calls recorded} */
    public long tokens() {
        return tokens;
    }

    /** Sets every phase, the calls and the tokens back to 0 (e.g. after a warm-up). */
    public void reset() {
        java.util.Arrays.fill(nanos, 0);
        calls = 0;
        tokens = 0;
    }

    void add(Phase phase, long nanoseconds) {
        nanos[phase.ordinal()] += nanoseconds;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("EncoderPhases[" + calls + " calls, " + tokens + " tokens");
        for (Phase p : Phase.values()) {
            b.append(String.format(Locale.ROOT, ", %s %.1f %%", p, 100.0 * nanos(p) / Math.max(1, totalNanos())));
        }
        return b.append(']').toString();
    }
}
