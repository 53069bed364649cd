package org.attention4j;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Storage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every kernel against the float64 reference over the shape matrix of issue #3: lengths
 * {1, 7, 64, 113, 203, 256, 1023, 1024} (equal and unequal), head dims {8 … 256}, heads (1,1) (4,4)
 * (8,2) (8,1), causal on/off, batch 1 and 3, BSHD/BHSD, float[] / heap / native segments, with and
 * without LSE, N(0,1) and ×10 (peaky) inputs.
 *
 * <p>The default run is a covering subset (every value of every dimension appears; batch, layout,
 * storage, LSE and input scale rotate with the case index). The full matrix — every (Lq, Lk) pair ×
 * every D × every head pair × causal, with the other dimensions rotating — runs with
 * {@code ./mvnw -pl tests -am test -Dattention4j.fullMatrix=true -Dtest=ShapeMatrixTest} (long: the
 * float64 reference is slow on purpose). The worst error seen is printed at the end.
 */
class ShapeMatrixTest {
    static final int[] LENGTHS = {1, 7, 64, 113, 203, 256, 1023, 1024};
    static final int[] DIMS = {8, 32, 40, 59, 64, 80, 96, 111, 128, 160, 256};
    static final int[][] HEADS = {{1, 1}, {4, 4}, {8, 2}, {8, 1}};
    /** Multiply-adds of the reference per case above which the default subset shrinks batch and heads. */
    private static final double DEFAULT_BUDGET = 3e7;

    /** Worst error per kernel, for N(0,1) inputs [0] and ×10 inputs [1]. */
    private static final double[][] WORST = new double[Kernel.values().length][2];

    @TestFactory
    Stream<DynamicTest> matchesReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases(Boolean.getBoolean("attention4j.fullMatrix"))) {
            for (Kernel kernel : TestSupport.kernels()) {
                tests.add(DynamicTest.dynamicTest(kernel + " " + c, () -> {
                    try (AttentionEngine engine = AttentionEngine.builder().kernel(kernel).threads(2).build()) {
                        double error = TestSupport.checkAgainstReference(engine, c);
                        int peaky = c.inputScale() > 1 ? 1 : 0;
                        synchronized (WORST) {
                            WORST[kernel.ordinal()][peaky] = Math.max(WORST[kernel.ordinal()][peaky], error);
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    @AfterAll
    static void printWorstError() {
        for (Kernel kernel : TestSupport.kernels()) {
            System.out.printf("ShapeMatrixTest: worst relative error %s = %.3e for N(0,1) inputs, %.3e for x10%n",
                    kernel, WORST[kernel.ordinal()][0], WORST[kernel.ordinal()][1]);
        }
    }

    static List<Case> cases(boolean full) {
        List<Case> cases = new ArrayList<>();
        int index = 0;
        if (full) {
            for (int lq : LENGTHS) {
                for (int lk : LENGTHS) {
                    for (int d : DIMS) {
                        for (int[] heads : HEADS) {
                            for (boolean causal : new boolean[] {false, true}) {
                                cases.add(rotated(index++, lq, lk, d, heads, causal, Double.MAX_VALUE));
                            }
                        }
                    }
                }
            }
            return cases;
        }
        // Covering subset: 88 cases; each length appears as Lq and as Lk, each D with every head pair.
        for (int i = 0; i < DIMS.length * HEADS.length * 2; i++) {
            int lq = LENGTHS[i % LENGTHS.length];
            int lk = LENGTHS[(i * 3 + i / LENGTHS.length) % LENGTHS.length];
            cases.add(rotated(i, lq, lk, DIMS[i % DIMS.length], HEADS[i / 2 % HEADS.length], i % 2 == 1,
                    DEFAULT_BUDGET));
        }
        return cases;
    }

    /** Batch, layout, storage, LSE and input scale rotate with the index; big cases shrink to fit the budget. */
    private static Case rotated(int i, int lq, int lk, int d, int[] heads, boolean causal, double budget) {
        int batch = i / 3 % 2 == 0 ? 1 : 3;
        int h = heads[0], hkv = heads[1];
        if ((double) batch * h * lq * lk * d > budget) {
            batch = 1;
        }
        if ((double) batch * h * lq * lk * d > budget) {
            h = h / hkv; // keep the group size (GQA/MQA) but fewer kv heads
            hkv = 1;
        }
        AttentionSpec spec = AttentionSpec.builder().batch(batch).queryLength(lq).keyLength(lk)
                .heads(h).kvHeads(hkv).headDim(d).causal(causal).build();
        return new Case(spec, Layout.values()[i % 2], Storage.values()[i % 3], i % 4 != 3,
                i % 5 == 4 ? 10f : 1f, 1000 + i);
    }
}
