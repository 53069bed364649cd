package org.attention4j.kernel;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A call's work items {@code [0, items)} cut into one contiguous range per participant. Each
 * participant takes items from the front of its own range; once that is empty it steals from the
 * back of the others'. Items of one head are consecutive, so a participant mostly works on heads
 * no other thread touches and packs each head's keys and values once per call, where handing out
 * items one by one from a shared counter made every thread pack every head (a head's pack is ~10 %
 * of a 512-key window's work; on the 2-vCPU test machine the duplicate packs hid in the shared L3,
 * so the measured difference stayed within noise). Thieves take the back of a range: under a causal
 * mask that is a head's lightest query blocks.
 *
 * <p>Each range is one {@code long}: its next item in the high half, its end in the low half, so the
 * owner and a thief cannot both take the last item.
 */
final class ItemRanges {
    private final AtomicLongArray ranges;
    private int parts;

    ItemRanges(int items, int parts) {
        ranges = new AtomicLongArray(Math.max(1, parts));
        reset(items, parts);
    }

    /**
     * Cuts {@code [0, items)} anew into {@code parts <=} the capacity given at construction (a pooled
     * call reuses its ranges). Only while no participant takes items.
     */
    void reset(int items, int parts) {
        if (parts > ranges.length()) {
            throw new IllegalArgumentException("parts = " + parts + ": at most " + ranges.length());
        }
        this.parts = parts;
        for (int p = 0; p < parts; p++) {
            long first = (long) items * p / parts, end = (long) items * (p + 1) / parts;
            ranges.set(p, first << 32 | end);
        }
    }

    int parts() {
        return parts;
    }

    /** The next item of range {@code part}, from its front, or −1 when it is empty. */
    int takeOwn(int part) {
        while (true) {
            long range = ranges.get(part);
            int next = (int) (range >>> 32), end = (int) range;
            if (next >= end) {
                return -1;
            }
            if (ranges.compareAndSet(part, range, (long) (next + 1) << 32 | end)) {
                return next;
            }
        }
    }

    /** The last item of the first non-empty range after {@code thief}'s, or −1 when all are empty. */
    int steal(int thief) {
        for (int i = 1; i <= parts; i++) {
            int part = (thief + i) % parts;
            while (true) {
                long range = ranges.get(part);
                int next = (int) (range >>> 32), end = (int) range;
                if (next >= end) {
                    break;
                }
                if (ranges.compareAndSet(part, range, (long) next << 32 | (end - 1))) {
                    return end - 1;
                }
            }
        }
        return -1;
    }
}
