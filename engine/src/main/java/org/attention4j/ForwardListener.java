package org.attention4j;

/**
 * Called after every forward call of an engine (on the calling thread), for metrics: the engine itself
 * keeps no dependency on a metrics library. Must be fast and must not throw; it receives primitives and
 * the caller's spec, so the engine allocates nothing to call it.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ForwardListener {
    /**
     * One forward call has ended, successfully or not.
     *
     * @param spec the call's spec (for a varlen call, the packed one)
     * @param kernel e.g. {@code "vector-256"}
     * @param threads the engine's threads per call, the caller's included
     * @param nanos wall-clock duration of the call
     * @param failure null when the call succeeded, else what it threw (including cancellation)
     */
    void onForward(AttentionSpec spec, String kernel, int threads, long nanos, Throwable failure);
}
