package org.attention4j.kernel.panama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.KernelProvider;
import org.attention4j.kernel.TilePlan;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The vector row ↔ panel copies and the key row copy against their formulas (TileOps' documentation),
 * written as plain loops here: head dims that are and are not multiples of the lanes, rows farther apart
 * than a head dim (a caller's BSHD tensor), partial panels and key tails. They only move and scale values, so the
 * results must be exact.
 */
class TransposeTest {
    private static final int[] HEAD_DIMS = {1, 7, 8, 16, 64, 65, 130};

    @BeforeEach
    void needsTheVectorModule() {
        org.junit.jupiter.api.Assumptions.assumeTrue(KernelProvider.vectorAvailable(), "no jdk.incubator.vector");
    }

    @Test
    void queryPanelsEqualTheFormula() {
        TileOps ops = KernelProvider.vector().tileOps();
        int width = ops.panelWidth();
        Random random = new Random(1);
        for (int headDim : HEAD_DIMS) {
            for (int stride : new int[] {headDim, headDim + 3, 8 * headDim}) {
                float[] src = randoms(random, 5 + width * stride);
                float[] actual = new float[headDim * width + 10], expected = actual.clone();
                ops.packQueryPanel(src, 5, stride, offsets(stride), headDim, 0.37f, actual, 10);
                for (int d = 0; d < headDim; d++) {
                    for (int j = 0; j < width; j++) {
                        expected[10 + d * width + j] = src[5 + j * stride + d] * 0.37f;
                    }
                }
                assertArrayEquals(expected, actual, "headDim " + headDim + ", stride " + stride);
            }
        }
    }

    @Test
    void valueBlocksEqualTheFormula() {
        TileOps ops = KernelProvider.vector().tileOps();
        Random random = new Random(2);
        for (int headDim : HEAD_DIMS) {
            for (int keys : new int[] {1, 7, 8, 9, 95, ops.keyBlock()}) {
                int stride = headDim + 5;
                float[] src = randoms(random, 3 + keys * stride);
                int size = 4 + headDim * ops.keyBlock();
                float[] actual = new float[size], expected = new float[size];
                ops.transposeValueBlock(src, 3, stride, offsets(stride), keys, headDim, actual, 4);
                for (int c = 0; c < keys; c++) {
                    for (int d = 0; d < headDim; d++) {
                        expected[4 + d * ops.keyBlock() + c] = src[3 + c * stride + d];
                    }
                }
                assertArrayEquals(expected, actual, "headDim " + headDim + ", keys " + keys);
            }
        }
    }

    @Test
    void keyRowsEqualTheFormula() {
        TileOps ops = KernelProvider.vector().tileOps();
        Random random = new Random(4);
        for (int headDim : HEAD_DIMS) {
            for (int keys : new int[] {1, 15, 16, 17, 33, ops.keyBlock()}) {
                int stride = 8 * headDim + 3;
                float[] src = randoms(random, 6 + keys * stride);
                float[] actual = new float[5 + keys * headDim + 4], expected = actual.clone();
                ops.copyRows(src, 6, stride, keys, headDim, actual, 5);
                for (int c = 0; c < keys; c++) {
                    System.arraycopy(src, 6 + c * stride, expected, 5 + c * headDim, headDim);
                }
                assertArrayEquals(expected, actual, "headDim " + headDim + ", keys " + keys);
            }
        }
    }

    @Test
    void outputPanelsEqualTheFormula() {
        TileOps ops = KernelProvider.vector().tileOps();
        int width = ops.panelWidth();
        Random random = new Random(3);
        for (int headDim : HEAD_DIMS) {
            int paddedDim = TilePlan.paddedDim(headDim, ops);
            for (int real : new int[] {1, width - 3, width}) {
                float[] accT = randoms(random, 7 + paddedDim * width), inverse = randoms(random, width);
                int stride = 2 * headDim + 1;
                float[] actual = new float[2 + width * stride], expected = actual.clone();
                ops.unpackOutputPanel(accT, 7, real, headDim, inverse, actual, 2, stride);
                for (int j = 0; j < real; j++) {
                    for (int d = 0; d < headDim; d++) {
                        expected[2 + j * stride + d] = accT[7 + d * width + j] * inverse[j];
                    }
                }
                assertArrayEquals(expected, actual, "headDim " + headDim + ", rows " + real);
            }
        }
    }

    private static int[] offsets(int stride) {
        int[] offsets = new int[16];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = i * stride;
        }
        return offsets;
    }

    private static float[] randoms(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }
}
