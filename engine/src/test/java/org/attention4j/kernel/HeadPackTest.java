package org.attention4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Items that pack their head's keys and values whole (the thread's own items) and items that pack them
 * block by block (stolen ones) must compute the same bits.
 */
class HeadPackTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void perBlockPacksEqualTheWholeHeadPack(int vector) {
        Assumptions.assumeTrue(vector == 0 || TileOpsProvider.vectorAvailable(), "no Vector API in this JVM");
        TileOps ops = vector == 1 ? TileOpsProvider.vector() : TileOpsProvider.scalar();
        AttentionSpec spec = AttentionSpec.builder().batch(2).length(530).heads(6).kvHeads(3).headDim(36)
                .causal(true).window(200, 0).build();
        assertTrue(TilePlan.packsWholeHead(spec, ops), "the spec must exercise the whole-head pack");
        Random random = new Random(3);
        float[] q = randoms(random, 2 * 530 * 6 * 36), k = randoms(random, 2 * 530 * 3 * 36);
        float[] v = randoms(random, k.length);
        float[] whole = run(ops, spec, q, k, v, true), perBlock = run(ops, spec, q, k, v, false);
        assertArrayEquals(whole, perBlock);
    }

    private static float[] run(TileOps ops, AttentionSpec spec, float[] q, float[] k, float[] v, boolean headReused) {
        float[] out = new float[q.length];
        Workspace ws = new Workspace();
        ws.prepare(spec, ops);
        for (int item = 0; item < TilePlan.itemCount(spec, ops); item++) {
            FlashAttention.runItem(ops, spec, null, Tensor.bshd(q, 530, 6, 36), Tensor.bshd(k, 530, 3, 36),
                    Tensor.bshd(v, 530, 3, 36), Tensor.bshd(out, 530, 6, 36), null, ws, 1, item, headReused,
                    FlashAttention.NO_DEADLINE, null);
        }
        return out;
    }

    private static float[] randoms(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }
}
