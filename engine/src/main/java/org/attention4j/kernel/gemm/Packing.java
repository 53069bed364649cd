package org.attention4j.kernel.gemm;

import java.util.Arrays;

/**
 * Plain-Java packing and edge-tile copies shared by the GEMM kernels (layouts in {@link GemmKernel}).
 * Packing costs O(rows·depth + depth·cols) against O(rows·cols·depth) of arithmetic, so it only has
 * to be reasonable: every copy is a run of contiguous floats ({@code System.arraycopy}).
 */
public final class Packing {
    private Packing() {}

    /**
     * See {@link GemmKernel#packA}: each row's {@code depth} floats at {@code i·rowStride} ({@code rowStride}
     * = KC even for a shallower last block), then zero rows up to a multiple of {@code mr}.
     */
    public static void packA(float[] a, int aAt, int lda, int rows, int depth, int rowStride, int mr,
                             float[] packedA) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a, aAt + i * lda, packedA, i * rowStride, depth);
        }
        int padded = (rows + mr - 1) / mr * mr;
        // padding rows: their products land in edge tiles and are dropped; zeros keep them finite
        Arrays.fill(packedA, rows * rowStride, padded * rowStride, 0f);
    }

    /** See {@link GemmKernel#packB}; {@code nr} columns per panel. */
    public static void packB(float[] b, int bAt, int ldb, int depth, int cols, int nr, float[] packedB) {
        packB(b, bAt, ldb, depth, cols, nr, packedB, 0);
    }

    /** {@link #packB(float[], int, int, int, int, int, float[])} written from {@code packedB[packedAt]} on. */
    public static void packB(float[] b, int bAt, int ldb, int depth, int cols, int nr, float[] packedB, int packedAt) {
        int full = cols / nr;
        int rest = cols - full * nr;
        int panelSize = depth * nr;
        for (int k = 0; k < depth; k++) {
            int src = bAt + k * ldb;
            for (int p = 0; p < full; p++) {
                // nr contiguous floats of row k go to row k of panel p (a cache line or two)
                System.arraycopy(b, src + p * nr, packedB, packedAt + p * panelSize + k * nr, nr);
            }
            if (rest > 0) {
                int at = packedAt + full * panelSize + k * nr;
                System.arraycopy(b, src + full * nr, packedB, at, rest);
                Arrays.fill(packedB, at + rest, at + nr, 0f);
            }
        }
    }

    /** Copies C's live {@code rows × cols} corner into the {@code mr × nr} edge tile (row stride nr). */
    public static void loadEdge(float[] c, int cAt, int ldc, int rows, int cols, int nr, float[] edge) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(c, cAt + i * ldc, edge, i * nr, cols);
        }
    }

    /** Copies the edge tile's live {@code rows × cols} corner back to C. */
    public static void storeEdge(float[] edge, int rows, int cols, int nr, float[] c, int cAt, int ldc) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(edge, i * nr, c, cAt + i * ldc, cols);
        }
    }
}
