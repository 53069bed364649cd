package org.attention4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cache of packed key/value blocks must never change a bit: items that cache their head's blocks
 * (the thread's own items), items that pack into scratch buffers (stolen ones, or no cache at all) and
 * a cache smaller than the head (a sliding window's blocks evicted and packed again) all compute the
 * same output.
 */
class HeadPackTest {
    private static final int LENGTH = 1130, HEADS = 6, KV_HEADS = 3, DIM = 36;

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void cachedScratchAndSlidingPacksGiveTheSameBits(int vector) {
        Assumptions.assumeTrue(vector == 0 || KernelProvider.vectorAvailable(), "no Vector API in this JVM");
        TileOps ops = vector == 1 ? KernelProvider.vector().tileOps() : KernelProvider.scalar().tileOps();
        AttentionSpec spec = AttentionSpec.builder().batch(2).length(LENGTH).heads(HEADS).kvHeads(KV_HEADS)
                .headDim(DIM).causal(true).window(200, 0).build();
        long slotBytes = (long) (TilePlan.slotKeyFloats(spec, ops) + TilePlan.slotValueFloats(spec, ops)) * Float.BYTES;
        int sliding = (int) TilePlan.itemKeyBlocks(spec, ops) + 1;
        assertEquals(sliding + 1, TilePlan.packSlots(spec, ops), "the default cache: an item's blocks + 2");
        assertTrue(sliding < TilePlan.keyBlocks(spec, ops), "the spec must exercise a cache smaller than the head");
        assertEquals(sliding, TilePlan.packSlots(spec, ops, sliding * slotBytes));
        assertEquals(Math.min(TilePlan.keyBlocks(spec, ops) - 1, sliding + 1),
                TilePlan.packSlots(spec, ops, (TilePlan.keyBlocks(spec, ops) - 1) * slotBytes), "an item's blocks + 2");
        assertEquals(0, TilePlan.packSlots(spec, ops, (sliding - 1) * slotBytes), "too small a cache is not used");

        Random random = new Random(3);
        float[] q = randoms(random, 2 * LENGTH * HEADS * DIM), k = randoms(random, 2 * LENGTH * KV_HEADS * DIM);
        float[] v = randoms(random, k.length);
        float[] whole = run(ops, spec, q, k, v, true, TilePlan.PACK_CACHE_BYTES);
        assertArrayEquals(whole, run(ops, spec, q, k, v, false, TilePlan.PACK_CACHE_BYTES), "stolen items");
        assertArrayEquals(whole, run(ops, spec, q, k, v, true, sliding * slotBytes), "sliding cache");
        assertArrayEquals(whole, run(ops, spec, q, k, v, true, 0), "no cache");
    }

    private static float[] run(TileOps ops, AttentionSpec spec, float[] q, float[] k, float[] v, boolean headReused,
                               long cacheBytes) {
        float[] out = new float[q.length];
        Workspace ws = new Workspace();
        ws.prepare(spec, ops, cacheBytes);
        ForwardCall call = new ForwardCall().arm(ops, spec, null, Tensor.bshd(q, LENGTH, HEADS, DIM),
                Tensor.bshd(k, LENGTH, KV_HEADS, DIM), Tensor.bshd(v, LENGTH, KV_HEADS, DIM),
                Tensor.bshd(out, LENGTH, HEADS, DIM), null, null, 1, FlashAttention.NO_DEADLINE);
        for (int item = 0; item < call.items; item++) {
            FlashAttention.runItem(call, ws, item, headReused, null);
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
