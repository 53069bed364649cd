package org.attention4j;

/**
 * A forward call stopped early: its thread was interrupted, or its deadline passed. The output is then
 * unspecified (rows may be written or not); the engine stays healthy for the next call. When the cause
 * is an interrupt, the thread's interrupt status is kept set.
 */
public final class AttentionCancelledException extends RuntimeException {
    /** Why a call stopped. */
    public enum Reason { INTERRUPTED, DEADLINE }

    private final Reason reason;

    public AttentionCancelledException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
