package org.attention4j;

/**
 * Called after every forward call of an engine (on the calling thread), for metrics: the engine itself
 * keeps no dependency on a metrics library. Must be fast and must not throw; it receives primitives and
 * the caller's spec, so the engine allocates nothing to call it.
 */
@FunctionalInterface
public interface ForwardListener {
    /**
     * @param kernel e.g. {@code "vector-256"}
     * @param nanos wall-clock duration of the call
     * @param failure null when the call succeeded, else what it threw (including cancellation)
     */
    void onForward(AttentionSpec spec, String kernel, int threads, long nanos, Throwable failure);
}
