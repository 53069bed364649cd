package org.attention4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.attention4j.ElementType;
import org.attention4j.io.json.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader's conversions, the typed reads, and every hostile-file rule with its message. */
class SafeTensorsFileTest {
    @TempDir
    Path dir;

    /** A file with this header (padded to 8 bytes) and these data bytes. */
    private Path file(String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        b.put(data);
        Path p = dir.resolve("t" + System.nanoTime() + ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static byte[] littleEndian(int bytes, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }

    private void rejects(String fragment, String header, byte[] data) throws IOException {
        Path p = file(header, data);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensorsFile.open(p));
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void readsTheFourFloatDtypes() throws IOException {
        byte[] data = littleEndian(8 + 16 + 4 + 4, b -> b.putFloat(1.5f).putFloat(-2f).putDouble(0.1).putDouble(3)
                .putShort(Float.floatToFloat16(0.333f)).putShort((short) 0x3c00)            // F16: 0.333, 1.0
                .putShort((short) (Float.floatToIntBits(-7.25f) >>> 16)).putShort((short) 0x3f80)); // BF16: -7.25, 1
        SafeTensorsFile f = SafeTensorsFile.open(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[8,24]},"
                + "\"c\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[24,28]},"
                + "\"d\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[28,32]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}", data));
        assertArrayEquals(new float[] {1.5f, -2f}, f.read("a"));
        assertArrayEquals(new float[] {0.1f, 3f}, f.read("b"));
        assertArrayEquals(new float[] {Float.float16ToFloat(Float.floatToFloat16(0.333f)), 1f}, f.read("c"));
        assertArrayEquals(new float[] {-7.25f, 1f}, f.read("d"));
        assertEquals("pt", f.metadata().get("format"));
        assertArrayEquals(new long[] {1, 2}, f.entry("b").shape());
    }

