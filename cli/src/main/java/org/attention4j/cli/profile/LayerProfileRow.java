package org.attention4j.cli.profile;

import java.util.LinkedHashMap;
import java.util.Map;
import org.attention4j.AttentionSpec;

/**
 * One measured row of {@code profile --layer}: a whole multi-head attention block (self-attention) at
 * one shape and thread count: the block's latency, and the medians of its two projection GEMMs alone
 * (X·W_QKV and O·W_O) and of the attention kernel alone on the same shapes.
 */
record LayerProfileRow(AttentionSpec spec, int dModel, int threads, int iterations, LatencyStats block,
                       double projectionMs, double attentionMs, double projectionGemmFlops, double peakGflops, long allocatedBytesPerCall,
                       long scratchBytes, long workspaceBytes, long weightBytes) {

    /** The block's time beyond its GEMMs and attention (biases, positions, RoPE, copies); noisy, may be < 0. */
    double otherMs() {
        return block.p50() - projectionMs - attentionMs;
    }

    double kernelShare() {
        return attentionMs / block.p50();
    }

    double tokensPerSecond() {
        return spec.batch() * (double) spec.queryLength() / (block.p50() / 1e3);
    }

    double projectionGflops() {
        return projectionGemmFlops / (projectionMs / 1e3) / 1e9;
    }

    double projectionPercentOfPeak() {
        return 100 * projectionGflops() / peakGflops;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", spec.queryLength());
        m.put("batch", spec.batch());
        m.put("dModel", dModel);
        m.put("heads", spec.heads());
        m.put("kvHeads", spec.kvHeads());
        m.put("headDim", spec.headDim());
        m.put("causal", spec.causal());
        m.put("threads", threads);
        m.put("iterations", iterations);
        m.put("blockMs", block.toMap());
        m.put("projectionMs", projectionMs);
        m.put("attentionMs", attentionMs);
        m.put("otherMs", otherMs());
        m.put("kernelSharePercent", 100 * kernelShare());
        m.put("tokensPerSecond", tokensPerSecond());
        m.put("projectionGflops", projectionGflops());
        m.put("projectionPercentOfPeak", projectionPercentOfPeak());
        m.put("allocatedBytesPerCall", allocatedBytesPerCall);
        m.put("scratchBytes", scratchBytes);
        m.put("workspaceBytes", workspaceBytes);
        m.put("weightBytes", weightBytes);
        return m;
    }
}
