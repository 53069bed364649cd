package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The encodings against their closed-form definitions, computed here in double. Tolerances: the
 * sinusoidal values are order 1, stored as float32 (half an ulp: 6e-8) after a double recurrence
 * re-anchored every 256 rows (drift below 1e-13), so 1e-7 absolute; RoPE rotates float32 values with
 * float32 cos/sin (a few ulps of the vector's magnitude), so 1e-6 relative to max |x|.
 */
class PositionalEncodingTest {
    @Test
    void sinusoidalIsTheClosedFormOfAttentionIsAllYouNeed() {
        for (int dModel : new int[] {1, 7, 64}) {
            int rows = 600;
            long first = 9_000;
            float[] x = new float[rows * dModel];
            PositionalEncoding.sinusoidal(dModel).addTo(x, 0, rows, first);
            double worst = 0;
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < dModel; i++) {
                    double angle = (first + r) / Math.pow(10000, 2.0 * (i / 2) / dModel);
                    double expected = i % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
                    worst = Math.max(worst, Math.abs(x[r * dModel + i] - expected));
                }
            }
            assertTrue(worst <= 1e-7, "dModel " + dModel + ": worst error " + worst);
        }
    }

    @Test
    void learnedAddsTheTableRowOfEachPosition() {
        float[] table = LayerFixtures.random(10 * 3, 1, new SplittableRandom(1));
        float[] x = {1, 2, 3, 4, 5, 6};
        PositionalEncoding.learned(table, 10, 3).addTo(x, 0, 2, 8);
        for (int c = 0; c < 3; c++) {
            assertEquals(1 + c + table[8 * 3 + c], x[c]);
            assertEquals(4 + c + table[9 * 3 + c], x[3 + c]);
        }
    }

    @Test
    void ropeRotatesPairsIAndIPlusHalfByPositionTimesTheta() {
        int dim = 16, heads = 3, rows = 520, stride = heads * dim + 5;
        double base = 10000;
        float[] x = LayerFixtures.random(rows * stride, 1, new SplittableRandom(2));
        float[] before = x.clone();
        long first = 70_000;
        RotaryEmbedding.of(dim, base).apply(x, 0, rows, stride, heads, first);
        double worst = 0;
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < dim / 2; i++) {
                    int at = r * stride + h * dim + i;
                    double angle = (first + r) * Math.pow(base, -2.0 * i / dim);
                    double x1 = before[at], x2 = before[at + dim / 2];
                    worst = Math.max(worst, Math.abs(x[at] - (x1 * Math.cos(angle) - x2 * Math.sin(angle))));
                    worst = Math.max(worst, Math.abs(x[at + dim / 2] - (x2 * Math.cos(angle) + x1 * Math.sin(angle))));
                }
            }
            for (int gap = heads * dim; gap < stride; gap++) {
                assertEquals(before[r * stride + gap], x[r * stride + gap], "the gap between rows is not touched");
            }
        }
        assertTrue(worst <= 1e-6, "worst error " + worst);
    }

    @Test
    void ropeScoresDependOnlyOnTheDistance() {
        int dim = 8;
        RotaryEmbedding rope = RotaryEmbedding.of(dim);
        float[] q = LayerFixtures.random(dim, 1, new SplittableRandom(3));
        float[] k = LayerFixtures.random(dim, 1, new SplittableRandom(4));
        double near = dot(rope, q, 5, k, 2), far = dot(rope, q, 1005, k, 1002);
        assertEquals(near, far, 1e-5, "q at p, k at p − 3: the same score for any p");
        assertTrue(Math.abs(near - dot(rope, q, 5, k, 4)) > 1e-3, "another distance, another score");
    }

    private static double dot(RotaryEmbedding rope, float[] q, long qPos, float[] k, long kPos) {
        float[] a = q.clone(), b = k.clone();
        rope.apply(a, 0, 1, a.length, 1, qPos);
        rope.apply(b, 0, 1, b.length, 1, kPos);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
