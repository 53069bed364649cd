package org.attention4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One online-softmax step ({@link TileOps#softmaxUpdate}) against its formula, computed in double: the
 * new row maxima exactly (a max has no rounding), alpha, the probabilities and the row sums to 1e-6.
 * Key counts around the vector kernel's four-way unrolled max pass (1–9 keys, odd counts, a whole
 * block), rows that have seen nothing yet (m = −∞) and fully masked rows, with and without per-panel
 * key ranges.
 */
class SoftmaxStepTest {
    static List<TileOps> kernels() {
        List<TileOps> ops = new ArrayList<>(List.of(KernelProvider.scalar().tileOps()));
        if (KernelProvider.vectorAvailable()) {
            ops.add(KernelProvider.vector().tileOps());
        }
        return ops;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void aStepMatchesItsFormula(TileOps ops) {
        Random random = new Random(3);
        int width = ops.panelWidth(), rows = 2 * width, block = ops.keyBlock();
        for (int keys : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 37, block - 1, block}) {
            for (boolean ranged : new boolean[] {false, true}) {
                float[] scores = new float[rows * block];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = (float) (random.nextGaussian() * 4);
                }
                float[] max = new float[rows], sum = new float[rows], alpha = new float[rows];
                for (int r = 0; r < rows; r++) {
                    max[r] = r % 5 == 0 ? Float.NEGATIVE_INFINITY : (float) random.nextGaussian() * 4;
                    sum[r] = max[r] == Float.NEGATIVE_INFINITY ? 0f : 1f + random.nextFloat();
                }
                int masked = 3; // a row that sees only −∞ in this block
                for (int c = 0; c < block; c++) {
                    scores[TilePlan.panelIndex(masked, c, block, width)] = Float.NEGATIVE_INFINITY;
                }
                // Panel 0 reads keys [from, keys) only; panel 1 all of them.
                int from = ranged ? keys / 3 : 0;
                int[] panelKeys = ranged ? new int[] {from, keys, 0, keys} : null;
                float[] before = scores.clone(), maxBefore = max.clone(), sumBefore = sum.clone();
                ops.softmaxUpdate(scores, keys, 0, rows, max, sum, alpha, panelKeys);
                for (int r = 0; r < rows; r++) {
                    int first = r < width ? from : 0;
                    double blockMax = Double.NEGATIVE_INFINITY;
                    for (int c = first; c < keys; c++) {
                        blockMax = Math.max(blockMax, before[TilePlan.panelIndex(r, c, block, width)]);
                    }
                    double mNew = Math.max(maxBefore[r], blockMax);
                    String where = ops.name() + " keys " + keys + (ranged ? " ranged" : "") + " row " + r;
                    assertEquals((float) mNew, max[r], 0f, where + ": max");
                    double m = mNew == Double.NEGATIVE_INFINITY ? 0 : mNew;
                    double a = maxBefore[r] == Float.NEGATIVE_INFINITY ? 0 : Math.pow(2, maxBefore[r] - m);
                    assertEquals(a, alpha[r], 1e-6 * Math.max(1, a), where + ": alpha");
                    double l = sumBefore[r] * a;
                    for (int c = first; c < keys; c++) {
                        int at = TilePlan.panelIndex(r, c, block, width);
                        double p = Math.pow(2, before[at] - m);
                        assertEquals(p, scores[at], 1e-6 * Math.max(1, p), where + ": p at key " + c);
                        l += p;
                    }
                    assertEquals(l, sum[r], 1e-6 * Math.max(1, l), where + ": sum");
                }
            }
        }
    }
}
