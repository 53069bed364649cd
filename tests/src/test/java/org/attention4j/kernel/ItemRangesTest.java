package org.attention4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Every item is handed out exactly once, whoever takes it and in whatever interleaving. */
class ItemRangesTest {

    @Test
    void ownersTakeTheirRangeFrontToBackAndThievesTheBack() {
        ItemRanges ranges = new ItemRanges(10, 2); // [0, 5) and [5, 10)
        assertEquals(0, ranges.takeOwn(0));
        assertEquals(1, ranges.takeOwn(0));
        assertEquals(9, ranges.steal(0)); // the back of range 1
        assertEquals(5, ranges.takeOwn(1));
        assertEquals(4, ranges.steal(1)); // the back of range 0
    }

    @Test
    void emptyRangesAndMorePartsThanItems() {
        ItemRanges ranges = new ItemRanges(2, 5);
        List<Integer> taken = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            int item = ranges.takeOwn(p);
            if (item >= 0) {
                taken.add(item);
            }
        }
        assertEquals(List.of(0, 1), taken.stream().sorted().toList());
        assertEquals(-1, ranges.steal(0));
        assertEquals(-1, new ItemRanges(0, 3).takeOwn(1));
    }

    @Test
    void concurrentOwnersAndThievesTakeEachItemOnce() throws InterruptedException {
        for (int trial = 0; trial < 50; trial++) {
            int items = 1000 + trial, parts = 4;
            ItemRanges ranges = new ItemRanges(items, parts);
            AtomicIntegerArray seen = new AtomicIntegerArray(items);
            Thread[] threads = new Thread[parts + 2]; // two late joiners that only steal
            for (int t = 0; t < threads.length; t++) {
                int part = t;
                threads[t] = new Thread(() -> {
                    while (true) {
                        int item = part < parts ? ranges.takeOwn(part) : -1;
                        if (item < 0 && (item = ranges.steal(part % parts)) < 0) {
                            return;
                        }
                        seen.incrementAndGet(item);
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            for (int i = 0; i < items; i++) {
                assertEquals(1, seen.get(i), "item " + i + " of " + items);
            }
        }
    }
}
