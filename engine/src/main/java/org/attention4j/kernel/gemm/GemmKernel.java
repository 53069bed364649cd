package org.attention4j.kernel.gemm;

/**
 * The register- and cache-blocked inner part of {@code C (+)= A·B}, implemented once in plain Java
 * ({@link ScalarGemmKernel}) and once with the Vector API ({@code panama.PanamaGemmKernel}); the loops
 * around it (cache blocks, threads) are {@link GemmDriver}'s.
 *
 * <p>Operands arrive <em>packed</em> (zero-padded to whole panels, so every micro-tile is full):
 * <ul>
 *   <li>packed A: a block of rows, each row's {@code kc} depths contiguous, element (row, k) at
 *       {@code row·KC + k} (KC = {@link #depthBlock()}, also when the block is shallower: a row stride
 *       the micro-kernel knows at compile time), padded with zero rows to a multiple of
 *       {@link #tileRows()} = MR (a micro-tile reads MR consecutive rows, a panel);</li>
 *   <li>packed B: a block of columns cut into panels of {@link #tileCols()} = NR columns; element
 *       (k, col) is at {@code (col / NR)·kc·NR + k·NR + col % NR}.</li>
 * </ul>
 * Inside a micro-tile every index then moves by a compile-time constant, which lets C2 hoist the bounds
 * checks out of the loop (a runtime stride kept them and cost ~25 % in the flash kernel). A is not
 * packed k-major as in BLIS: see {@code panama.MicroKernels} for why.
 *
 * <p>Implementations must compute each element of C from its own products in a fixed order (k
 * ascending within a depth block), whatever the position of the element in a tile: that is what makes
 * the result independent of how the driver splits C among threads.
 */
public interface GemmKernel {

    /** A short name for reports, e.g. {@code "vector-256 6x16"} or {@code "scalar 4x4"}. */
    String name();

    /** MR: rows of a micro-tile (rows of a packed A panel). */
    int tileRows();

    /** NR: columns of a micro-tile (columns of a packed B panel). */
    int tileCols();

    /** KC: the depth of a cache block; fixed per kernel, never per call (the summation order depends on it). */
    int depthBlock();

    /** MC: rows of a packed A block (a multiple of MR), sized so the block stays in L2. */
    int rowBlock();

    /** NC: columns of a packed B block (a multiple of NR). */
    int colBlock();

    /**
     * {@code C[rows × cols] (+)= packedA · packedB} for one packed block of depth {@code depth ≤ KC},
     * the B block starting at {@code packedB[packedBAt]}, with C(i, j) at {@code c[cAt + i·ldc + j]}. With {@code load} the block adds to C, otherwise it
     * overwrites it. {@code edge} (at least MR·NR floats) holds the partial tiles at the block's
     * bottom and right edges, which are computed whole and then copied out.
     */
    void multiplyBlock(int rows, int cols, int depth, float[] packedA, float[] packedB, int packedBAt, float[] c,
                       int cAt, int ldc, boolean load, float[] edge);

    /**
     * Packs A rows {@code [0, rows)}, depths {@code [0, depth)} (row i at {@code a[aAt + i·lda]}) into
     * {@code packedA}, padding the last panel with zero rows.
     */
    void packA(float[] a, int aAt, int lda, int rows, int depth, float[] packedA);

    /**
     * Packs B depths {@code [0, depth)}, columns {@code [0, cols)} (row k at {@code b[bAt + k·ldb]}) into
     * {@code packedB}, padding the last panel with zero columns.
     */
    void packB(float[] b, int bAt, int ldb, int depth, int cols, float[] packedB);

    /**
     * The epilogue of a product, on the block {@code C[rows × cols]} at {@code c[cAt]} (row stride
     * {@code ldc}) once its sums are complete: {@code C += bias[biasAt + j]} (bias null: none)
     * {@code + residual} (null: none; read at C's own indices), then GELU when {@code gelu}. Applied per
     * block while it is still in cache, by the thread that computed it.
     */
    void epilogue(float[] c, int cAt, int ldc, int rows, int cols, float[] bias, int biasAt, float[] residual,
                  boolean gelu);

    /**
     * The exact GELU in place on {@code x[from .. to)}: {@code x·Φ(x) = ½·x·(1 + erf(x/√2))}, with
     * {@code erf} accurate to about 1e-7 (the element-wise step between a transformer's two GEMMs).
     */
    void gelu(float[] x, int from, int to);

    /**
     * LayerNorm in place on one row {@code x[at .. at + width)}: {@code (x − mean)/√(var + eps)·gamma + beta}
     * with the biased variance; {@code residual} (null: none) is added first, read at the same index.
     */
    void layerNorm(float[] x, float[] residual, int at, int width, float[] gamma, float[] beta, float eps);
}
