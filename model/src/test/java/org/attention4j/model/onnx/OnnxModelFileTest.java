package org.attention4j.model.onnx;

import static org.attention4j.model.onnx.OnnxTestFiles.FLOAT;
import static org.attention4j.model.onnx.OnnxTestFiles.INT32;
import static org.attention4j.model.onnx.OnnxTestFiles.INT64;
import static org.attention4j.model.onnx.OnnxTestFiles.floatBytes;
import static org.attention4j.model.onnx.OnnxTestFiles.floatTensor;
import static org.attention4j.model.onnx.OnnxTestFiles.graph;
import static org.attention4j.model.onnx.OnnxTestFiles.model;
import static org.attention4j.model.onnx.OnnxTestFiles.node;
import static org.attention4j.model.onnx.OnnxTestFiles.tensor;
import static org.attention4j.model.onnx.OnnxTestFiles.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.attention4j.model.onnx.OnnxTestFiles.FakeBert;
import org.attention4j.model.onnx.OnnxTestFiles.Pb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OnnxModelFile on well-formed and hostile hand-written files: every refusal names the file and the problem. */
class OnnxModelFileTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        Path f = Files.createTempFile(dir, "model", ".onnx");
        Files.write(f, bytes);
        return f;
    }

    /** Asserts that opening {@code bytes} fails with an IllegalArgumentException naming the file; returns the message. */
    private String refused(byte[] bytes) throws IOException {
        Path f = write(bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModelFile.open(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        Files.delete(f);
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    /** A model with one initializer. */
    private static byte[] withInitializer(Pb tensor) {
        return model(graph(List.of(), List.of(tensor), List.of(), List.of()));
    }

    @Test
    void readsTheStructureOfAWellFormedModel() throws IOException {
        Path f = write(new FakeBert().build());
        OnnxModelFile m = OnnxModelFile.open(f);
        assertEquals(8, m.irVersion());
        assertEquals("pytorch", m.producerName());
        assertEquals(17L, m.opsets().get(""));
        assertEquals("torch_jit", m.graphName());
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), m.inputs());
        assertEquals(List.of("last_hidden_state"), m.outputs());
        OnnxModelFile.Tensor ids = m.initializers().get("embeddings.position_ids");
        assertEquals(INT64, ids.dataType());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, m.readLongs(ids));
        OnnxModelFile.Node c = m.nodes().stream().filter(n -> n.opType().equals("Constant")).findFirst().orElseThrow();
        assertEquals("/embeddings/LayerNorm/Constant_1", c.name());
        assertArrayEquals(new float[] {1e-6f}, m.readFloats(c.attribute("value").t()));
    }

    @Test
    void readsTypedDataFieldsPackedAndUnpacked() throws IOException {
        // float_data packed, int64_data packed, int32_data unpacked, float_data unpacked
        Pb packedFloats = new Pb().varint(1, 3).varint(2, FLOAT).string(8, "pf").bytes(4, floatBytes(1.5f, -2, 3));
        Pb packedLongs = new Pb().varint(1, 3).varint(2, INT64).string(8, "pl")
                .bytes(7, concat(Pb.varintBytes(7), Pb.varintBytes(-1), Pb.varintBytes(1L << 40)));
        Pb unpackedInts = new Pb().varint(1, 2).varint(2, INT32).string(8, "ui").varint(5, -5).varint(5, 9);
        Pb unpackedFloats = new Pb().varint(1, 2).varint(2, FLOAT).string(8, "uf")
                .fixed32(4, Float.floatToIntBits(0.5f)).fixed32(4, Float.floatToIntBits(4f));
        Path f = write(model(graph(List.of(), List.of(packedFloats, packedLongs, unpackedInts, unpackedFloats),
                List.of(), List.of())));
        OnnxModelFile m = OnnxModelFile.open(f);
        assertArrayEquals(new float[] {1.5f, -2, 3}, m.readFloats(m.initializers().get("pf")));
        assertArrayEquals(new long[] {7, -1, 1L << 40}, m.readLongs(m.initializers().get("pl")));
        assertArrayEquals(new long[] {-5, 9}, m.readLongs(m.initializers().get("ui")));
        assertArrayEquals(new float[] {0.5f, 4}, m.readFloats(m.initializers().get("uf")));
        // transposed from float_data: [3] is not 2-D
        assertThrows(IllegalArgumentException.class, () -> m.readFloatsTransposed(m.initializers().get("pf")));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void everyTruncationOfASmallModelIsRefused() throws IOException {
        byte[] whole = new FakeBert().build();
        assertTrue(whole.length > 2000, "the fake model has " + whole.length + " bytes");
        for (int n = 0; n < whole.length; n++) {
            String m = refused(Arrays.copyOf(whole, n));
            if (!(m.contains("truncated") || m.contains("empty file"))) {
                fail("truncated to " + n + " bytes: " + m);
            }
        }
    }

    @Test
    void emptyFile() throws IOException {
        assertContains(refused(new byte[0]), "empty file: expected an ONNX model");
    }

    @Test
    void lengthThatClaimsMoreThanTheFile() throws IOException {
        // graph (field 7) claiming 1,000,000 bytes, followed by 10
        byte[] lie = concat(new Pb().varint(1, 8).tag(7, 2).raw(Pb.varintBytes(1_000_000)).toBytes(), new byte[10]);
        assertContains(refused(lie), "ModelProto at byte 3: field 7 claims 1000000 bytes but only 10 are left in "
                + "ModelProto (the file is truncated");
        // a node name longer than its node
        Pb badNode = new Pb().tag(3, 2).raw(Pb.varintBytes(50)).raw("abc".getBytes());
        byte[] nested = model(new Pb().message(1, badNode));
        assertContains(refused(nested), "ModelProto > graph > node #0 at byte", "field 3 claims 50 bytes but only 3 "
                + "are left in ModelProto > graph > node #0");
        // a length of 2^63 and more (negative as a long)
        byte[] huge = new Pb().tag(7, 2).raw(Pb.varintBytes(-2)).toBytes();
        assertContains(refused(huge), "field 7 claims 18446744073709551614 bytes but only 0 are left");
    }

    @Test
    void varintOfElevenBytes() throws IOException {
        byte[] b = new Pb().tag(1, 0).raw(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1}).toBytes();
        assertContains(refused(b), "the varint of field 1 is longer than 10 bytes");
        byte[] overflow = new Pb().tag(1, 0).raw(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, 2}).toBytes();
        assertContains(refused(overflow), "the varint of field 1 overflows 64 bits");
        byte[] longTag = new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1};
        assertContains(refused(longTag), "the varint of a field tag is longer than 10 bytes");
    }

    @Test
    void groupWireTypes() throws IOException {
        assertContains(refused(new Pb().tag(7, 3).toBytes()), "field 7 has wire type 3 (a protobuf group): groups "
                + "are not used by ONNX");
        // inside a node
        byte[] inNode = model(new Pb().message(1, new Pb().string(4, "Add").tag(9, 4)));
        assertContains(refused(inNode), "ModelProto > graph > node #0", "field 9 has wire type 4 (a protobuf group)");
        assertContains(refused(new Pb().tag(2, 7).toBytes()), "field 2 has wire type 7: not a protobuf wire type");
        assertContains(refused(new byte[] {0x02, 0x00}), "field number 0: not protobuf");
    }

    @Test
    void dimsWhoseProductOverflows() throws IOException {
        Pb t = tensor("w", FLOAT, new long[] {1L << 32, 1L << 32}, floatBytes(1));
        assertContains(refused(withInitializer(t)), "initializer #0 'w': dims [4294967296, 4294967296]: the element "
                + "count overflows 64 bits");
        // no overflow in elements, but in bytes
        Pb bytes = tensor("w", 11, new long[] {1L << 31, 1L << 31}, floatBytes(1));
        assertContains(refused(withInitializer(bytes)), "'w': DOUBLE[2147483648, 2147483648]: the byte count "
                + "overflows 64 bits");
    }

    @Test
    void hugeDimsWithLittleDataAreRefusedWithoutAllocating() throws IOException {
        Pb t = tensor("w", FLOAT, new long[] {1 << 20, 1 << 20}, floatBytes(1, 2, 3, 4));
        assertContains(refused(withInitializer(t)), "'w': raw_data has 16 bytes: expected 4398046511104 (dims "
                + "[1048576, 1048576] × FLOAT)");
    }

    @Test
    void rawDataShorterThanTheDimsSay() throws IOException {
        Pb t = floatTensor("w", new long[] {2, 3}, values(0, 5));
        assertContains(refused(withInitializer(t)), "initializer #0 'w': raw_data has 20 bytes: expected 24 (dims "
                + "[2, 3] × FLOAT)");
        Pb typed = new Pb().varint(1, 2).varint(1, 3).varint(2, FLOAT).string(8, "t").bytes(4, floatBytes(1, 2, 3, 4, 5));
        assertContains(refused(withInitializer(typed)), "'t': float_data has 5 values: expected 6");
        Pb none = new Pb().varint(1, 2).varint(2, FLOAT).string(8, "n");
        assertContains(refused(withInitializer(none)), "'n': FLOAT[2] has no data");
        Pb ragged = new Pb().varint(1, 1).varint(2, FLOAT).string(8, "r").bytes(4, new byte[5]);
        assertContains(refused(withInitializer(ragged)), "packed float_data has 5 bytes: expected a multiple of 4");
    }

    @Test
    void badTensors() throws IOException {
        Pb negative = new Pb().varint(1, -1).varint(2, FLOAT).string(8, "neg").bytes(9, new byte[0]);
        assertContains(refused(withInitializer(negative)), "'neg': dims [-1]: expected dimensions >= 0");
        Pb unknownType = tensor("u", 99, new long[] {1}, new byte[4]);
        assertContains(refused(withInitializer(unknownType)), "'u': data_type 99: expected an ONNX data type");
        Pb both = floatTensor("b", new long[] {1}, values(0, 1)).bytes(4, floatBytes(1));
        assertContains(refused(withInitializer(both)), "values in both raw_data and float_data");
        Pb wrongField = new Pb().varint(1, 1).varint(2, FLOAT).string(8, "wf").bytes(7, Pb.varintBytes(1));
        assertContains(refused(withInitializer(wrongField)), "'wf': FLOAT values in int64_data: that field does not "
                + "hold FLOAT");
        Pb external = new Pb().varint(1, 4).varint(2, FLOAT).string(8, "ext")
                .message(13, new Pb().string(1, "location").string(2, "weights.bin")).varint(14, 1);
        assertContains(refused(withInitializer(external)), "'ext': the data is in an external file (data_location "
                + "EXTERNAL): not supported");
        Pb segmented = new Pb().varint(1, 1).varint(2, FLOAT).message(3, new Pb().varint(1, 0).varint(2, 1));
        assertContains(refused(withInitializer(segmented)), "a segmented tensor");
        Pb rank = new Pb();
        for (int i = 0; i < 65; i++) {
            rank.varint(1, 1);
        }
        assertContains(refused(withInitializer(rank.varint(2, FLOAT))), "more than 64 dims");
        Pb twice = floatTensor("d", new long[] {1}, values(0, 1)).string(8, "again");
        assertContains(refused(withInitializer(twice)), "name (field 8) appears twice: expected once");
        Pb wireType = new Pb().varint(8, 5);
        assertContains(refused(withInitializer(wireType)), "name (field 8) has wire type 0: expected 2 "
                + "(length-delimited)");
        Pb notUtf8 = new Pb().bytes(8, new byte[] {(byte) 0xc3, 0x28});
        assertContains(refused(withInitializer(notUtf8)), "name is not UTF-8");
        Pb longName = new Pb().string(8, "x".repeat(70_000));
        assertContains(refused(withInitializer(longName)), "name is 70000 bytes long: expected at most 65536");
        byte[] duplicate = model(graph(List.of(), List.of(floatTensor("w", new long[] {1}, values(0, 1)),
                floatTensor("w", new long[] {1}, values(1, 1))), List.of(), List.of()));
        assertContains(refused(duplicate), "two initializers are named 'w'");
    }

    @Test
    void modelWithoutGraphAndNodeWithoutOp() throws IOException {
        assertContains(refused(new Pb().varint(1, 8).string(2, "pytorch").message(8, new Pb().varint(2, 17)).toBytes()),
                "the ModelProto has no graph (field 7)");
        assertContains(refused(new Pb().message(7, new Pb()).message(8, new Pb().varint(2, 17)).toBytes()),
                "the ModelProto has no ir_version (field 1): not an ONNX model, or a truncated one");
        assertContains(refused(new Pb().varint(1, 8).message(7, new Pb()).toBytes()),
                "the ModelProto has no opset_import (field 8)");
        byte[] twoGraphs = new Pb().message(7, new Pb()).message(7, new Pb()).toBytes();
        assertContains(refused(twoGraphs), "graph (field 7) appears twice");
        byte[] noOp = model(graph(List.of(new Pb().string(3, "n")), List.of(), List.of(), List.of()));
        assertContains(refused(noOp), "node #0 ('n'): no op_type");
    }

    @Test
    void tooManyNodes() throws IOException {
        Pb g = new Pb();
        byte[] minimal = new Pb().string(4, "A").toBytes();
        for (int i = 0; i <= OnnxModelFile.MAX_NODES; i++) {
            g.bytes(1, minimal);
        }
        assertContains(refused(model(g)), "more than 262144 nodes: refusing a graph this large");
    }

    @Test
    void deeplyNestedSubgraphsAreSkippedNotDescended() throws IOException {
        // an attribute g holding 10,000 nested messages: skipped by length, no recursion
        byte[] inner = new byte[0];
        for (int i = 0; i < 10_000; i++) {
            inner = new Pb().bytes(1, inner).toBytes();
        }
        Pb attr = new Pb().string(1, "then_branch").varint(20, 5).bytes(6, inner);
        Pb ifNode = node("/If", "If", List.of("c"), List.of("y"), attr);
        OnnxModelFile m = OnnxModelFile.open(write(model(graph(List.of(ifNode), List.of(), List.of(), List.of()))));
        assertEquals("If", m.nodes().getFirst().opType());
        assertEquals("then_branch", m.nodes().getFirst().attributes().getFirst().name());
    }

    @Test
    void randomBytesAreRefused() throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[1 + random.nextInt(4096)];
            random.nextBytes(b);
            refused(b);
        }
    }

    @Test
    void randomCorruptionOfAValidModelNeverEscapesAsAnotherException() throws IOException {
        byte[] whole = new FakeBert().build();
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] b = whole.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            Path f = write(b);
            try {
                OnnxModelFile m = OnnxModelFile.open(f);
                for (OnnxModelFile.Tensor t : m.initializers().values()) {
                    if (t.dataType() == FLOAT) {
                        m.readFloats(t);
                    }
                }
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
            }
            Files.delete(f);
        }
    }

    @Test
    void readsTransposedFromRawData() throws IOException {
        // 37 × 5: more than one block of rows, a ragged last block
        Pb t = floatTensor("m", new long[] {37, 5}, values(3, 185));
        OnnxModelFile m = OnnxModelFile.open(write(withInitializer(t)));
        float[] out = m.readFloatsTransposed(m.initializers().get("m"));
        for (int i = 0; i < 37; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(values(3, 185)[i * 5 + j], out[j * 37 + i]);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.readLongs(m.initializers().get("m")));
        assertTrue(e.getMessage().contains("'m' FLOAT[37, 5] is FLOAT: expected INT64 or INT32"), e.getMessage());
    }

    @Test
    void aFileThatChangedAfterOpenIsAnIOException() throws IOException {
        Path f = write(withInitializer(floatTensor("w", new long[] {2}, values(0, 2))));
        OnnxModelFile m = OnnxModelFile.open(f);
        Files.write(f, new byte[3]);
        IOException e = assertThrows(IOException.class, () -> m.readFloats(m.initializers().get("w")));
        assertTrue(e.getMessage().contains("the file changed since it was opened"), e.getMessage());
    }
}
