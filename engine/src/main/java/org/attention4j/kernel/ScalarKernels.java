package org.attention4j.kernel;

import org.attention4j.Kernel;
import org.attention4j.kernel.gemm.GemmKernel;
import org.attention4j.kernel.gemm.ScalarGemmKernel;

/** The plain-Java kernels: the engine's fallback without the Vector API, and the twin every test checks. */
final class ScalarKernels extends KernelProvider {
    private final TileOps tileOps = new ScalarTileOps();
    private final GemmKernel gemm = new ScalarGemmKernel();
    private final NaiveOps naive = new ScalarNaiveOps();

    @Override
    public Kernel kernel() {
        return Kernel.SCALAR;
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
