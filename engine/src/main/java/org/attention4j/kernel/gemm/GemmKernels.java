package org.attention4j.kernel.gemm;

import java.lang.System.Logger.Level;
import org.attention4j.kernel.TileOpsProvider;

/**
 * Chooses the GEMM kernel as {@link TileOpsProvider} chooses the flash primitives (and follows its
 * decision, so {@code -Dattention4j.provider} and {@code -Dattention4j.vectorBits} apply to both and
 * the missing-module warning is logged once): the Vector API kernel is loaded by name only when
 * {@code jdk.incubator.vector} is in the boot layer, so the engine runs without it.
 */
public final class GemmKernels {
    private static final String PANAMA_CLASS = "org.attention4j.kernel.panama.PanamaGemmKernel";

    private GemmKernels() {}

    /** The kernel this JVM uses by default: vector exactly when the flash kernel is vector. */
    public static GemmKernel best() {
        return Holder.BEST;
    }

    public static GemmKernel scalar() {
        return Holder.SCALAR;
    }

    /** @throws IllegalStateException when the JVM was started without {@code jdk.incubator.vector} */
    public static GemmKernel vector() {
        TileOpsProvider.vector(); // throws with the message naming the flag when the module is absent
        if (Holder.VECTOR == null) {
            throw new IllegalStateException("the vector GEMM kernel could not be loaded (see the log)");
        }
        return Holder.VECTOR;
    }

    /** Initialized on first use: no work (or logging) at class-load time of callers. */
    private static final class Holder {
        static final GemmKernel SCALAR = new ScalarGemmKernel();
        static final GemmKernel VECTOR = load();
        static final GemmKernel BEST = TileOpsProvider.best() == TileOpsProvider.scalar() || VECTOR == null
                ? SCALAR : VECTOR;

        private static GemmKernel load() {
            if (!TileOpsProvider.vectorAvailable()) {
                return null;
            }
            try {
                return (GemmKernel) Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                System.getLogger(GemmKernels.class.getName()).log(Level.WARNING,
                        "attention4j: could not load the vector GEMM kernel, using the scalar one", e);
                return null;
            }
        }
    }
}
