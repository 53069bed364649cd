package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.attention4j.TestSupport.Case;
import org.attention4j.TestSupport.Layout;
import org.attention4j.TestSupport.Storage;
import org.junit.jupiter.api.Test;

/** The vector kernel against its scalar twin on random shapes (seeded). */
class VectorVsScalarTest {

    @Test
    void agreeOnRandomShapes() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.attention4j.kernel.KernelProvider.vectorAvailable());
        SplittableRandom random = new SplittableRandom(2026);
        double worst = 0;
        try (AttentionEngine vector = AttentionEngine.builder().kernel(Kernel.VECTOR).threads(2).build();
             AttentionEngine scalar = AttentionEngine.builder().kernel(Kernel.SCALAR).threads(2).build()) {
            for (int i = 0; i < 30; i++) {
                int hkv = 1 + random.nextInt(3);
                AttentionSpec spec = AttentionSpec.builder().batch(1 + random.nextInt(2))
                        .queryLength(1 + random.nextInt(300)).keyLength(random.nextInt(300))
                        .heads(hkv * (1 + random.nextInt(4))).kvHeads(hkv).headDim(1 + random.nextInt(256))
                        .causal(random.nextBoolean()).build();
                Case c = new Case(spec, Layout.values()[i % 2], Storage.values()[i % 3], true,
                        random.nextBoolean() ? 1f : 10f, i);
                TestSupport.Problem a = TestSupport.problem(c);
                TestSupport.Problem b = TestSupport.problem(c);
                vector.forward(spec, a.q, a.k, a.v, a.out, a.lse);
                scalar.forward(spec, b.q, b.k, b.v, b.out, b.lse);
                worst = Math.max(worst, relativeDifference(spec, a, b, c));
            }
        }
        System.out.printf("VectorVsScalarTest: worst relative difference %.3e%n", worst);
    }

    private static double relativeDifference(AttentionSpec s, TestSupport.Problem a, TestSupport.Problem b, Case c) {
        double max = 0, diff = 0;
        for (int bb = 0; bb < s.batch(); bb++) {
            for (int i = 0; i < s.queryLength(); i++) {
                for (int h = 0; h < s.heads(); h++) {
                    for (int d = 0; d < s.headDim(); d++) {
                        max = Math.max(max, Math.abs(b.out.get(bb, i, h, d)));
                        diff = Math.max(diff, Math.abs(a.out.get(bb, i, h, d) - b.out.get(bb, i, h, d)));
                    }
                    float la = a.lse.get(bb, i, h, 0), lb = b.lse.get(bb, i, h, 0);
                    assertTrue(la == lb || Math.abs(la - lb) <= TestSupport.tolerance(c) * Math.max(1, Math.abs(lb)),
                            c + ": lse " + la + " vs " + lb);
                }
            }
        }
        double relative = diff / (max + 1e-6);
        assertTrue(relative <= TestSupport.tolerance(c), c + ": vector vs scalar relative difference " + relative);
        return relative;
    }
}
