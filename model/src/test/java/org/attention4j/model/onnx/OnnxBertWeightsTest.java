package org.attention4j.model.onnx;

import static org.attention4j.model.onnx.OnnxTestFiles.FLOAT16;
import static org.attention4j.model.onnx.OnnxTestFiles.INT8;
import static org.attention4j.model.onnx.OnnxTestFiles.UINT8;
import static org.attention4j.model.onnx.OnnxTestFiles.floatTensor;
import static org.attention4j.model.onnx.OnnxTestFiles.graph;
import static org.attention4j.model.onnx.OnnxTestFiles.model;
import static org.attention4j.model.onnx.OnnxTestFiles.node;
import static org.attention4j.model.onnx.OnnxTestFiles.value;
import static org.attention4j.model.onnx.OnnxTestFiles.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.attention4j.model.BertConfig;
import org.attention4j.model.onnx.OnnxTestFiles.FakeBert;
import org.attention4j.model.onnx.OnnxTestFiles.Pb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OnnxBertWeights on small hand-written exports: names, layout, config inference and refusals. */
class OnnxBertWeightsTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        Path f = Files.createTempFile(dir, "model", ".onnx");
        Files.write(f, bytes);
        return f;
    }

    private OnnxBertWeights open(FakeBert fake) throws IOException {
        return OnnxBertWeights.open(write(fake.build()));
    }

    private IllegalArgumentException refused(FakeBert fake) throws IOException {
        Path f = write(fake.build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxBertWeights.open(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e;
    }

    /** The HF names of one layer's tensors and their shapes. */
    private static List<Object[]> layerNames(int l, int hidden, int intermediate) {
        String p = "encoder.layer." + l + ".";
        List<Object[]> out = new ArrayList<>();
        for (String s : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense")) {
            out.add(new Object[] {p + s + ".weight", new long[] {hidden, hidden}});
            out.add(new Object[] {p + s + ".bias", new long[] {hidden}});
        }
        out.add(new Object[] {p + "intermediate.dense.weight", new long[] {intermediate, hidden}});
        out.add(new Object[] {p + "intermediate.dense.bias", new long[] {intermediate}});
        out.add(new Object[] {p + "output.dense.weight", new long[] {hidden, intermediate}});
        out.add(new Object[] {p + "output.dense.bias", new long[] {hidden}});
        for (String s : List.of("attention.output.LayerNorm.", "output.LayerNorm.")) {
            out.add(new Object[] {p + s + "weight", new long[] {hidden}});
            out.add(new Object[] {p + s + "bias", new long[] {hidden}});
        }
        return out;
    }

    @Test
    void namesTheMatMulWeightsAndInfersTheConfig() throws IOException {
        FakeBert fake = new FakeBert();
        OnnxBertWeights w = open(fake);
        assertEquals(new BertConfig(10, 4, 1, 2, 8, 6, 2, 1e-6), w.config());
        assertEquals("", w.prefix());
        assertArrayEquals(new long[] {10, 4}, w.shape("embeddings.word_embeddings.weight"));
        assertArrayEquals(new long[] {6, 4}, w.shape("embeddings.position_embeddings.weight"));
        assertArrayEquals(new long[] {2, 4}, w.shape("embeddings.token_type_embeddings.weight"));
        assertArrayEquals(new long[] {1, 6}, w.shape("embeddings.position_ids"));
        for (Object[] e : layerNames(0, 4, 8)) {
            assertTrue(w.contains((String) e[0]), (String) e[0]);
            assertArrayEquals((long[]) e[1], w.shape((String) e[0]), (String) e[0]);
        }
        // 6 embedding tensors (with position_ids) + 16 per layer; the anonymous names are gone
        assertEquals(6 + 16, w.names().size(), w.names().toString());
        assertTrue(w.names().stream().noneMatch(n -> n.startsWith("onnx::")), w.names().toString());
        assertTrue(w.description().contains(w.file().toString()));
    }

    @Test
    void readsMatMulWeightsTransposedAndTheRestAsStored() throws IOException {
        OnnxBertWeights w = open(new FakeBert());
        // intermediate.dense: stored [in 4, out 8], read [out 8, in 4]
        float[] t = w.read("encoder.layer.0.intermediate.dense.weight");
        assertEquals(32, t.length);
        int k = FakeBert.matmulIndex(0, 4);
        for (int i = 0; i < 4; i++) {
            for (int o = 0; o < 8; o++) {
                assertEquals(value(k, i * 8 + o), t[o * 4 + i], "[" + o + ", " + i + "]");
            }
        }
        // output.dense: stored [8, 4], read [4, 8]
        float[] od = w.read("encoder.layer.0.output.dense.weight");
        k = FakeBert.matmulIndex(0, 5);
        for (int i = 0; i < 8; i++) {
            for (int o = 0; o < 4; o++) {
                assertEquals(value(k, i * 4 + o), od[o * 8 + i]);
            }
        }
        assertArrayEquals(values(0, 40), w.read("embeddings.word_embeddings.weight"));
        assertArrayEquals(values(1, 24), w.read("embeddings.position_embeddings.weight"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.read("embeddings.position_ids"));
        assertTrue(e.getMessage().contains("'embeddings.position_ids' is INT64: expected float data"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> w.shape("encoder.layer.1.output.dense.weight"));
        assertTrue(e.getMessage().contains("no tensor named 'encoder.layer.1.output.dense.weight'"), e.getMessage());
        assertFalse(w.contains("encoder.layer.1.output.dense.weight"));
    }

    @Test
    void stripsThePrefixOfATaskModel() throws IOException {
        FakeBert fake = new FakeBert();
        fake.prefix = "bert.";
        fake.extra.add(floatTensor("classifier.weight", new long[] {3, 4}, values(90, 12)));
        OnnxBertWeights w = open(fake);
        assertEquals("bert.", w.prefix());
        assertEquals(new BertConfig(10, 4, 1, 2, 8, 6, 2, 1e-6), w.config());
        assertTrue(w.contains("encoder.layer.0.attention.self.query.weight"));
        assertTrue(w.contains("embeddings.word_embeddings.weight"));
        assertTrue(w.contains("classifier.weight"), "a tensor outside the prefix keeps its name");
        assertTrue(w.names().stream().noneMatch(n -> n.startsWith("bert.")), w.names().toString());
        assertArrayEquals(values(90, 12), w.read("classifier.weight"));
    }

    @Test
    void infersTwoLayersAndHeadsFromOneShapeConstant() throws IOException {
        FakeBert fake = new FakeBert();
        fake.layers = 2;
        fake.hidden = 6;
        fake.heads = 3;
        fake.intermediate = 12;
        fake.headsAsConcat = false; // Reshape to the constant [0, 0, 3, -1]
        OnnxBertWeights w = open(fake);
        assertEquals(new BertConfig(10, 6, 2, 3, 12, 6, 2, 1e-6), w.config());
        for (Object[] e : layerNames(1, 6, 12)) {
            assertArrayEquals((long[]) e[1], w.shape((String) e[0]), (String) e[0]);
        }
        float[] q1 = w.read("encoder.layer.1.attention.self.query.weight");
        int k = FakeBert.matmulIndex(1, 0);
        assertEquals(value(k, 2 * 6 + 5), q1[5 * 6 + 2]);
    }

    @Test
    void epsDefaultsToBertsWhenTheGraphHasNone() throws IOException {
        FakeBert fake = new FakeBert();
        fake.eps = null;
        assertEquals(1e-12, open(fake).config().layerNormEps());
    }

    @Test
    void withoutTheHeadsReshapeTheConfigAsksForConfigJson() throws IOException {
        FakeBert fake = new FakeBert();
        fake.withReshape = false;
        OnnxBertWeights w = open(fake);
        assertArrayEquals(new long[] {4, 4}, w.shape("encoder.layer.0.attention.self.key.weight"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, w::config);
        assertTrue(e.getMessage().contains("cannot infer the number of attention heads"), e.getMessage());
        assertTrue(e.getMessage().contains("config.json beside the file"), e.getMessage());
    }

    @Test
    void refusesQuantizedOps() throws IOException {
        for (String op : List.of("MatMulInteger", "QLinearMatMul", "DynamicQuantizeLinear", "DequantizeLinear")) {
            FakeBert fake = new FakeBert();
            fake.queryOp = op;
            IllegalArgumentException e = refused(fake);
            assertTrue(e.getMessage().contains("quantized ONNX model (found op " + op + " in node "
                    + "'/encoder/layer.0/attention/self/query/MatMul'): expected an fp32 export"), e.getMessage());
        }
    }

    @Test
    void refusesInt8Weights() throws IOException {
        for (int type : new int[] {INT8, UINT8}) {
            FakeBert fake = new FakeBert();
            fake.keyWeightType = type;
            IllegalArgumentException e = refused(fake);
            String name = type == INT8 ? "INT8" : "UINT8";
            assertTrue(e.getMessage().contains("quantized ONNX model (found " + name + " weight tensor 'onnx::MatMul_"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("expected an fp32 export"), e.getMessage());
        }
    }

    @Test
    void refusesHalfPrecision() throws IOException {
        FakeBert fake = new FakeBert();
        fake.wordType = FLOAT16;
        IllegalArgumentException e = refused(fake);
        assertTrue(e.getMessage().contains("half-precision ONNX model (found FLOAT16 tensor "
                + "'embeddings.word_embeddings.weight' FLOAT16[10, 4]): expected an fp32 export"), e.getMessage());
    }

    @Test
    void refusesAGraphWithoutBertNames() throws IOException {
        Pb g = graph(List.of(node("/conv/Conv", "Conv", List.of("x", "conv1.weight"), List.of("y"))),
                List.of(floatTensor("conv1.weight", new long[] {2, 2}, values(0, 4)),
                        floatTensor("conv1.bias", new long[] {2}, values(1, 2))),
                List.of("x"), List.of("y"));
        Path f = write(model(g));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxBertWeights.open(f));
        assertTrue(e.getMessage().startsWith(f + ": not a BERT-family encoder: found initializers conv1.weight, "
                + "conv1.bias, expected embeddings.word_embeddings.weight"), e.getMessage());
    }

    @Test
    void refusesAnIncompleteEncoder() throws IOException {
        FakeBert fake = new FakeBert();
        fake.dropValueMatMul = true;
        IllegalArgumentException e = refused(fake);
        assertTrue(e.getMessage().contains("not a complete BERT-family encoder: missing "
                + "encoder.layer.0.attention.self.value.weight"), e.getMessage());
    }

    @Test
    void refusesWeightsOfTheWrongShape() throws IOException {
        Pb g = graph(List.of(), List.of(
                floatTensor("embeddings.word_embeddings.weight", new long[] {10, 4}, values(0, 40)),
                floatTensor("embeddings.position_embeddings.weight", new long[] {6, 5}, values(1, 30))),
                List.of(), List.of());
        Path f = write(model(g));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxBertWeights.open(f));
        assertTrue(e.getMessage().contains("embeddings.position_embeddings.weight has shape [6, 5]: expected [rows, 4]"),
                e.getMessage());
    }
}
