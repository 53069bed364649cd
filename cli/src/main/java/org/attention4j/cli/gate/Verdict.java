package org.attention4j.cli.gate;

/** The gate's decision for one scenario. Only {@link #REGRESSION} fails a check. */
public enum Verdict {
    /** With the stated confidence, no slowdown beyond the allowed one. */
    PASS,
    /** With the stated confidence, slower by more than the allowed regression. */
    REGRESSION,
    /** With the stated confidence, faster by more than the allowed regression's mirror. */
    IMPROVEMENT,
    /** Too few samples, or too much noise to tell: listed, but does not fail. */
    INCONCLUSIVE
}
