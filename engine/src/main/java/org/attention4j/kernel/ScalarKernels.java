package org.attention4j.kernel;

import org.attention4j.Kernel;
import org.attention4j.kernel.gemm.ScalarGemmKernel;

/** The plain-Java kernels: the engine's fallback without the Vector API, and the twin every test checks. */
final class ScalarKernels extends KernelProvider {
    ScalarKernels() {
        super(Kernel.SCALAR, new ScalarTileOps(), new ScalarGemmKernel(), new ScalarNaiveOps());
    }
}
