package org.attention4j.kernel.panama;

import org.attention4j.Kernel;
import org.attention4j.kernel.KernelProvider;
import org.attention4j.kernel.NaiveOps;
import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.gemm.GemmKernel;

/**
 * The Vector API kernels, on the JVM's preferred species (or {@code -Dattention4j.vectorBits}). Loaded by
 * name by {@link KernelProvider}, only when {@code jdk.incubator.vector} is in the boot layer.
 */
public final class PanamaKernels extends KernelProvider {
    private final TileOps tileOps = new PanamaTileOps();
    private final GemmKernel gemm = new PanamaGemmKernel();
    private final NaiveOps naive = new PanamaNaiveOps();

    @Override
    public Kernel kernel() {
        return Kernel.VECTOR;
    }

    @Override
    public TileOps tileOps() {
        return tileOps;
    }

    @Override
    public GemmKernel gemm() {
        return gemm;
    }

    @Override
    public NaiveOps naive() {
        return naive;
    }
}
