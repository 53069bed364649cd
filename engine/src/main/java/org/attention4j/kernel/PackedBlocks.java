package org.attention4j.kernel;

import java.util.Arrays;
import org.attention4j.AttentionSpec;

/**
 * A workspace's cache of packed key/value blocks ({@link TilePlan#packSlots} slots): the items of one
 * head that a thread runs one after the other pack each block once and read it from here. Slot
 * {@code s} holds, from {@link #keyFirst keyFirst(s)} and {@link #valueFirst valueFirst(s)}, key block
 * {@code block[s]} of head (batch · kvHeads + kvHead) {@code head[s]} of call {@code call[s]}: the keys
 * row after row, the values transposed.
 */
final class PackedBlocks {
    float[] keys = new float[0];
    float[] valuesT = new float[0];
    /** Slots in use for the current spec; 0: too small a cache, every block goes to scratch buffers. */
    int slots;
    private int slotKeyFloats;
    private int slotValueFloats;
    private long[] call = new long[0];
    private int[] head = new int[0];
    private int[] block = new int[0];

    /** Sizes the cache for {@code spec} within {@code cacheBytes} and forgets what it held. */
    void prepare(AttentionSpec spec, TileOps ops, long cacheBytes) {
        slots = TilePlan.packSlots(spec, ops, cacheBytes);
        slotKeyFloats = TilePlan.slotKeyFloats(spec, ops);
        slotValueFloats = TilePlan.slotValueFloats(spec, ops);
        if (keys.length < slots * slotKeyFloats) {
            keys = new float[slots * slotKeyFloats];
        }
        if (valuesT.length < slots * slotValueFloats) {
            valuesT = new float[slots * slotValueFloats];
        }
        if (call.length < slots) {
            call = new long[slots];
            head = new int[slots];
            block = new int[slots];
        }
        Arrays.fill(call, -1); // a grown or reused workspace holds nothing packed for the next call
    }

    /** The slot key block {@code keyBlock} goes to, or −1 when the cache has none. */
    int slotOf(int keyBlock) {
        return slots == 0 ? -1 : keyBlock % slots;
    }

    /**
     * Whether {@code slot} holds key block {@code keyBlock} of {@code head} (batch · kvHeads + kvHead) for call
     * {@code callId}.
     */
    boolean holds(int slot, long callId, int head, int keyBlock) {
        return call[slot] == callId && this.head[slot] == head && block[slot] == keyBlock;
    }

    void tag(int slot, long callId, int head, int keyBlock) {
        call[slot] = callId;
        this.head[slot] = head;
        block[slot] = keyBlock;
    }

    int keyFirst(int slot) {
        return slot * slotKeyFloats;
    }

    int valueFirst(int slot) {
        return slot * slotValueFloats;
    }

    /** Bytes currently held. */
    long bytes() {
        return (long) Float.BYTES * (keys.length + valuesT.length) + (long) Long.BYTES * call.length
                + (long) Integer.BYTES * (head.length + block.length);
    }
}
