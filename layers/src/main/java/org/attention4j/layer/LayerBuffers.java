package org.attention4j.layer;

import java.util.ArrayDeque;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * One call's scratch memory for {@link MultiHeadAttention}: the inputs with positions added, the
 * projections (Q, K, V) and the attention output. Grown only, never shrunk, and borrowed from a
 * {@link Pool} for the length of a call, so a thread calling again with the same shape allocates nothing:
 * the attention spec and the tensor views over these arrays are kept for the last shape too.
 */
final class LayerBuffers {
    float[] queryInput = new float[0];
    float[] keyInput = new float[0];
    float[] projections = new float[0];
    float[] attended = new float[0];

    // The last call's shape and what was derived from it (valid while the arrays are the same).
    private boolean lastSelf;
    private int lastBatch = -1, lastQueryLength = -1, lastKeyLength = -1;
    private float[] lastProjections;
    AttentionSpec spec;
    Tensor q, k, v, out;

    static float[] atLeast(float[] array, long floats) {
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the layer's scratch needs " + floats + " floats: expected <= "
                    + (Integer.MAX_VALUE - 8) + " (a float[]): use a smaller batch or sequence");
        }
        return array.length >= floats ? array : new float[(int) floats];
    }

    /** True when {@link #spec} and the views were made for this shape over the current arrays. */
    boolean viewsFit(boolean self, int batch, int queryLength, int keyLength) {
        return spec != null && lastSelf == self && lastBatch == batch && lastQueryLength == queryLength
                && lastKeyLength == keyLength && lastProjections == projections && out.array() == attended;
    }

    void remember(boolean self, int batch, int queryLength, int keyLength) {
        lastSelf = self;
        lastBatch = batch;
        lastQueryLength = queryLength;
        lastKeyLength = keyLength;
        lastProjections = projections;
    }

    long bytes() {
        return 4L * (queryInput.length + keyInput.length + projections.length + attended.length);
    }

    /** Buffers shared by the threads of one layer: the pool grows to the most simultaneous calls. */
    static final class Pool {
        private final ArrayDeque<LayerBuffers> free = new ArrayDeque<>();

        synchronized LayerBuffers acquire() {
            LayerBuffers b = free.pollFirst();
            return b != null ? b : new LayerBuffers();
        }

        synchronized void release(LayerBuffers b) {
            free.addFirst(b);
        }

        synchronized long bytesHeld() {
            long bytes = 0;
            for (LayerBuffers b : free) {
                bytes += b.bytes();
            }
            return bytes;
        }
    }
}
