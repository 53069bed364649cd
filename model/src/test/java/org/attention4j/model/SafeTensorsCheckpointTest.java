package org.attention4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attention4j.model.onnx.OnnxBertWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hugging Face layout: all-MiniLM-L6-v2's weights written as {@code model.safetensors} with a
 * {@code config.json} and {@code tokenizer.json} in a folder (as a Hugging Face repository holds them)
 * must give the vectors of the ONNX export they came from (within 1e-6: the first calls of a JVM run the
 * Vector API's interpreted fallback, which sums lanes in another order; compiled, they are bitwise
 * equal); and a folder that lacks a part says which.
 */
class SafeTensorsCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void aHuggingFaceFolderGivesTheVectorsOfTheOnnxExport() throws IOException {
        OnnxBertWeights onnx = OnnxBertWeights.open(MiniLmFiles.model());
        List<String> names = new ArrayList<>();
        for (String name : onnx.names()) {
            if (!name.equals("embeddings.position_ids")) { // int64, not a weight
                names.add(name);
            }
        }
        writeSafeTensors(dir.resolve("model.safetensors"), onnx, names);
        BertConfig c = onnx.config();
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "bert", "hidden_act": "gelu", "vocab_size": %d, "hidden_size": %d,
                 "num_hidden_layers": %d, "num_attention_heads": %d, "intermediate_size": %d,
                 "max_position_embeddings": %d, "type_vocab_size": %d, "layer_norm_eps": 1e-12}
                """.formatted(c.vocabSize(), c.hiddenSize(), c.layers(), c.heads(), c.intermediateSize(),
                c.maxPositions(), c.typeVocabSize()));
        Files.copy(MiniLmFiles.folder().resolve(MiniLmFiles.TOKENIZER), dir.resolve("tokenizer.json"));
        List<String> texts = GoldenTexts.texts(40, 5);
        try (SentenceEmbedder fromFolder = SentenceEmbedder.builder(dir).threads(1).build();
             SentenceEmbedder fromOnnx = SentenceEmbedder.builder(MiniLmFiles.model()).threads(1).build()) {
            float[][] a = fromFolder.embed(texts), b = fromOnnx.embed(texts);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(b[i], a[i], 1e-6f, "text " + i);
            }
        }
    }

    @Test
    void aFolderWithoutConfigOrTokenizerSaysWhatIsMissing() throws IOException {
        Files.write(dir.resolve("model.safetensors"), new byte[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SentenceEmbedder.builder(dir).build());
        assertTrue(e.getMessage().contains("no config.json beside it"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), "{}");
        e = assertThrows(IllegalArgumentException.class, () -> SentenceEmbedder.builder(dir).build());
        assertTrue(e.getMessage().contains("no tokenizer.json beside it"), e.getMessage());
        Files.copy(MiniLmFiles.folder().resolve(MiniLmFiles.TOKENIZER), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"roberta\"}");
        e = assertThrows(IllegalArgumentException.class, () -> SentenceEmbedder.builder(dir).build());
        assertTrue(e.getMessage().contains("model_type = roberta: only model_type = bert is supported"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SentenceEmbedder.builder(dir.resolve("nothing.onnx")).build());
        assertTrue(e.getMessage().contains("no such file or folder"), e.getMessage());
    }

    /** A minimal safetensors writer: F32 tensors in the order given, header padded to 8 bytes. */
    private static void writeSafeTensors(Path file, WeightSource source, List<String> names) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        List<float[]> data = new ArrayList<>();
        for (String name : names) {
            float[] v = source.read(name);
            long[] shape = source.shape(name);
            header.append(header.length() > 1 ? "," : "").append('"').append(name).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(java.util.Arrays.toString(shape).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + 4L * v.length).append("]}");
            offset += 4L * v.length;
            data.add(v);
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) {
            header.append(' ');
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (float[] v : data) {
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                out.write(b.array());
            }
        }
    }
}
