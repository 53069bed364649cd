package org.attention4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.attention4j.internal.SeededFloats;
import org.junit.jupiter.api.Test;

/**
 * One long sequence's keys split over Spark partitions (docs/SPARK.md): each task computes its part's attention
 * and log-sum-exp, a reduce merges them, and the result equals one {@code forward} over all keys.
 */
class SplitKeysTest {
    private static final int QUERIES = 48, KEYS = 4099, HEADS = 4, KV_HEADS = 2, DIM = 64, VALUE_DIM = 32;
    /** Where each part's keys start: uneven parts, one of a single key. */
    private static final int[] STARTS = {0, 1000, 1001, 2500, KEYS};

    /** One engine per JVM, as an executor would keep it. */
    private static AttentionEngine engine;

    private static synchronized AttentionEngine engine() {
        if (engine == null) {
            engine = AttentionEngine.create(1);
        }
        return engine;
    }

    private static AttentionSpec spec(int keys) {
        return AttentionSpec.builder().queryLength(QUERIES).keyLength(keys).heads(HEADS).kvHeads(KV_HEADS)
                .headDim(DIM).valueHeadDim(VALUE_DIM).build();
    }

    @Test
    void partsMergedAcrossPartitionsEqualOneForwardOverAllKeys() {
        // uniform in [-1, 1): outputs of magnitude ~0.1-1
        float[] q = SeededFloats.uniform(QUERIES * HEADS * DIM, 1), k = SeededFloats.uniform(KEYS * KV_HEADS * DIM, 2),
                v = SeededFloats.uniform(KEYS * KV_HEADS * VALUE_DIM, 3);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.session().sparkContext());
        Broadcast<float[]> qs = sc.broadcast(q), ks = sc.broadcast(k), vs = sc.broadcast(v);
        PartialAttention merged = sc.parallelize(List.of(0, 1, 2, 3), 4).map(part -> {
            int first = STARTS[part], end = STARTS[part + 1];
            return PartialAttention.compute(engine(), spec(end - first), qs.value(),
                    Arrays.copyOfRange(ks.value(), first * KV_HEADS * DIM, end * KV_HEADS * DIM),
                    Arrays.copyOfRange(vs.value(), first * KV_HEADS * VALUE_DIM, end * KV_HEADS * VALUE_DIM));
        }).reduce(PartialAttention::merge);

        float[] out = new float[QUERIES * HEADS * VALUE_DIM], lse = new float[HEADS * QUERIES];
        engine().forward(spec(KEYS), Tensor.bshd(q, QUERIES, HEADS, DIM), Tensor.bshd(k, KEYS, KV_HEADS, DIM),
                Tensor.bshd(v, KEYS, KV_HEADS, VALUE_DIM), Tensor.bshd(out, QUERIES, HEADS, VALUE_DIM),
                Tensor.lse(lse, HEADS, QUERIES));
        double worstOut = 0, worstLse = 0;
        for (int i = 0; i < out.length; i++) {
            worstOut = Math.max(worstOut, Math.abs(merged.out()[i] - out[i]));
        }
        for (int i = 0; i < lse.length; i++) {
            worstLse = Math.max(worstLse, Math.abs(merged.lse()[i] - lse[i]) / Math.abs(lse[i]));
        }
        System.out.printf("SplitKeysTest: 4 parts merged vs one forward: max |dO| = %.2e, max rel dLSE = %.2e%n",
                worstOut, worstLse);
        assertTrue(worstOut <= 1e-6, "max |dO| = " + worstOut);
        assertTrue(worstLse <= 1e-6, "max relative dLSE = " + worstLse);
    }

    @Test
    void aRowWithNoKeyInOnePartTakesTheOtherAndPartsMustMatch() {
        PartialAttention seen = new PartialAttention(new float[] {1, 2}, new float[] {0.5f}, 1, 1, 2);
        PartialAttention unseen = new PartialAttention(new float[] {0, 0}, new float[] {Float.NEGATIVE_INFINITY}, 1, 1, 2);
        PartialAttention merged = unseen.merge(seen);
        assertEquals(0.5f, merged.lse()[0]);
        assertEquals(List.of(1f, 2f), List.of(merged.out()[0], merged.out()[1]));
        assertEquals(Float.NEGATIVE_INFINITY, unseen.merge(unseen).lse()[0]);
        assertThrows(IllegalArgumentException.class,
                () -> seen.merge(new PartialAttention(new float[4], new float[2], 2, 1, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PartialAttention.compute(
                engine(), AttentionSpec.builder().queryLength(1).keyLength(1).heads(1).headDim(8).causal(true).build(),
                new float[8], new float[8], new float[8]));
        assertTrue(e.getMessage().contains("not causal"), e.getMessage());
    }
}
