package org.attention4j.bench;

import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.KernelProvider;

/** What the engine runs on in this JVM, for reports ({@code attention4j info}, profile headers, baselines). */
public final class KernelInfo {
    private KernelInfo() {}

    /** The default kernel's name, e.g. {@code "vector-256"} or {@code "scalar"}. */
    public static String provider() {
        return KernelProvider.best().tileOps().name();
    }

    /** Float lanes of the default kernel's vectors (1 for scalar). */
    public static int lanes() {
        return KernelProvider.best().tileOps().lanes();
    }

    /** Micro-tile shape of the default kernel, e.g. {@code "6x16"} (rows × columns). */
    public static String microTile() {
        TileOps ops = KernelProvider.best().tileOps();
        return ops.tileRows() + "x" + ops.panelWidth();
    }

    /** Why the default kernel was chosen. */
    public static String reason() {
        return KernelProvider.reason();
    }

    /**
     * The JVM's JIT compiler as far as the kernel choice is concerned, e.g. {@code "HotSpot C2"} or
     * {@code "C1 only (no C2)"}: the vector kernel is the default only under C2.
     */
    public static String jit() {
        return KernelProvider.jit().name();
    }

    /** True when the Vector API kernel can run in this JVM. */
    public static boolean vectorAvailable() {
        return KernelProvider.vectorAvailable();
    }
}
