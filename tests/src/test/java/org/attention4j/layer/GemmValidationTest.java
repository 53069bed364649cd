package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every validation rule: an IllegalArgumentException whose message names the argument and says what was
 * expected, and C left untouched (it holds a sentinel before and after the call).
 */
class GemmValidationTest {
    private static final int M = 3, N = 4, K = 5;
    private static final Gemm GEMM = Gemm.create(2);

    @AfterAll
    static void close() {
        GEMM.close();
    }

    /** A valid call: C is M×N at offset 2 with ldc = N + 1 in an array with a little room. */
    private static final class Args {
        int m = M, n = N, k = K;
        float[] a = new float[M * K], b = new float[K * N], c = sentinel(2 + (M - 1) * (N + 1) + N);
        int aOffset = 0, lda = K, bOffset = 0, ldb = N, cOffset = 2, ldc = N + 1;

        void call() {
            GEMM.multiply(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, true);
        }
    }

    private static float[] sentinel(int length) {
        float[] x = new float[length];
        Arrays.fill(x, 123f);
        return x;
    }

    private static void assertRejected(String expectedName, Consumer<Args> change) {
        Args args = new Args();
        change.accept(args);
        float[] before = args.c == null ? null : args.c.clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, args::call);
        // every message starts with what it is about: "lda = 4: expected ...", "c overlaps a: ..."
        assertTrue(e.getMessage().startsWith(expectedName + " ") || e.getMessage().startsWith(expectedName + ":"),
                "message names " + expectedName + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("expected"), "message says what was expected: " + e.getMessage());
        if (before != null) {
            assertArrayEquals(before, args.c, "C untouched: " + e.getMessage());
        }
    }

    @Test
    void validArgumentsPass() {
        Args args = new Args();
        args.call();
    }

    @Test
    void sizes() {
        assertRejected("m", x -> x.m = -1);
        assertRejected("n", x -> x.n = -2);
        assertRejected("k", x -> x.k = -3);
    }

    @Test
    void nulls() {
        assertRejected("a", x -> x.a = null);
        assertRejected("b", x -> x.b = null);
        assertRejected("c", x -> x.c = null);
    }

    @Test
    void leadingDimensions() {
        assertRejected("lda", x -> x.lda = K - 1);
        assertRejected("ldb", x -> x.ldb = N - 1);
        assertRejected("ldc", x -> x.ldc = N - 1);
        assertRejected("lda", x -> {
            x.k = 0;
            x.lda = 0; // at least 1, as in BLAS
        });
    }

    @Test
    void offsets() {
        assertRejected("aOffset", x -> x.aOffset = -1);
        assertRejected("bOffset", x -> x.bOffset = x.b.length + 1);
        assertRejected("cOffset", x -> x.cOffset = -5);
    }

    @Test
    void regionsOutsideTheirArrays() {
        assertRejected("a.length", x -> x.aOffset = 1);
        assertRejected("b.length", x -> x.ldb = N + 1);
        assertRejected("c.length", x -> x.cOffset = 3);
        assertRejected("a.length", x -> x.lda = Integer.MAX_VALUE); // no int overflow into range
        assertRejected("c.length", x -> x.ldc = Integer.MAX_VALUE / 2 + 1);
    }

    @Test
    void outputOverlappingAnInput() {
        assertRejected("c overlaps a", x -> {
            x.c = sentinel(40);
            x.a = x.c; // A rows at 0..14, C's first row at 2..5
        });
        assertRejected("c overlaps b", x -> {
            x.c = sentinel(60);
            x.b = x.c;
            x.bOffset = 10; // B rows at 10..29, C's third row at 12..15
        });
    }

    @Test
    void interleavedColumnSlicesOfOneArrayPass() {
        // A in columns 0..4 and C in columns 5..8 of a row-major 3 × 9 buffer: the same array, no shared element
        float[] buffer = new float[3 * 9];
        Arrays.fill(buffer, 1f);
        float[] b = new float[K * N];
        Arrays.fill(b, 2f);
        GEMM.multiply(M, N, K, buffer, 0, 9, b, 0, N, buffer, 5, 9, false);
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                assertTrue(buffer[i * 9 + 5 + j] == 2f * K, "C(" + i + ", " + j + ")");
            }
            for (int p = 0; p < K; p++) {
                assertTrue(buffer[i * 9 + p] == 1f, "A untouched");
            }
        }
    }

    @Test
    void closedGemmRefusesCalls() {
        Gemm gemm = Gemm.create(2);
        gemm.close();
        Args args = new Args();
        assertThrows(IllegalStateException.class, () -> gemm.multiply(M, N, K, args.a, 0, K, args.b, 0, N, args.c, 2,
                N + 1, false));
    }

    @Test
    void threadCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.create(0));
        assertTrue(e.getMessage().contains("threads") && e.getMessage().contains("expected"), e.getMessage());
    }
}
