package org.attention4j.kernel;

import java.lang.System.Logger.Level;
import org.attention4j.Kernel;
import org.attention4j.kernel.gemm.GemmKernel;

/**
 * The one place that chooses the kernels, once per JVM, as Lucene's {@code VectorizationProvider} does: a
 * provider hands out everything that has a scalar and a Vector API implementation — the flash tile
 * primitives ({@link TileOps}), the GEMM kernel ({@link GemmKernel}), the naive peer's primitives
 * ({@link NaiveOps}) and, through the tile primitives, the FMA-peak workload. {@link #of(Kernel)} maps a
 * {@link Kernel} choice to a provider; nothing else switches on it.
 *
 * <p>The Vector API provider ({@code kernel.panama.PanamaKernels}) is loaded by name only when
 * {@code jdk.incubator.vector} is in the boot layer, so the engine runs (on {@link ScalarKernels}) in a
 * JVM started without it. As in Lucene, the vector kernel is
 * also the default only where it is fast: on HotSpot with C2 as its top tier ({@link JitCompiler}); on
 * OpenJ9, under Graal's JVMCI compiler, with {@code -Xint} or {@code -XX:TieredStopAtLevel=1} the default
 * is the scalar kernel, with one logged line that says why.
 *
 * <p>{@code -Dattention4j.provider=scalar|vector} forces the choice; {@code vector} without the module
 * fails with a message naming the flag to add.
 */
public abstract class KernelProvider {
    public static final String PROVIDER_PROPERTY = "attention4j.provider";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String PANAMA_CLASS = "org.attention4j.kernel.panama.PanamaKernels";

    private final Kernel kernel;
    private final TileOps tileOps;
    private final GemmKernel gemm;
    private final NaiveOps naive;

    /** For the two implementations: {@link ScalarKernels} and {@code kernel.panama.PanamaKernels}. */
    protected KernelProvider(Kernel kernel, TileOps tileOps, GemmKernel gemm, NaiveOps naive) {
        this.kernel = kernel;
        this.tileOps = tileOps;
        this.gemm = gemm;
        this.naive = naive;
    }

    /** {@return {@link Kernel#VECTOR} or {@link Kernel#SCALAR}: what this provider's kernels are} */
    public final Kernel kernel() {
        return kernel;
    }

    /** {@return the flash driver's tile primitives} */
    public final TileOps tileOps() {
        return tileOps;
    }

    /** {@return the GEMM kernel} */
    public final GemmKernel gemm() {
        return gemm;
    }

    /** {@return the naive (materialized-scores) peer's primitives} */
    public final NaiveOps naive() {
        return naive;
    }

    /**
     * {@return the provider for a {@link Kernel} choice}: {@code AUTO} the {@link #best()} one
     *
     * @throws IllegalStateException for {@code VECTOR} when the JVM was started without
     *         {@code jdk.incubator.vector}
     */
    public static KernelProvider of(Kernel kernel) {
        return switch (kernel) {
            case AUTO -> best();
            case VECTOR -> vector();
            case SCALAR -> scalar();
        };
    }

    /** The provider this JVM uses by default (see class comment). */
    public static KernelProvider best() {
        return Holder.BEST;
    }

    /** The plain-Java kernels. */
    public static KernelProvider scalar() {
        return Holder.SCALAR;
    }

    /**
     * The Vector API kernels.
     *
     * @throws IllegalStateException when the JVM was started without {@code jdk.incubator.vector}
     */
    public static KernelProvider vector() {
        if (Holder.VECTOR == null) {
            throw new IllegalStateException("the vector kernel needs the Vector API: start the JVM with "
                    + "--add-modules " + VECTOR_MODULE);
        }
        return Holder.VECTOR;
    }

    /** Why {@link #best()} is what it is, in one sentence for {@code attention4j info}. */
    public static String reason() {
        return Holder.REASON;
    }

    /** True when the Vector API kernels can be used in this JVM (fast or not: see {@link #jit()}). */
    public static boolean vectorAvailable() {
        return Holder.VECTOR != null;
    }

    /** This JVM's JIT compiler, which decides whether the vector kernel is worth running. */
    public static JitCompiler jit() {
        return Holder.JIT;
    }

    /** Initialized on first use: no work (or logging) at class-load time of callers, no init cycles. */
    private static final class Holder {
        static final KernelProvider SCALAR = new ScalarKernels();
        static final KernelProvider VECTOR = loadVector();
        static final JitCompiler JIT = JitCompiler.current();
        static final KernelProvider BEST = choose();
        static final String REASON = explain();

        private static String explain() {
            String forced = System.getProperty(PROVIDER_PROPERTY, "");
            if (!forced.isEmpty()) {
                return "forced by -D" + PROVIDER_PROPERTY + "=" + forced
                        + (forced.equals("vector") && !JIT.fastVectors() ? ", although " + JIT.slowReason() : "");
            }
            if (!JIT.fastVectors()) {
                return "scalar because " + JIT.slowReason();
            }
            if (VECTOR != null) {
                return "jdk.incubator.vector is present and the JIT is C2; " + VECTOR.tileOps().lanes() + " float lanes"
                        + (Integer.getInteger("attention4j.vectorBits") != null
                                ? " (width forced by -Dattention4j.vectorBits)" : " (the JVM's preferred species)");
            }
            return "jdk.incubator.vector is not in the boot layer: add --add-modules " + VECTOR_MODULE;
        }

        private static KernelProvider loadVector() {
            if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
                return null;
            }
            try {
                return (KernelProvider) Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                System.getLogger(KernelProvider.class.getName()).log(Level.WARNING,
                        "attention4j: could not load the vector kernels, using the scalar ones", e);
                return null;
            }
        }

        private static KernelProvider choose() {
            String forced = System.getProperty(PROVIDER_PROPERTY, "");
            switch (forced) {
                case "scalar":
                    return SCALAR;
                case "vector":
                    return vector();
                case "":
                    break;
                default:
                    throw new IllegalArgumentException("-D" + PROVIDER_PROPERTY + "=" + forced
                            + ": expected scalar or vector");
            }
            if (!JIT.fastVectors()) {
                System.getLogger(KernelProvider.class.getName()).log(Level.WARNING,
                        "attention4j: using the scalar kernel because " + JIT.slowReason()
                                + " (-D" + PROVIDER_PROPERTY + "=vector to use the vector kernel anyway)");
                return SCALAR;
            }
            if (VECTOR == null) {
                System.getLogger(KernelProvider.class.getName()).log(Level.WARNING,
                        "attention4j: jdk.incubator.vector is not available, using the slow scalar kernel; "
                                + "start the JVM with --add-modules " + VECTOR_MODULE);
                return SCALAR;
            }
            return VECTOR;
        }
    }
}
