package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.GEMM_DEPTH_BLOCK;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;
import static org.attention4j.kernel.panama.PanamaConstants.TILE_WIDTH;

import org.attention4j.kernel.gemm.TiledGemmKernel;

/**
 * Vector API GEMM kernel: MR × NR micro-tiles ({@link MicroKernels}: {@code gemmTile12x2} on AVX-512,
 * attention's {@code tile6x2} on AVX2) over packed blocks. Made by {@link PanamaKernels}, which
 * {@code KernelProvider} loads by name only when {@code jdk.incubator.vector} is present.
 *
 * <p>Blocking (Goto/BLIS; the loops are in {@code GemmDriver}): a packed B panel (KC × NR) stays in L1
 * (on AVX-512, 48 KiB: L1 and L2) while the packed A panels of an MC × KC block stream past it from L2.
 * <ul>
 *   <li>KC = 4096 / NR on AVX2: the B panel is 16 KiB, half of a 32 KiB L1d, leaving room for the A panel
 *       (MR·KC floats, 6 KiB) streaming through (KC = 256); on AVX-512 KC = 384 (PanamaConstants
 *       .GEMM_DEPTH_BLOCK says why);</li>
 *   <li>MC ≈ 36 Ki floats / KC, a multiple of MR: the packed A block is 144 KiB, well inside a
 *       512 KiB L2 with the B panels and C lines passing through (AVX2: MC = 144);</li>
 *   <li>NC: the packed B block (KC × NC) lives in L3 and is re-read once per MC rows.</li>
 * </ul>
 */
public final class PanamaGemmKernel extends TiledGemmKernel {
    /** Columns of a micro-tile: 2 vectors, a panel row of the shared micro-kernels. */
    private static final int NR = TILE_WIDTH;
    private static final int MR = SPECIES.vectorBitSize() >= 512 ? 12 : 6;
    private static final int KC = GEMM_DEPTH_BLOCK;
    private static final int MC = Math.max(MR, 36 * 1024 / KC / MR * MR);
    private static final int NC = 64 * NR;

    public PanamaGemmKernel() {
        super(MR, NR, KC, MC, NC);
    }

    @Override
    public String name() {
        return "vector-" + SPECIES.vectorBitSize() + " " + MR + "x" + NR;
    }

    @Override
    protected void tile(int depth, float[] a, int aAt, float[] b, int bAt, float[] c, int cAt, int ldc,
                        boolean load) {
        if (MR == 12) {
            MicroKernels.gemmTile12x2(a, aAt, depth, b, bAt, c, cAt, ldc, load);
        } else { // 16 registers: the shared tile (a 6-row gemmTile6x2 ran at half its speed under -XX:UseAVX=2)
            MicroKernels.tile6x2(a, aAt, KC, depth, b, bAt, c, cAt, ldc, null, 0, load);
        }
    }

    @Override
    public void epilogue(float[] c, int cAt, int ldc, int rows, int cols, float[] bias, int biasAt, float[] residual,
                         boolean gelu) {
        for (int i = 0; i < rows; i++) {
            int row = cAt + i * ldc;
            PanamaRowOps.addRows(c, row, cols, bias, biasAt, residual);
            if (gelu) {
                PanamaRowOps.gelu(c, row, row + cols);
            }
        }
    }

    @Override
    public void gelu(float[] x, int from, int to) {
        PanamaRowOps.gelu(x, from, to);
    }

    @Override
    public void layerNorm(float[] x, float[] residual, int at, int width, float[] gamma, float[] beta, float eps) {
        PanamaRowOps.layerNorm(x, residual, at, width, gamma, beta, eps);
    }
}
