package org.attention4j.jmh;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.junit.jupiter.api.Test;

/**
 * The engine against the runtime users trust today, on the same inputs: ONNX Runtime's contrib
 * {@code MultiHeadAttention} and the standard {@code Attention} of opset 23 agree with attention4j to
 * 1e-5 × max |output| (OrtPeer.check throws otherwise; seen: up to 5e-7, two fp32 summation orders), with
 * value heads of their own size (issue 26: MLA's 192/128, narrower and wider values, odd sizes), causal
 * and not.
 */
class OrtAgreementTest {
    @Test
    void onnxRuntimeAgreesWithValueHeadsOfTheirOwnSize() throws Exception {
        int[][] dims = {{192, 128}, {64, 128}, {128, 64}, {59, 111}, {8, 10}};
        for (int[] d : dims) {
            for (boolean causal : new boolean[] {false, true}) {
                AttentionSpec spec = AttentionSpec.builder().length(200).heads(4).headDim(d[0]).valueHeadDim(d[1])
                        .causal(causal).build();
                Workload workload = new Workload(spec, d[0] * 1000L + d[1]);
                try (AttentionEngine engine = Workload.engine(Kernel.VECTOR, 2)) {
                    workload.verify(engine, 200); // every row against the float64 reference first
                }
                float[] expected = workload.out.array().clone();
                for (boolean contrib : new boolean[] {true, false}) {
                    byte[] graph = contrib ? OnnxAttentionGraphs.multiHeadAttention(spec)
                            : OnnxAttentionGraphs.attention23(spec);
                    try (OrtPeer ort = new OrtPeer(contrib ? "ORT_MHA" : "ORT_ATTENTION23", graph, workload, 1)) {
                        String line = ort.check(expected, 1e-5);
                        System.out.println("OrtAgreementTest: " + line);
                        assertTrue(line.contains("max |diff|"));
                    }
                }
            }
        }
    }
}
