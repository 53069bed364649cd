package org.attention4j;

/**
 * A forward call stopped early: its thread was interrupted, or its deadline passed. The output is then
 * unspecified (rows may be written or not; none when the deadline had passed before the call started);
 * the engine stays healthy for the next call. When the cause is an interrupt, the thread's interrupt
 * status is kept set.
 *
 * @since 0.1
 */
public final class AttentionCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Why a call stopped.
     *
     * @since 0.1
     */
    public enum Reason {
        /** The calling thread was interrupted, or another thread of the call failed. */
        INTERRUPTED,
        /** The call's deadline passed, before or during the call. */
        DEADLINE
    }

    /** Why the call stopped. */
    private final Reason reason;

    /**
     * An exception for a call stopped for {@code reason}; the engine throws it, code that wraps the
     * engine (a test's fake, a decorator enforcing its own deadline) may too.
     *
     * @param reason why the call stopped
     * @param message what happened, for logs
     */
    public AttentionCancelledException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** {@return why the call stopped: a service answers an interrupt and a deadline differently} */
    public Reason reason() {
        return reason;
    }
}
