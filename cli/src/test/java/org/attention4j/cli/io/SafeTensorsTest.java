package org.attention4j.cli.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.attention4j.cli.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void roundTripsF32() throws IOException {
        Path p = dir.resolve("t.safetensors");
        FloatArray a = new FloatArray("q", new long[] {1, 2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        FloatArray b = new FloatArray("k", new long[] {2}, new float[] {-1, 7});
        SafeTensors.write(p, Map.of("q", a, "k", b));
        Map<String, FloatArray> back = SafeTensors.read(p, List.of("q", "k"));
        assertArrayEquals(a.data(), back.get("q").data());
        assertArrayEquals(new long[] {1, 2, 3}, back.get("q").shape());
        assertArrayEquals(b.data(), back.get("k").data());
        assertEquals(0, ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN).getLong(0) % 8);
    }

    @Test
    void convertsF64F16AndBf16() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 * 2 + 2 * 3 + 2 * 3).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(0.25).putDouble(-3);
        data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x7C00); // F16: 1, -2, +inf
        data.putShort((short) 0x3F80).putShort((short) 0x4049).putShort((short) 0xFF80); // BF16: 1, 3.140625, -inf
        String header = "{\"__metadata__\": {\"format\": \"pt\"},"
                + "\"d\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [0, 16]},"
                + "\"h\": {\"dtype\": \"F16\", \"shape\": [3], \"data_offsets\": [16, 22]},"
                + "\"b\": {\"dtype\": \"BF16\", \"shape\": [3], \"data_offsets\": [22, 28]}}";
        Map<String, FloatArray> t = SafeTensors.read(write("m.safetensors", file(header, data.array())),
                List.of("d", "h", "b"));
        assertArrayEquals(new float[] {0.25f, -3}, t.get("d").data());
        assertArrayEquals(new float[] {1, -2, Float.POSITIVE_INFINITY}, t.get("h").data());
        assertArrayEquals(new float[] {1, 3.140625f, Float.NEGATIVE_INFINITY}, t.get("b").data());
    }

    private String error(String header, byte[] data, List<String> names) throws IOException {
        Path p = write("bad.safetensors", file(header, data));
        BadInputException e = assertThrows(BadInputException.class, () -> SafeTensors.read(p, names));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        return e.getMessage();
    }

    /** The engine's strict reader decides (its own test covers every rule); here: one line, naming the file. */
    @Test
    void hostileFilesGetOneLineErrors() throws IOException {
        byte[] eight = new byte[8];
        String t = "{\"q\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}";
        assertTrue(error("{not json", eight, List.of("q")).contains("header: "));
        assertTrue(error("[1, 2]", eight, List.of("q")).contains("expected a JSON object"));
        assertTrue(error(t, eight, List.of("k")).contains("no tensor named 'k': expected one of q"));
        assertTrue(error(t.replace("F32", "I64").replace("[2]", "[1]"), eight, List.of("q")).contains("dtype I64: expected F32, F64"));
        assertTrue(error(t.replace("[2]", "[3]"), eight, List.of("q")).contains("= 12"));
        assertTrue(error(t.replace("[0, 8]", "[0, 80]"), eight, List.of("q")).contains("<= 8 (the data bytes"));
        assertTrue(error(t.replace("[2]", "[1000000, 1000000, 1000000, 1000000]"), eight, List.of("q"))
                .contains("more than 2^63"));
        assertTrue(error("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + "\"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", eight, List.of("a"))
                .contains("overlap"));
        // Two entries of one name: rejected, not the second taken silently (the CLI's own reader did).
        assertTrue(error("{\"q\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                + "\"q\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", eight, List.of("q"))
                .contains("repeated key \"q\""));
        byte[] lying = file(t, eight);
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        Path p = write("len.safetensors", lying);
        assertTrue(assertThrows(BadInputException.class, () -> SafeTensors.read(p, List.of("q"))).getMessage()
                .contains("header length 1099511627776: expected 2 .."));
    }

    @Test
    void requestBodiesAreReadWithTheSameRules() throws IOException {
        String t = "{\"q\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}";
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2);
        assertArrayEquals(new float[] {1.5f, -2}, SafeTensors.read(file(t, data.array()), "request body", List.of("q"))
                .get("q").data());
        BadInputException e = assertThrows(BadInputException.class,
                () -> SafeTensors.read(file(t.replace("[0, 8]", "[0, 80]"), new byte[8]), "request body", List.of("q")));
        assertTrue(e.getMessage().startsWith("request body: tensor 'q': data_offsets [0, 80]"), e.getMessage());
    }
}
