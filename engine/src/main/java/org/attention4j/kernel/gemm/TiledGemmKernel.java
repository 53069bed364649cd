package org.attention4j.kernel.gemm;

/**
 * What the two GEMM kernels share: packing to their MR × NR micro-tiles, and the walk of a packed block in
 * micro-tiles, where the partial tiles at the block's bottom and right edges are computed whole in a
 * scratch tile and copied out. An implementation gives its block sizes and writes only its micro-tile
 * ({@link #tile}).
 */
public abstract class TiledGemmKernel implements GemmKernel {
    private final int mr, nr, kc, mc, nc;

    /**
     * @param mr rows of a micro-tile (MR)
     * @param nr columns of a micro-tile (NR)
     * @param kc depth of a cache block (KC)
     * @param mc rows of a packed A block (MC, a multiple of MR)
     * @param nc columns of a packed B block (NC, a multiple of NR)
     */
    protected TiledGemmKernel(int mr, int nr, int kc, int mc, int nc) {
        this.mr = mr;
        this.nr = nr;
        this.kc = kc;
        this.mc = mc;
        this.nc = nc;
    }

    /**
     * One full micro-tile {@code C[MR × NR] (+)= A[MR × depth]·B[depth × NR]}: A's rows from {@code a[aAt]}
     * (KC apart, packed; {@code depth <= KC}), B's from {@code b[bAt]} (NR apart, packed), C(i, j) at
     * {@code c[cAt + i·ldc + j]}; with {@code load} it adds to C, otherwise it overwrites it.
     */
    protected abstract void tile(int depth, float[] a, int aAt, float[] b, int bAt, float[] c, int cAt, int ldc,
                                 boolean load);

    @Override
    public final int tileRows() {
        return mr;
    }

    @Override
    public final int tileCols() {
        return nr;
    }

    @Override
    public final int depthBlock() {
        return kc;
    }

    @Override
    public final int rowBlock() {
        return mc;
    }

    @Override
    public final int colBlock() {
        return nc;
    }

    @Override
    public final void packA(float[] a, int aAt, int lda, int rows, int depth, float[] packedA) {
        Packing.packA(a, aAt, lda, rows, depth, kc, mr, packedA);
    }

    @Override
    public final void packB(float[] b, int bAt, int ldb, int depth, int cols, float[] packedB) {
        Packing.packB(b, bAt, ldb, depth, cols, nr, packedB);
    }

    @Override
    public final void multiplyBlock(int rows, int cols, int depth, float[] packedA, float[] packedB, int packedBAt,
                                    float[] c, int cAt, int ldc, boolean load, float[] edge) {
        for (int j = 0; j < cols; j += nr) {
            int bAt = packedBAt + j * depth; // + (j / NR) · depth · NR
            int liveCols = Math.min(nr, cols - j);
            for (int i = 0; i < rows; i += mr) {
                int aAt = i * kc; // packed A rows are KC apart whatever the block's depth
                int liveRows = Math.min(mr, rows - i);
                int at = cAt + i * ldc + j;
                if (liveRows == mr && liveCols == nr) {
                    tile(depth, packedA, aAt, packedB, bAt, c, at, ldc, load);
                } else {
                    if (load) {
                        Packing.loadEdge(c, at, ldc, liveRows, liveCols, nr, edge);
                    }
                    tile(depth, packedA, aAt, packedB, bAt, edge, 0, nr, load);
                    Packing.storeEdge(edge, liveRows, liveCols, nr, c, at, ldc);
                }
            }
        }
    }
}
