package org.attention4j.layer.linear;

/**
 * The projection {@code W [m × d]} of FAVOR+ (Choromanski et al., "Rethinking Attention with
 * Performers", arXiv 2009.14794, section 2.4): orthogonal random features.
 *
 * <p>Rows come in blocks of {@code d}: each block is a {@code d × d} Gaussian matrix orthonormalized by
 * Gram–Schmidt (so its rows are exactly orthogonal), then each row is rescaled to the length of an
 * independent Gaussian {@code d}-vector (chi-distributed with {@code d} degrees of freedom). Every row
 * is then marginally {@code N(0, I_d)}, as the unbiased estimator needs, while rows of a block are
 * orthogonal, which lowers the estimator's variance. The last block is cut to {@code m mod d} rows.
 *
 * <p>Deterministic: the same {@code (m, d, seed)} gives the same bits on every JVM (its Gaussians are
 * Box–Muller draws with {@link StrictMath} from a {@link java.util.SplittableRandom}: the JDK's
 * {@code nextGaussian} is not specified bit for bit across versions).
 *
 * @since 0.1
 */
public final class OrthogonalRandomFeatures {
    private OrthogonalRandomFeatures() {}

    /**
     * {@return {@code W}, row-major {@code [features × dim]}, as float32}
     *
     * @param features m, the rows of W
     * @param dim d, the head size
     * @param seed the seed of every Gaussian draw
     * @throws IllegalArgumentException when {@code features < 1} or {@code dim < 1}
     */
    public static float[] sample(int features, int dim, long seed) {
        if (features < 1) {
            throw new IllegalArgumentException("features = " + features + ": expected >= 1 random features (m)");
        }
        if (dim < 1) {
            throw new IllegalArgumentException("dim = " + dim + ": expected >= 1");
        }
        Gaussians gaussians = new Gaussians(seed);
        float[] w = new float[Math.multiplyExact(features, dim)];
        double[] block = new double[dim * dim];
        for (int first = 0; first < features; first += dim) {
            for (int i = 0; i < block.length; i++) {
                block[i] = gaussians.next();
            }
            orthonormalizeRows(block, dim);
            int rows = Math.min(dim, features - first);
            for (int r = 0; r < rows; r++) {
                double length = chi(gaussians, dim);
                for (int c = 0; c < dim; c++) {
                    w[(first + r) * dim + c] = (float) (block[r * dim + c] * length);
                }
            }
        }
        return w;
    }

    /** Modified Gram–Schmidt on the rows (stable enough in float64 for d ≤ 256; a Gaussian block has full rank). */
    private static void orthonormalizeRows(double[] a, int n) {
        for (int r = 0; r < n; r++) {
            for (int p = 0; p < r; p++) {
                double dot = 0;
                for (int c = 0; c < n; c++) {
                    dot += a[r * n + c] * a[p * n + c];
                }
                for (int c = 0; c < n; c++) {
                    a[r * n + c] -= dot * a[p * n + c];
                }
            }
            double norm = 0;
            for (int c = 0; c < n; c++) {
                norm += a[r * n + c] * a[r * n + c];
            }
            double inverse = 1.0 / Math.sqrt(norm);
            for (int c = 0; c < n; c++) {
                a[r * n + c] *= inverse;
            }
        }
    }

    /** The length of a fresh N(0, I_d) vector: a chi(d) draw. */
    private static double chi(Gaussians gaussians, int d) {
        double sum = 0;
        for (int i = 0; i < d; i++) {
            double g = gaussians.next();
            sum += g * g;
        }
        return Math.sqrt(sum);
    }
}
