package org.attention4j;

/**
 * Which implementation of the flash kernel an engine runs.
 *
 * @since 0.1
 */
public enum Kernel {
    /** The Vector API kernel when {@code jdk.incubator.vector} is present and the JIT is HotSpot's C2, else scalar. */
    AUTO,
    /** The Vector API kernel; needs {@code --add-modules jdk.incubator.vector}. */
    VECTOR,
    /** The plain-Java tiled kernel: the fallback and the twin the vector kernel is tested against. */
    SCALAR
}