    @Test
    void writesWhatItReadsBackWithNamesEscaped() throws IOException {
        String odd = "layer.0/\"q\"\\\u00e9\n"; // a quote, a backslash, a non-ASCII letter, a control character
        Map<String, long[]> shapes = Map.of("b", new long[] {2, 3}, odd, new long[] {1}, "empty", new long[] {0, 4});
        Map<String, float[]> values = Map.of("b", new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 7e30f},
                odd, new float[] {42}, "empty", new float[0]);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        SafeTensorsFile.write(out, shapes, values);
        byte[] image = out.toByteArray();
        long headerLength = ByteBuffer.wrap(image, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "the header is padded to 8 bytes");
        assertEquals(8 + headerLength + 4 * 7, image.length, "no gap, nothing after the data");
        SafeTensorsFile back = SafeTensorsFile.of(image, "request");
        assertEquals(java.util.Set.of("b", odd, "empty"), back.names());
        for (String name : shapes.keySet()) {
            assertArrayEquals(shapes.get(name), back.entry(name).shape(), name);
            assertArrayEquals(values.get(name), back.read(name), name);
            assertEquals("F32", back.entry(name).dtype());
        }
    }

    @Test
    void refusesToWriteWhatItCouldNotReadBack() {
        java.io.OutputStream sink = java.io.OutputStream.nullOutputStream();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensorsFile.write(sink,
                Map.of("q", new long[] {2, 2}), Map.of("q", new float[3])));
        assertEquals("tensor 'q': shape [2, 2] holds 4 values, it has 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SafeTensorsFile.write(sink,
                Map.of("q", new long[] {1}), Map.of("k", new float[1])));
        assertTrue(e.getMessage().contains("must name the same tensors"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SafeTensorsFile.write(sink,
                Map.of("__metadata__", new long[] {1}), Map.of("__metadata__", new float[1])));
        assertTrue(e.getMessage().contains("cannot be named '__metadata__'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SafeTensorsFile.write(sink,
                Map.of("q", new long[] {-1}), Map.of("q", new float[1])));
        assertTrue(e.getMessage().contains("negative dimension"), e.getMessage());
    }

    @Test
    void rejectsHostileHeaders() throws IOException {
        byte[] four = new byte[4];
        Path longHeader = dir.resolve("long-header");
        Files.write(longHeader, littleEndian(12, b -> b.putLong(1000).putInt(0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensorsFile.open(longHeader));
        assertTrue(e.getMessage().contains("header length 1000: expected 2 .. 4 (it has 12 bytes"), e.getMessage());
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[3]);
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsFile.open(tiny));
        rejects("header: invalid JSON at character 1", "{x}", four);
        rejects("header: invalid JSON at character 3: unexpected text after the JSON value", "{} {}", four);
        rejects("repeated key \"a\"", "{\"a\":1,\"a\":2}", four);
        rejects("nested deeper than 64", "[".repeat(100) + "]".repeat(100), four);
        rejects("header: expected a JSON object", "[1]", four);
        rejects("tensor 'a': dtype \"F33\" is not a safetensors dtype",
                "{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", four);
        rejects("tensor 'a': shape [1.5]: expected integers",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", four);
        rejects("tensor 'a': shape [-1]: expected dimensions >= 0",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", four);
        rejects("tensor 'a': data_offsets [0, 8]: expected 0 <= begin <= end <= 4",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", four);
        rejects("tensor 'a': data_offsets [0, 4] span 4 bytes: expected shape [2] × 4 bytes of F32 = 8",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", four);
        rejects("= more than 2^63", "{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,4]}}", four);
        rejects("tensors 'a' [0, 4) and 'b' [2, 4) overlap",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[2,4]}}", four);
    }

    @Test
    void listsButDoesNotReadOtherDtypes() throws IOException {
        SafeTensorsFile f = SafeTensorsFile.open(file(
                "{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]));
        assertEquals("I64", f.entry("ids").dtype());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.read("ids"));
        assertTrue(e.getMessage().contains("tensor 'ids': dtype I64: expected F32, F64, F16 or BF16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.read("nope"));
        assertTrue(e.getMessage().contains("no tensor named 'nope': expected one of ids"), e.getMessage());
    }

    @Test
    void readsF16Bf16AndI8AsStored() throws IOException {
        short[] half = {Float.floatToFloat16(0.333f), (short) 0xfbff, (short) 0x7c00}; // 0.333, -65504, +inf
        short[] brain = {(short) 0x3f80, (short) 0xc0e8, (short) 0x7fc0};            // 1, -7.25, NaN
        byte[] int8 = {-128, -1, 0, 127};
        byte[] data = littleEndian(6 + 6 + 4 + 4, b -> {
            for (short x : half) b.putShort(x);
            for (short x : brain) b.putShort(x);
            b.put(int8).putFloat(1.5f);
        });
        SafeTensorsFile f = SafeTensorsFile.open(file("{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,3],\"data_offsets\":[6,12]},"
                + "\"i\":{\"dtype\":\"I8\",\"shape\":[2,2],\"data_offsets\":[12,16]},"
                + "\"s\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[20,20]}}", data));
        assertArrayEquals(half, f.readShorts("h"), "the bits as stored, not widened and narrowed again");
        assertArrayEquals(brain, f.readShorts("b"));
        assertArrayEquals(int8, f.readBytes("i"));
        assertEquals(ElementType.FLOAT16, f.entry("h").elementType());
        assertEquals(ElementType.BFLOAT16, f.entry("b").elementType());
        assertEquals(ElementType.INT8, f.entry("i").elementType());
        assertEquals(ElementType.FLOAT32, f.entry("s").elementType());
        assertNull(f.entry("u").elementType());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.readShorts("s"));
        assertTrue(e.getMessage().endsWith("tensor 's': dtype F32: expected F16 or BF16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.readBytes("u"));
        assertTrue(e.getMessage().endsWith("tensor 'u': dtype U8: expected I8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.readBytes("h"));
        assertTrue(e.getMessage().endsWith("tensor 'h': dtype F16: expected I8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.readShorts("nope"));
        assertTrue(e.getMessage().contains("no tensor named 'nope': expected one of h, b, i, s, u"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.read("i"));
        assertTrue(e.getMessage().endsWith("tensor 'i': dtype I8: expected F32, F64, F16 or BF16"), e.getMessage());
    }

    @Test
    void aFileCutShortAfterOpeningIsAnIoErrorNamingTheTensor() throws IOException {
        Path p = file("{\"k\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"c\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[8,12]}}", new byte[12]);
        SafeTensorsFile f = SafeTensorsFile.open(p);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 6);
        }
        IOException e = assertThrows(IOException.class, () -> f.readBytes("c"));
        assertTrue(e.getMessage().contains("tensor 'c': the file ends at byte"), e.getMessage());
        e = assertThrows(IOException.class, () -> f.readShorts("k"));
        assertTrue(e.getMessage().contains("tensor 'k'") && e.getMessage().contains("truncated file?"), e.getMessage());
    }

    @Test
    void strictJsonValues() {
        assertEquals(java.util.List.of(1L, -2.5e3, "a\"\u00e9\n", true, false), StrictJson.parse(
                "[1, -2.5e3, \"a\\\"\\u00e9\\n\", true, false]"));
        assertThrows(IllegalArgumentException.class, () -> StrictJson.parse("[01]"));
        assertThrows(IllegalArgumentException.class, () -> StrictJson.parse("[1,]"));
        assertThrows(IllegalArgumentException.class, () -> StrictJson.parse("\"tab\there\""));
        assertThrows(IllegalArgumentException.class, () -> StrictJson.parse("99999999999999999999"));
    }
}
