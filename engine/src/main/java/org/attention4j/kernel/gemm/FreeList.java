package org.attention4j.kernel.gemm;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Objects shared by the threads of one {@code Gemm}: borrowed for a call and given back. The list grows
 * to the largest number of simultaneous borrowers and then allocates nothing (ArrayDeque reuses its
 * array; most recently returned first, so a warm buffer is reused while it is still in cache).
 */
final class FreeList<T> {
    private final ArrayDeque<T> free = new ArrayDeque<>();
    private final Supplier<T> factory;
    private int created;

    FreeList(Supplier<T> factory) {
        this.factory = factory;
    }

    T acquire() {
        synchronized (free) {
            T t = free.pollFirst();
            if (t != null) {
                return t;
            }
            created++;
        }
        return factory.get();
    }

    void release(T t) {
        synchronized (free) {
            free.addFirst(t);
        }
    }

    int created() {
        synchronized (free) {
            return created;
        }
    }
}
