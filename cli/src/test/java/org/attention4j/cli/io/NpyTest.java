package org.attention4j.cli.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.attention4j.ElementType;
import org.attention4j.cli.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy round trips, hand-written headers of every version, float16 widened or kept, and hostile files. */
class NpyTest {
    @TempDir
    Path dir;

    /** A .npy file written by hand: {@code version} 1, 2 or 3, the dict, then {@code data}. */
    static byte[] npy(int version, String dict, byte[] data) {
        String header = dict + " ".repeat(Math.max(0, 50 - dict.length())) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        ByteBuffer len = ByteBuffer.allocate(version == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (version == 1) {
            len.putShort((short) header.length());
        } else {
            len.putInt(header.length());
        }
        out.writeBytes(len.array());
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void roundTripsEveryRank() throws IOException {
        for (long[] shape : new long[][] {{5}, {2, 3}, {1, 2, 3}, {2, 3, 1, 4}, {0, 3}, {}}) {
            int n = (int) FloatArray.elements("t", shape);
            float[] data = new float[n];
            for (int i = 0; i < n; i++) {
                data[i] = i * 0.5f - 3;
            }
            Path p = dir.resolve("a.npy");
            Npy.write(p, shape, data);
            FloatArray back = Npy.read(p);
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(data, back.data());
            assertEquals(0, (Files.size(p) - 4L * n) % 64, "data aligned to 64 bytes as numpy does");
        }
    }

    @Test
    void readsVersionsOneTwoThreeAndFloat64() throws IOException {
        for (int version = 1; version <= 3; version++) {
            FloatArray a = Npy.read(file("v" + version + ".npy", npy(version,
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", floats(1, 2, 3, 4))));
            assertArrayEquals(new float[] {1, 2, 3, 4}, a.data());
        }
        FloatArray d = Npy.read(file("f8.npy", npy(1, "{'descr':'<f8','fortran_order':False,'shape':(3,)}",
                doubles(0.1, -2.5, 1e300))));
        assertArrayEquals(new float[] {0.1f, -2.5f, Float.POSITIVE_INFINITY}, d.data());
    }

    @Test
    void float16IsWidenedExactlyOrKeptAsStored() throws IOException {
        short[] bits = {0x3c00, (short) 0xc000, 0x7bff, 0x0001, (short) 0xfc00}; // 1, -2, 65504, 2^-24, -inf
        ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        for (short x : bits) {
            b.putShort(x);
        }
        Path p = file("h.npy", npy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }", b.array()));
        assertArrayEquals(new float[] {1, -2, 65504, 0x1p-24f, Float.NEGATIVE_INFINITY}, Npy.read(p).data());
        TypedArray kept = Npy.readTensor(p);
        assertEquals(ElementType.FLOAT16, kept.type());
        assertArrayEquals(bits, kept.data().toArray(ValueLayout.JAVA_SHORT));
        assertArrayEquals(new long[] {5}, kept.shape());
        Path f8 = file("d.npy", npy(1, "{'descr':'<f8','fortran_order':False,'shape':(2,)}", doubles(0.1, -3)));
        assertEquals(ElementType.FLOAT32, Npy.readTensor(f8).type());
        assertArrayEquals(new float[] {0.1f, -3}, Npy.readTensor(f8).widened().data());
    }

    private String error(String name, byte[] bytes) throws IOException {
        Path p = file(name, bytes);
        BadInputException e = assertThrows(BadInputException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void hostileFilesGetOneLineErrorsNamingTheFile() throws IOException {
        String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
        assertTrue(error("magic.npy", "PK\3\4 not numpy at all".getBytes()).contains("wrong magic"));
        byte[] truncated = npy(1, ok, floats(1, 2, 3));
        assertTrue(error("short.npy", truncated).contains("truncated"));
        assertTrue(error("long.npy", npy(1, ok, floats(1, 2, 3, 4, 5))).contains("trailing"));
        assertTrue(error("liar.npy", npy(1, ok.replace("(2, 2)", "(200, 200)"), floats(1, 2, 3, 4)))
                .contains("needs 160000 data bytes"));
        assertTrue(error("huge.npy", npy(1, ok.replace("(2, 2)", "(1000000, 1000000)"), floats(1)))
                .contains("declares more than"));
        assertTrue(error("neg.npy", npy(1, ok.replace("(2, 2)", "(-1, 4)"), floats(1))).contains("negative"));
        assertTrue(error("fortran.npy", npy(1, ok.replace("False", "True"), floats(1, 2, 3, 4))).contains("Fortran"));
        assertTrue(error("complex.npy", npy(1, ok.replace("<f4", "<c8"), floats(1, 2, 3, 4))).contains("'<c8'"));
        assertTrue(error("big.npy", npy(1, ok.replace("<f4", ">f4"), floats(1, 2, 3, 4))).contains("'>f4'"));
        assertTrue(error("half.npy", npy(1, ok.replace("<f4", "<f2"), floats(1, 2, 3))).contains("trailing"));
        assertTrue(error("bighalf.npy", npy(1, ok.replace("<f4", ">f2"), floats(1, 2))).contains("'>f2'"));
        assertTrue(error("dict.npy", npy(1, "not a dict", floats(1))).contains("not a Python dict"));
        assertTrue(error("keys.npy", npy(1, "{'descr': '<f4'}", floats(1))).contains("lacks"));
        assertTrue(error("shape.npy", npy(1, ok.replace("(2, 2)", "(two, 2)"), floats(1))).contains("tuple"));
        assertTrue(error("v9.npy", npy(9, ok, floats(1, 2, 3, 4))).contains("version 9"));
        byte[] lying = npy(2, ok, floats(1, 2, 3, 4));
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(8, Integer.MAX_VALUE);
        assertTrue(error("header.npy", lying).contains("runs past the end"));
        assertTrue(error("empty.npy", new byte[3]).contains("ends inside"));
        BadInputException missing = assertThrows(BadInputException.class, () -> Npy.read(dir.resolve("nope.npy")));
        assertTrue(missing.getMessage().endsWith("no such file"));
    }

    @Test
    void aFailedWriteLeavesNoFile() {
        Path p = dir.resolve("x.npy");
        assertThrows(BadInputException.class, () -> Npy.write(p, new long[] {-1}, new float[0]));
        assertTrue(Files.notExists(p));
    }
}
