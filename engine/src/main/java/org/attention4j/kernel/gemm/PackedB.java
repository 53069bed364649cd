package org.attention4j.kernel.gemm;

/**
 * A B matrix packed once for one kernel, for the right-hand operand that stays the same across calls (a
 * layer's weights): every call then skips packing B, which at the row counts of a transformer batch
 * (hundreds of tokens) costs 10–15 % of the product.
 *
 * <p>Layout: depth block after depth block (KC depths each, the last one shorter), each holding all
 * columns as {@link GemmKernel#packB} packs them: panels of NR columns, {@code kc·NR} floats each, the
 * last panel zero-padded. Depth block {@code pc} starts at {@code pc·paddedCols}, and its columns from
 * {@code jc} (a multiple of NR) are exactly the block {@code packB} would make of them — which is what
 * lets any thread's region of C use them.
 */
public final class PackedB {
    final GemmKernel kernel;
    final float[] data;
    final int k, n, paddedCols;

    private PackedB(GemmKernel kernel, int k, int n) {
        this.kernel = kernel;
        this.k = k;
        this.n = n;
        this.paddedCols = GemmBuffers.roundUp(n, kernel.tileCols());
        this.data = new float[Math.multiplyExact(k, paddedCols)];
    }

    /** Packs {@code B[k × n]} (row p at {@code b[bOffset + p·ldb]}) for {@code kernel}; arguments already checked. */
    public static PackedB pack(GemmKernel kernel, float[] b, int bOffset, int ldb, int k, int n) {
        PackedB packed = new PackedB(kernel, k, n);
        for (int pc = 0; pc < k; pc += kernel.depthBlock()) {
            int kc = Math.min(kernel.depthBlock(), k - pc);
            Packing.packB(b, bOffset + pc * ldb, ldb, kc, n, kernel.tileCols(), packed.data, pc * packed.paddedCols);
        }
        return packed;
    }

    /** Where the packed block of depths from {@code pc} and columns from {@code jc} (multiples of KC and NR) starts. */
    int offset(int pc, int jc) {
        int kc = Math.min(kernel.depthBlock(), k - pc);
        return pc * paddedCols + jc * kc; // + (jc / NR) · kc · NR
    }

    public GemmKernel kernel() {
        return kernel;
    }

    public int rows() {
        return k;
    }

    public int cols() {
        return n;
    }

    /** Bytes held by the packed copy. */
    public long bytes() {
        return 4L * data.length;
    }
}
