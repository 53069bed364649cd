package org.attention4j.layer.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The structure FAVOR+ relies on: orthogonal rows within a block, chi-distributed lengths. */
class OrthogonalRandomFeaturesTest {

    @Test
    void rowsOfABlockAreOrthogonal() {
        int m = 40, d = 16; // blocks of 16, 16 and a cut one of 8
        float[] w = OrthogonalRandomFeatures.sample(m, d, 9);
        for (int block = 0; block < m; block += d) {
            for (int r = block; r < Math.min(m, block + d); r++) {
                for (int s = block; s < r; s++) {
                    double cosine = dot(w, r, s, d) / Math.sqrt(dot(w, r, r, d) * dot(w, s, s, d));
                    // float32 rounding of the rows: ~1e-7 per element, summed over d
                    assertEquals(0, cosine, 1e-5, "rows " + r + " and " + s);
                }
            }
        }
    }

    @Test
    void rowLengthsFollowChiOfD() {
        int m = 4096, d = 8;
        float[] w = OrthogonalRandomFeatures.sample(m, d, 11);
        double meanSquare = 0;
        for (int r = 0; r < m; r++) {
            meanSquare += dot(w, r, r, d) / m;
        }
        // E|g|² = d for g ~ N(0, I_d); its standard error over 4096 rows is √(2d/4096) = 0.06
        assertEquals(d, meanSquare, 0.4, "mean squared row length");
    }

    @Test
    void rejectsBadSizes() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> OrthogonalRandomFeatures.sample(0, 8, 1));
        assertTrue(e.getMessage().startsWith("features = 0: expected >= 1"), e.getMessage());
    }

    private static double dot(float[] w, int r, int s, int d) {
        double sum = 0;
        for (int c = 0; c < d; c++) {
            sum += (double) w[r * d + c] * w[s * d + c];
        }
        return sum;
    }
}
