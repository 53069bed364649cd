package org.attention4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.attention4j.io.SafeTensorsFile;
import org.attention4j.reference.ReferenceMultiHeadAttention;
import org.attention4j.reference.ReferenceMultiHeadAttention.Encoding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layer on checkpoints written by {@code scripts/layer_golden.py} (an independent float64 NumPy
 * model, Hugging Face names and [out, in] weights, F32/F16/BF16): the weights go through
 * {@link SafeTensorsWeights}, the case's options come from the file's {@code __metadata__}, and Y must
 * match NumPy's within {@code max|Y − Y_np| / max|Y_np| <= 2e-6} (the layer tests' tolerance; the
 * expected Y is stored as float32, 6e-8 relative). Our own float64 reference must agree with NumPy
 * to float32 storage precision (1e-6), which checks the reference itself.
 */
class GoldenLayerTest {
    @ParameterizedTest
    @ValueSource(strings = {"bert_self", "bert_cross", "llama_gqa", "llama_rope"})
    void matchesTheNumPyModel(String name) throws IOException, URISyntaxException {
        Path path = Path.of(getClass().getResource("/layer/" + name + ".safetensors").toURI());
        SafeTensorsFile file = SafeTensorsFile.open(path);
        Map<String, String> meta = file.metadata();
        int heads = Integer.parseInt(meta.get("heads"));
        MultiHeadAttentionWeights weights = SafeTensorsWeights.load(file,
                WeightNames.preset(meta.get("names")).withPrefix(meta.get("prefix")), heads);
        assertEquals(64, weights.dModel());
        boolean causal = Boolean.parseBoolean(meta.get("causal"));
        double ropeBase = meta.get("rope_base").isEmpty() ? 0 : Double.parseDouble(meta.get("rope_base"));
        long position = Long.parseLong(meta.get("position"));
        float[] x = file.read("x"), expected = file.read("y");
        boolean cross = file.names().contains("x_kv");
        float[] xkv = cross ? file.read("x_kv") : x;
        int lq = x.length / 64, lk = xkv.length / 64;
        MultiHeadAttention.Builder builder = MultiHeadAttention.builder(weights).causal(causal).threads(2);
        if (ropeBase > 0) {
            builder.rope(RotaryEmbedding.of(weights.headDim(), ropeBase));
        }
        float[] y = new float[expected.length];
        try (MultiHeadAttention layer = builder.build()) {
            if (cross) {
                layer.forward(1, x, lq, position, xkv, lk, position, y);
            } else {
                layer.forward(1, x, lq, y, position);
            }
            double[] numpy = toDouble(expected);
            double error = LayerFixtures.relativeError(y, numpy);
            double[] reference = ReferenceMultiHeadAttention.compute(weights, layer.attentionSpec(1, lq, lk), x,
                    position, xkv, position, ropeBase > 0 ? Encoding.rope(ropeBase) : Encoding.NONE);
            double referenceError = LayerFixtures.relativeError(expected, reference);
            System.out.printf("GoldenLayerTest %s (%s): layer %.2e, float64 reference %.2e%n", name, weights, error,
                    referenceError);
            assertTrue(error <= MultiHeadAttentionTest.TOLERANCE, name + ": layer error " + error);
            assertTrue(referenceError <= 1e-6, name + ": reference error " + referenceError);
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
