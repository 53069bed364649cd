package org.attention4j.cli.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * .npy and safetensors files of any dtype written byte by byte, as NumPy and PyTorch write them, for
 * tests of what the readers keep; and seeded data in those dtypes.
 */
public final class TestFiles {
    private TestFiles() {}

    /** One tensor of a safetensors file: its name, dtype, shape and little-endian bytes. */
    public record Stored(String name, String dtype, long[] shape, byte[] bytes) {}

    /** Writes a version 1.0 C-order .npy file of dtype {@code descr}. */
    public static Path npy(Path file, String descr, long[] shape, byte[] data) throws IOException {
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
                : Arrays.toString(shape).replace('[', '(').replace(']', ')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((unpadded + 63) / 64 * 64 - unpadded) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return Files.write(file, out.toByteArray());
    }

    /** Writes a safetensors file holding {@code tensors} one after the other, in that order. */
    public static Path safetensors(Path file, Stored... tensors) throws IOException {
        StringBuilder json = new StringBuilder("{");
        long offset = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Stored t : tensors) {
            json.append(json.length() > 1 ? "," : "").append('"').append(t.name()).append("\":{\"dtype\":\"")
                    .append(t.dtype()).append("\",\"shape\":").append(Arrays.toString(t.shape()))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + t.bytes().length)
                    .append("]}");
            offset += t.bytes().length;
            data.writeBytes(t.bytes());
        }
        byte[] header = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.writeBytes(header);
        out.writeBytes(" ".repeat(padded - header.length).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data.toByteArray());
        return Files.write(file, out.toByteArray());
    }

    /** {@code n} seeded values uniform in [-range, range). */
    public static float[] random(int n, long seed, float range) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((r.nextDouble() * 2 - 1) * range);
        }
        return x;
    }

    /** {@code n} seeded int8 values in [-127, 127]. */
    public static byte[] randomBytes(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] x = new byte[n];
        for (int i = 0; i < n; i++) {
            x[i] = (byte) r.nextInt(-127, 128);
        }
        return x;
    }

    /** float16 bit patterns of {@code x} (rounded to nearest). */
    public static short[] float16(float[] x) {
        short[] bits = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            bits[i] = Float.floatToFloat16(x[i]);
        }
        return bits;
    }

    /** bfloat16 bit patterns of {@code x}: the upper halves (truncated; any pattern will do as data). */
    public static short[] bfloat16(float[] x) {
        short[] bits = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            bits[i] = (short) (Float.floatToRawIntBits(x[i]) >>> 16);
        }
        return bits;
    }

    public static byte[] bytes(short[] x) {
        ByteBuffer b = ByteBuffer.allocate(2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(x);
        return b.array();
    }

    public static byte[] bytes(float[] x) {
        ByteBuffer b = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(x);
        return b.array();
    }
}
