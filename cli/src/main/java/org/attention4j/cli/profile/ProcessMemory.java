package org.attention4j.cli.profile;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's memory as the OS sees it: peak resident set size (Linux {@code VmHWM}), which can be
 * reset between rows by writing 5 to {@code /proc/self/clear_refs}; and bytes allocated on the Java heap
 * by all threads (HotSpot's {@code getTotalThreadAllocatedBytes}).
 */
final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private ProcessMemory() {}

    /** Peak RSS in bytes, or −1 where the OS does not say (not Linux). */
    static long peakRssBytes() {
        return statusKiB("VmHWM:") * 1024;
    }

    /** Current RSS in bytes, or −1. */
    static long rssBytes() {
        return statusKiB("VmRSS:") * 1024;
    }

    /** Resets the peak RSS to the current RSS; false where the OS does not allow it. */
    static boolean resetPeakRss() {
        try {
            Files.writeString(CLEAR_REFS, "5", StandardCharsets.US_ASCII);
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /**
     * A full GC, then waits (up to 2 s) until the RSS stops falling: G1 gives the freed heap back to the
     * OS from a background thread after the GC returns, and a peak reset before that still counted it
     * (a 256k-token row read tensors + 508 MiB, tensors + 105 MiB once the heap was returned).
     */
    static void collectAndReturnHeap() {
        System.gc();
        long deadline = System.nanoTime() + 2_000_000_000L;
        long last = rssBytes();
        int steady = 0;
        while (last >= 0 && steady < 4 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = rssBytes();
            steady = now < last ? 0 : steady + 1;
            last = now;
        }
    }

    /** Bytes allocated so far by all Java threads, or −1 when the JVM does not count them. */
    static long allocatedBytes() {
        if (THREADS == null) {
            return -1;
        }
        try {
            return THREADS.getTotalThreadAllocatedBytes();
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    private static long statusKiB(String key) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the caller reports "n/a"
        }
        return -1;
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported()) {
            t.setThreadAllocatedMemoryEnabled(true);
            return t;
        }
        return null;
    }
}
