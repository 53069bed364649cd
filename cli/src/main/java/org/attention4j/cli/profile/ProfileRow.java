package org.attention4j.cli.profile;

import java.util.LinkedHashMap;
import java.util.Map;
import org.attention4j.AttentionSpec;
import org.attention4j.ElementType;
import org.attention4j.cli.KvDtype;

/**
 * One measured (or skipped) row of {@code profile}: a shape × kernel × thread count. The JSON names
 * ({@link #toMap}) are documented in docs/CLI.md and kept stable.
 *
 * @param latency null when skipped
 * @param peakRssBytes −1 when the OS does not report it
 * @param allocatedBytesPerCall −1 when the JVM does not count allocations
 * @param usefulPairs query–key pairs that no mask, window or layout hides, all batches and heads: the
 *        GFLOP/s count only these
 * @param kvType how K and V were stored
 * @param kvBytes bytes of K and V (scales included) a call reads at least once
 * @param kvGbPerSecond {@code kvBytes} per median call, GB/s
 * @param percentOfReadBandwidth {@code kvGbPerSecond} against the read bandwidth measured in the same run
 *        on as many threads; NaN when it was not measured
 */
public record ProfileRow(AttentionSpec spec, String layout, boolean offheap, String kernel, String implementation,
                         int threads, String status, String note, int warmup, int iterations, LatencyStats latency,
                         double gflops, double percentOfPeak, double tokensPerSecond, long allocatedBytesPerCall,
                         long workingBytes, long tensorBytes, long peakRssBytes, boolean peakRssReset,
                         long naiveMatrixBytes, long usefulPairs, ElementType kvType, long kvBytes,
                         double kvGbPerSecond, double percentOfReadBandwidth) {

    static final String OK = "ok";
    static final String SKIPPED = "skipped";

    public boolean measured() {
        return OK.equals(status);
    }

    /** Bytes of K and V a call reads at least once: every key's rows (and int8 scales), once. */
    static long kvBytes(AttentionSpec spec, ElementType type) {
        long rows = (long) spec.batch() * spec.keyLength() * spec.kvHeads();
        return rows * (spec.headDim() + spec.valueHeadDim()) * type.byteSize()
                + (type == ElementType.INT8 ? rows * 2 * Float.BYTES : 0);
    }

    /** {@code 2·(D + Dv)} per useful pair, as {@link AttentionSpec#flops()} counts them: Q·Kᵀ and P·V. */
    static double flopsPerCall(AttentionSpec spec, long usefulPairs) {
        return 2.0 * (spec.headDim() + spec.valueHeadDim()) * usefulPairs;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", spec.keyLength());
        m.put("queryLength", spec.queryLength());
        m.put("batch", spec.batch());
        m.put("heads", spec.heads());
        m.put("kvHeads", spec.kvHeads());
        m.put("headDim", spec.headDim());
        m.put("valueHeadDim", spec.valueHeadDim());
        m.put("causal", spec.causal());
        m.put("windowLeft", spec.windowLeft());
        m.put("windowRight", spec.windowRight());
        m.put("layout", layout);
        m.put("offheap", offheap);
        m.put("kvDtype", KvDtype.name(kvType));
        m.put("kernel", kernel);
        m.put("implementation", implementation);
        m.put("threads", threads);
        m.put("status", status);
        m.put("note", note);
        m.put("warmup", warmup);
        m.put("iterations", iterations);
        m.put("latencyMs", latency == null ? null : latency.toMap());
        m.put("gflops", measured() ? gflops : null);
        m.put("percentOfPeak", measured() ? percentOfPeak : null);
        m.put("tokensPerSecond", measured() ? tokensPerSecond : null);
        m.put("kvBytesPerCall", kvBytes);
        m.put("kvGBs", measured() ? kvGbPerSecond : null);
        m.put("percentOfReadBandwidth", measured() && !Double.isNaN(percentOfReadBandwidth) ? percentOfReadBandwidth
                : null);
        m.put("softcap", spec.softcap() > 0 ? spec.softcap() : null);
        m.put("alibi", spec.hasAlibi());
        m.put("blockSparseDensity", spec.blockSparse() == null ? null : spec.blockSparse().density());
        m.put("usefulPairs", usefulPairs);
        m.put("flopsPerCall", flopsPerCall(spec, usefulPairs));
        m.put("allocatedBytesPerCall", allocatedBytesPerCall);
        m.put("workingBytes", workingBytes);
        m.put("tensorBytes", tensorBytes);
        m.put("peakRssBytes", peakRssBytes);
        m.put("peakRssReset", peakRssReset);
        m.put("naiveMatrixBytes", naiveMatrixBytes);
        return m;
    }
}
