package org.attention4j.kernel.gemm;

/**
 * The cache-blocking loops of {@code C (+)= A·B} over one rectangular region of C (Goto/BLIS order):
 * <pre>
 *   for each NC columns:                 pack B (KC × NC) once per depth block, reused by every row block
 *     for each KC depths:
 *       for each MC rows:                pack A (MC × KC), then the kernel runs MR × NR tiles over it
 * </pre>
 * An element's sum is accumulated depth block by depth block in k order, and a block's partial sums go
 * into C (the first block overwrites unless accumulating; a later one is added to C in the tile, after its
 * loop on AVX-512, as the chain's start on AVX2 and in plain Java). Nothing here depends on the
 * region's size or position, so splitting C among threads gives bitwise the same result.
 */
final class GemmDriver {
    private GemmDriver() {}

    /** Rows {@code [rowFirst, rowEnd)} and columns {@code [colFirst, colEnd)} of C for a call with {@code k > 0}. */
    static void multiplyRegion(GemmKernel kernel, GemmCall call, int rowFirst, int rowEnd, int colFirst, int colEnd,
                               GemmBuffers buffers) {
        int kcMax = kernel.depthBlock(), mcMax = kernel.rowBlock(), ncMax = kernel.colBlock();
        float[] a = call.a, b = call.b, c = call.c;
        int k = call.k, lda = call.lda, ldb = call.ldb, ldc = call.ldc;
        for (int jc = colFirst; jc < colEnd; jc += ncMax) {
            int nc = Math.min(ncMax, colEnd - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                float[] packedB = buffers.packedB;
                int packedBAt = 0;
                if (call.packed != null) { // B was packed once, ahead of the call
                    packedB = call.packed.data;
                    packedBAt = call.packed.offset(pc, jc);
                } else {
                    kernel.packB(b, call.bOffset + pc * ldb + jc, ldb, kc, nc, packedB);
                }
                boolean load = call.accumulate || pc > 0;
                for (int ic = rowFirst; ic < rowEnd; ic += mcMax) {
                    int mc = Math.min(mcMax, rowEnd - ic);
                    kernel.packA(a, call.aOffset + ic * lda + pc, lda, mc, kc, buffers.packedA);
                    int cAt = call.cOffset + ic * ldc + jc;
                    kernel.multiplyBlock(mc, nc, kc, buffers.packedA, packedB, packedBAt, c, cAt, ldc, load,
                            buffers.edge);
                    if (pc + kc == k && call.hasEpilogue()) { // the block's sums are complete and still in cache
                        kernel.epilogue(c, cAt, ldc, mc, nc, call.bias, jc, call.residual, call.gelu);
                    }
                }
            }
        }
    }

    /** C = 0 over the call's region: the product with {@code k = 0} when not accumulating. */
    static void clear(GemmCall call) {
        for (int i = 0; i < call.m; i++) {
            int at = call.cOffset + i * call.ldc;
            java.util.Arrays.fill(call.c, at, at + call.n, 0f);
        }
    }
}
