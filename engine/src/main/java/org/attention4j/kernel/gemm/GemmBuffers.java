package org.attention4j.kernel.gemm;

/**
 * One thread's packing buffers: a packed A block (MC × KC), a packed B block (KC × NC) and the edge
 * tile. Sized on first use and only grown, so a steady stream of calls allocates nothing.
 */
final class GemmBuffers {
    float[] packedA = new float[0];
    float[] packedB = new float[0];
    float[] edge = new float[0];

    /**
     * Makes the buffers large enough for regions of up to {@code rows × cols} at depth {@code depth}; the
     * B block only when the call packs B itself ({@code packsB}: not when it was packed ahead).
     */
    void prepare(GemmKernel kernel, int rows, int cols, int depth, boolean packsB) {
        int mr = kernel.tileRows(), nr = kernel.tileCols();
        int kc = Math.min(kernel.depthBlock(), depth);
        int mc = roundUp(Math.min(kernel.rowBlock(), rows), mr);
        int nc = roundUp(Math.min(kernel.colBlock(), cols), nr);
        packedA = atLeast(packedA, mc * kernel.depthBlock()); // rows KC apart, whatever the depth
        if (packsB) {
            packedB = atLeast(packedB, kc * nc);
        }
        edge = atLeast(edge, mr * nr);
    }

    /** Bytes currently held. */
    long bytes() {
        return (long) Float.BYTES * (packedA.length + packedB.length + edge.length);
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    private static float[] atLeast(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[size];
    }
}
