package org.attention4j.kernel.panama;

import org.attention4j.Kernel;
import org.attention4j.kernel.KernelProvider;

/**
 * The Vector API kernels, on the JVM's preferred species (or {@code -Dattention4j.vectorBits}). Loaded by
 * name by {@link KernelProvider}, only when {@code jdk.incubator.vector} is in the boot layer.
 */
public final class PanamaKernels extends KernelProvider {
    public PanamaKernels() {
        super(Kernel.VECTOR, new PanamaTileOps(), new PanamaGemmKernel(), new PanamaNaiveOps());
    }
}
