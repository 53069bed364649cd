package org.attention4j.io;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NpyFile} against files written here byte by byte, good and hostile. */
class NpyFileTest {
    @TempDir
    Path dir;

    /** A version 1.0 image with this header dict and data. */
    private static byte[] image(String dict, byte[] data) {
        byte[] header = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length);
        return b.put(header).put(data).array();
    }

    private static byte[] littleEndian(int bytes, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }

    @Test
    void writesAndReadsFloat32() throws IOException {
        float[] data = {1.5f, -2, 0, Float.NaN, 7, 8};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyFile.write(out, new long[] {2, 3}, data);
        Path p = Files.write(dir.resolve("a.npy"), out.toByteArray());
        NpyFile f = NpyFile.open(p);
        assertEquals("<f4", f.dtype());
        assertArrayEquals(new long[] {2, 3}, f.shape());
        assertArrayEquals(data, f.readFloats());
        assertEquals(0, (out.size() - data.length * 4) % 64, "numpy aligns the data to 64 bytes");
        assertArrayEquals(data, NpyFile.of(out.toByteArray(), "request body").readFloats());
        assertThrows(IllegalArgumentException.class, () -> NpyFile.write(new ByteArrayOutputStream(), new long[] {4}, data));
    }

    @Test
    void writesScalarsVectorsAndEmptyTensorsAsNumpyShapesThem() throws IOException {
        long[][] shapes = {{}, {3}, {0}, {2, 0, 5}, {1, 1, 1, 2}};
        float[][] values = {{42}, {1, 2, 3}, {}, {}, {-1, 1}};
        String[] tuples = {"()", "(3,)", "(0,)", "(2, 0, 5)", "(1, 1, 1, 2)"};
        for (int i = 0; i < shapes.length; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            NpyFile.write(out, shapes[i], values[i]);
            String header = new String(out.toByteArray(), 10, out.size() - 10 - 4 * values[i].length,
                    StandardCharsets.ISO_8859_1);
            assertTrue(header.contains("'shape': " + tuples[i] + ","), header);
            NpyFile back = NpyFile.of(out.toByteArray(), "shape " + tuples[i]);
            assertArrayEquals(shapes[i], back.shape());
            assertArrayEquals(values[i], back.readFloats());
        }
    }

    @Test
    void convertsEveryDtypeAndKeepsHalvesAsStored() throws IOException {
        byte[] f8 = littleEndian(16, b -> b.putDouble(0.1).putDouble(-3));
        assertArrayEquals(new float[] {0.1f, -3}, NpyFile.of(image("{'descr': '<f8', 'fortran_order': False, "
                + "'shape': (2,), }", f8), "f8").readFloats());
        short one = Float.floatToFloat16(1f), inf = Float.floatToFloat16(Float.NEGATIVE_INFINITY);
        NpyFile halves = NpyFile.of(image("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }",
                littleEndian(4, b -> b.putShort(one).putShort(inf))), "f2");
        assertArrayEquals(new float[] {1, Float.NEGATIVE_INFINITY}, halves.readFloats());
        assertArrayEquals(new short[] {one, inf}, halves.readHalves());
        assertArrayEquals(new float[] {-1, 127}, NpyFile.of(image("{'descr': '|i1', 'fortran_order': False, "
                + "'shape': (2,), }", new byte[] {-1, 127}), "i1").readFloats(), "int8 is signed");
        assertArrayEquals(new float[] {255}, NpyFile.of(image("{'descr': '|u1', 'fortran_order': False, "
                + "'shape': (1,), }", new byte[] {-1}), "u1").readFloats());
        assertArrayEquals(new float[] {1, 0}, NpyFile.of(image("{'descr': '|b1', 'fortran_order': False, "
                + "'shape': (2,), }", new byte[] {1, 0}), "b1").readFloats());
        assertArrayEquals(new float[] {7, -2}, NpyFile.of(image("{'descr': '<i8', 'fortran_order': False, "
                + "'shape': (2,), }", littleEndian(16, b -> b.putLong(7).putLong(-2))), "i8").readFloats());
        assertArrayEquals(new float[0], NpyFile.of(image("{'descr': '<f4', 'fortran_order': False, "
                + "'shape': (0, 3), }", new byte[0]), "empty").readFloats());
    }

    private static String error(byte[] bytes) {
        return assertThrows(IllegalArgumentException.class, () -> NpyFile.of(bytes, "x.npy")).getMessage();
    }

    @Test
    void hostileFilesGetOneLineErrorsBeforeAnyLargeAllocation() throws IOException {
        String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        byte[] eight = new byte[8];
        byte[] good = image(ok, eight);
        byte[] magic = good.clone();
        magic[1] = 'X';
        assertTrue(error(magic).startsWith("x.npy: not a .npy file"));
        byte[] version = good.clone();
        version[6] = 4;
        assertTrue(error(version).contains(".npy version 4.0 is not supported"));
        byte[] longHeader = good.clone();
        ByteBuffer.wrap(longHeader).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 0x7fff);
        assertTrue(error(longHeader).contains("runs past the end"));
        assertTrue(error(new byte[5]).contains("the file ends inside the magic"));
        assertTrue(error(image(ok.replace("False", "True"), eight)).contains("Fortran-order"));
        assertTrue(error(image(ok.replace("<f4", ">f4"), eight)).contains("dtype '>f4' is not supported"));
        assertTrue(error(image(ok.replace("(2,)", "(-2,)"), eight)).contains("negative dimension"));
        assertTrue(error(image(ok.replace("(2,)", "(100000, 100000, 100000)"), eight)).contains("declares more than"));
        assertTrue(error(image(ok.replace("(2,)", "(2, x)"), eight)).contains("is not a tuple of integers"));
        assertTrue(error(image(ok, new byte[4])).contains("needs 8 data bytes, the file has 4 (truncated?)"));
        assertTrue(error(image(ok, new byte[12])).contains("(trailing bytes)"));
        assertTrue(error(image("[1, 2]", eight)).contains("not a Python dict"));
        assertTrue(error(image("{'shape': (2,)}", eight)).contains("lacks 'descr', 'fortran_order' or 'shape'"));
        NpyFile f4 = NpyFile.of(good, "x.npy");
        assertTrue(assertThrows(IllegalArgumentException.class, f4::readHalves).getMessage().contains("expected float16"));
        Path shortened = Files.write(dir.resolve("t.npy"), good);
        NpyFile open = NpyFile.open(shortened);
        Files.write(shortened, image(ok, new byte[4])); // changed after the check: the read notices
        assertTrue(assertThrows(IllegalArgumentException.class, open::readFloats).getMessage()
                .contains("the file ends inside the data"));
    }
}
