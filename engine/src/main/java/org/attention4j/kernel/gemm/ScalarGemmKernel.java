package org.attention4j.kernel.gemm;

/**
 * Plain-Java GEMM kernel: the fallback when {@code jdk.incubator.vector} is absent. A 4 × 4 micro-tile
 * keeps its 16 sums in locals (x86 has 16 scalar FP registers). No {@code Math.fma}: without hardware
 * FMA it is a slow software path, and this class must be fast enough anywhere; Java never contracts
 * {@code s += a·b} into an FMA on its own, so results do not depend on the JIT either.
 */
public final class ScalarGemmKernel extends TiledGemmKernel {
    private static final int MR = 4;
    private static final int NR = 4;
    private static final int KC = 256;
    /** 64 × 256 floats = 64 KiB of packed A: stays in any L2. */
    private static final int MC = 64;
    private static final int NC = 1024;

    public ScalarGemmKernel() {
        super(MR, NR, KC, MC, NC);
    }

    @Override
    public String name() {
        return "scalar " + MR + "x" + NR;
    }

    @Override
    protected void tile(int depth, float[] a, int aAt, float[] b, int bAt, float[] c, int cAt, int ldc,
                        boolean load) {
        int r0 = cAt, r1 = cAt + ldc, r2 = cAt + 2 * ldc, r3 = cAt + 3 * ldc;
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        if (load) {
            c00 = c[r0]; c01 = c[r0 + 1]; c02 = c[r0 + 2]; c03 = c[r0 + 3];
            c10 = c[r1]; c11 = c[r1 + 1]; c12 = c[r1 + 2]; c13 = c[r1 + 3];
            c20 = c[r2]; c21 = c[r2 + 1]; c22 = c[r2 + 2]; c23 = c[r2 + 3];
            c30 = c[r3]; c31 = c[r3 + 1]; c32 = c[r3 + 2]; c33 = c[r3 + 3];
        }
        int a0 = aAt, a1 = aAt + KC, a2 = aAt + 2 * KC, a3 = aAt + 3 * KC; // packed A: rows KC apart
        for (int k = 0, bk = bAt; k < depth; k++, bk += NR) {
            float b0 = b[bk], b1 = b[bk + 1], b2 = b[bk + 2], b3 = b[bk + 3];
            float x = a[a0 + k];
            c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
            x = a[a1 + k];
            c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
            x = a[a2 + k];
            c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
            x = a[a3 + k];
            c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
        }
        c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
        c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
        c[r2] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22; c[r2 + 3] = c23;
        c[r3] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32; c[r3 + 3] = c33;
    }

    @Override
    public void epilogue(float[] c, int cAt, int ldc, int rows, int cols, float[] bias, int biasAt, float[] residual,
                         boolean gelu) {
        for (int i = 0; i < rows; i++) {
            int row = cAt + i * ldc;
            for (int j = 0; j < cols; j++) {
                float v = c[row + j];
                if (bias != null) {
                    v += bias[biasAt + j];
                }
                if (residual != null) {
                    v += residual[row + j];
                }
                c[row + j] = gelu ? RowMath.gelu(v) : v;
            }
        }
    }

    @Override
    public void gelu(float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = RowMath.gelu(x[i]);
        }
    }

    @Override
    public void layerNorm(float[] x, float[] residual, int at, int width, float[] gamma, float[] beta, float eps) {
        if (residual != null) {
            for (int c = at; c < at + width; c++) {
                x[c] += residual[c];
            }
        }
        float sum = 0;
        for (int c = at; c < at + width; c++) {
            sum += x[c];
        }
        float mean = sum / width, squares = 0;
        for (int c = at; c < at + width; c++) {
            float centered = x[c] - mean;
            squares += centered * centered;
        }
        float inverse = (float) (1 / Math.sqrt(squares / width + eps));
        for (int c = 0; c < width; c++) {
            x[at + c] = (x[at + c] - mean) * inverse * gamma[c] + beta[c];
        }
    }
}
