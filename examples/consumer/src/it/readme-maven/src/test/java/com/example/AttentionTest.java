package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.attention4j.Tensor;
import org.junit.jupiter.api.Test;

/** What a new user writes first: one causal GQA call, checked against the textbook loop. */
class AttentionTest {

    @Test
    void engineEqualsNaiveLoop() {
        int n = 37, heads = 4, kvHeads = 2, dim = 24;   // 37: not a multiple of any tile or lane count
        AttentionSpec spec = AttentionSpec.builder().length(n).heads(heads).kvHeads(kvHeads)
                .headDim(dim).causal(true).build();
        SplittableRandom random = new SplittableRandom(25);
        float[] q = randoms(random, n * heads * dim);
        float[] k = randoms(random, n * kvHeads * dim);
        float[] v = randoms(random, n * kvHeads * dim);
        float[] o = new float[n * heads * dim];

        try (AttentionEngine engine = AttentionEngine.create()) {
            // The Surefire argLine of the README puts jdk.incubator.vector in the test JVM.
            assertEquals(Kernel.VECTOR, engine.kernel(), engine.kernelName());
            engine.forward(spec, Tensor.bshd(q, n, heads, dim), Tensor.bshd(k, n, kvHeads, dim),
                    Tensor.bshd(v, n, kvHeads, dim), Tensor.bshd(o, n, heads, dim));
        }

        double scale = 1 / Math.sqrt(dim);
        for (int h = 0; h < heads; h++) {
            int g = h / (heads / kvHeads);              // the kv head this query head shares
            for (int i = 0; i < n; i++) {
                double[] p = new double[i + 1];         // causal: keys 0..i
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int d = 0; d < dim; d++) {
                        s += q[(i * heads + h) * dim + d] * k[(j * kvHeads + g) * dim + d];
                    }
                    p[j] = s * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int d = 0; d < dim; d++) {
                    double expected = 0;
                    for (int j = 0; j <= i; j++) {
                        expected += p[j] / sum * v[(j * kvHeads + g) * dim + d];
                    }
                    float actual = o[(i * heads + h) * dim + d];
                    assertTrue(Math.abs(actual - expected) <= 1e-5,
                            "head " + h + ", row " + i + ", column " + d + ": " + actual + " vs " + expected);
                }
            }
        }
    }

    private static float[] randoms(SplittableRandom random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }
}
