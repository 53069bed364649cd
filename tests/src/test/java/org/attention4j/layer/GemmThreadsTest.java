package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.attention4j.Kernel;
import org.attention4j.TestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bitwise determinism across thread counts, and many callers sharing one {@link Gemm}. */
class GemmThreadsTest {

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void resultsAreBitwiseIdenticalForEveryThreadCount(Kernel kernel) {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        // large enough to be split among threads, odd everywhere, deeper than one cache block
        int[][] shapes = {{301, 517, 290}, {1000, 29, 700}, {23, 1000, 530}};
        for (int[] s : shapes) {
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] first = null;
                for (int threads = 1; threads <= 3; threads++) {
                    GemmProblem p = new GemmProblem(s[0], s[1], s[2], 7, accumulate, 5);
                    try (Gemm gemm = Gemm.create(threads, kernel)) {
                        p.run(gemm);
                    }
                    if (first == null) {
                        p.check(kernel + " " + p);
                        first = p.c;
                    } else {
                        assertArrayEquals(first, p.c, kernel + " " + p + ": " + threads + " threads vs 1");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = {"VECTOR", "SCALAR"})
    void twelveCallersShareOneGemm(Kernel kernel) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(TestSupport.kernels()).contains(kernel));
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try (Gemm gemm = Gemm.create(3, kernel)) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int id = i;
                results.add(callers.submit(() -> {
                    for (int repeat = 0; repeat < 3; repeat++) {
                        GemmProblem p = new GemmProblem(50 + 31 * id, 200 - 13 * id, 100 + 37 * repeat, id % 3 * 4,
                                id % 2 == 0, 1000 + id * 10 + repeat);
                        p.run(gemm);
                        p.check(kernel + " caller " + id + " " + p);
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get();
            }
        } finally {
            callers.shutdown();
        }
    }
}
