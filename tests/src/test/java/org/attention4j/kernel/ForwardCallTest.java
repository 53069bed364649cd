package org.attention4j.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.junit.jupiter.api.Test;

/** The call record checks what only the plan knows, before any item runs. */
class ForwardCallTest {

    @Test
    void aCallSplitOverItsKeysNeedsItsPartials() {
        for (TileOps ops : new TileOps[] {KernelProvider.scalar().tileOps(), KernelProvider.best().tileOps()}) {
            AttentionSpec spec = AttentionSpec.builder().queryLength(1).keyLength(16384).heads(8).kvHeads(1)
                    .headDim(64).build();
            assertTrue(TilePlan.keySplits(spec, ops) > 1, "the spec must be split over its keys on " + ops.name());
            Tensor q = Tensor.bshd(new float[8 * 64], 1, 8, 64), kv = Tensor.bshd(new float[16384 * 64], 16384, 1, 64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ForwardCall()
                    .arm(ops, spec, null, q, kv, kv, q, null, null, 1, FlashAttention.NO_DEADLINE));
            assertTrue(e.getMessage().startsWith("partials = null: a call split over its keys needs an array of "
                    + "SplitPartials.floats(spec, ops) = " + SplitPartials.floats(spec, ops)), e.getMessage());
            new ForwardCall().arm(ops, spec, null, q, kv, kv, q, null, new float[SplitPartials.floats(spec, ops)], 1,
                    FlashAttention.NO_DEADLINE); // with them: armed
        }
    }
}
