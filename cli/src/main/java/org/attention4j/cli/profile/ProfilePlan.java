package org.attention4j.cli.profile;

import java.util.List;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.ElementType;
import org.attention4j.cli.BadInputException;

/**
 * What a profile run will measure: shapes × K/V storage types × kernels × thread counts, and how.
 * Validated up front.
 */
record ProfilePlan(List<AttentionSpec> specs, List<AttentionMask> masks, List<KernelChoice> kernels, List<Integer> threads, int warmup,
                   int iterations, double minTime, long seed, boolean bhsd, boolean offheap, long naiveMaxBytes,
                   List<ElementType> kvTypes) {

    int rowCount() {
        return specs.size() * kvTypes.size() * kernels.size() * threads.size();
    }

    /**
     * Whether the rows are memory-bound enough that the read bandwidth is their yardstick: K/V of a
     * smaller type, or few queries against their keys (decode: each K/V byte feeds 2 FLOPs per query row).
     */
    boolean memoryBound() {
        return !kvTypes.equals(List.of(ElementType.FLOAT32))
                || specs.stream().allMatch(s -> s.queryLength() <= 16 && s.queryLength() < s.keyLength());
    }

    int maxThreads() {
        return threads.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    /** A weight per row for the ETA: its FLOPs (the naive kernel also pays for masked pairs). */
    double totalWork() {
        double work = 0;
        for (AttentionSpec s : specs) {
            work += s.flops() * kvTypes.size() * kernels.size() * threads.size(); // without masks: an estimate
        }
        return work;
    }

    /** Heap tensors that cannot fit the heap fail now with advice, not in an OutOfMemoryError later. */
    void requireHeapForTensors() {
        long largest = specs.stream().mapToLong(ProfileInputs::tensorBytes).max().orElse(0);
        long heap = Runtime.getRuntime().maxMemory();
        if (!offheap && largest > heap * 0.8) {
            throw new BadInputException("the largest shape needs " + ProfileReport.bytes(largest) + " of tensors but "
                    + "the Java heap is " + ProfileReport.bytes(heap) + ": add --offheap, or raise the heap with "
                    + "JAVA_OPTS=-Xmx<size> (scripts/attention4j passes JAVA_OPTS on)");
        }
    }

    /** Why a naive row cannot run (too much memory), or null when it can. */
    String naiveSkipReason(AttentionSpec spec, AttentionMask mask, long matrices) {
        String unsupported = org.attention4j.bench.NaiveAttention.unsupportedOption(spec);
        if (unsupported != null || mask != null) {
            return "skipped: the naive peer does not implement " + (unsupported != null ? unsupported : "masks");
        }
        if (!org.attention4j.bench.NaiveAttention.fits(spec)) {
            return "skipped: one " + spec.queryLength() + "×" + spec.keyLength() + " score matrix exceeds a Java array";
        }
        if (matrices > naiveMaxBytes) {
            return "skipped: score matrices need " + ProfileReport.bytes(matrices) + " > --naive-max-mem "
                    + ProfileReport.bytes(naiveMaxBytes);
        }
        long heapLeft = Runtime.getRuntime().maxMemory() - (offheap ? 0 : ProfileInputs.tensorBytes(spec));
        if (matrices > heapLeft * 0.8) {
            return "skipped: score matrices need " + ProfileReport.bytes(matrices) + ", the heap has "
                    + ProfileReport.bytes(heapLeft) + " left (raise -Xmx via JAVA_OPTS)";
        }
        return null;
    }
}
