package org.attention4j.cli.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.attention4j.ElementType;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.OutputFiles;

/**
 * NumPy {@code .npy} files: reads versions 1.0, 2.0 and 3.0 with dtype {@code <f4}, {@code <f8} or
 * {@code <f2} in C order (f8 is rounded to float, f2 widened exactly, or kept as float16 by
 * {@link #readTensor}); writes {@code <f4}, version 1.0. Everything else — Fortran order,
 * other dtypes, big-endian, a header that does not parse, a data size that does not match the shape —
 * is a one-line {@link BadInputException} naming the file, raised before any allocation the header
 * asks for (the declared size is checked against the file's real size first).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Reads a file as float32 (see the class comment for the dtypes). */
    public static FloatArray read(Path file) {
        return read(file, Npy::floats);
    }

    /**
     * Reads a float tensor keeping float16 as it is: {@code <f2} gives FLOAT16 bit patterns, {@code <f4}
     * and {@code <f8} float32 (f8 rounded); other dtypes (integers, bool: a mask or offsets) are refused.
     * For the keys and values of {@code run}, which the engine takes in their type.
     */
    public static TypedArray readTensor(Path file) {
        return read(file, Npy::tensor);
    }

    /** Reads an .npy image held in memory (e.g. an HTTP body); {@code where} names it in errors. */
    public static FloatArray read(byte[] bytes, String where) {
        try {
            ByteArrayChannel ch = new ByteArrayChannel(bytes);
            return floats(ch, header(ch, where), where, where);
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read: " + e.getMessage());
        }
    }

    /** What to make of the data once the header is checked. */
    private interface Body<T> {
        T read(SeekableByteChannel ch, Header h, String where, String name) throws IOException;
    }

    private static <T> T read(Path file, Body<T> body) {
        String where = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return body.read(ch, header(ch, where), where, file.getFileName().toString());
        } catch (NoSuchFileException e) {
            throw new BadInputException(where + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read: " + e.getMessage());
        }
    }

    private static FloatArray floats(SeekableByteChannel ch, Header h, String where, String name) throws IOException {
        float[] data = new float[(int) h.elements];
        readValues(ch, h.dataStart, data, h.descr, where);
        return new FloatArray(name, h.shape, data);
    }

    private static TypedArray tensor(SeekableByteChannel ch, Header h, String where, String name) throws IOException {
        switch (h.descr) {
            case "<f2" -> {
                short[] bits = new short[(int) h.elements];
                readChunks(ch, h.dataStart, bits.length, 2, where, (chunk, i, n) -> chunk.asShortBuffer().get(bits, i, n));
                return TypedArray.halves(name, h.shape, ElementType.FLOAT16, bits);
            }
            case "<f4", "<f8" -> {
                return TypedArray.of(floats(ch, h, where, name));
            }
            default -> throw new BadInputException(where + ": dtype '" + h.descr + "': expected a float tensor, "
                    + "'<f4', '<f8' or '<f2' (numpy: a.astype('<f4')); int8 keys and values need a scale per row: "
                    + "give them as I8 with k_scale/v_scale in a safetensors file (--input)");
        }
    }

    /** Reads and checks the magic, the header and the data's size against the file's. */
    private static Header header(SeekableByteChannel ch, String where) throws IOException {
        long size = ch.size();
        ByteBuffer start = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, start, 0, where, "the magic and header length");
        for (int i = 0; i < MAGIC.length; i++) {
            if (start.get(i) != MAGIC[i]) {
                throw new BadInputException(where + ": not a .npy file (wrong magic bytes)");
            }
        }
        int major = start.get(6) & 0xff;
        long headerLength;
        int prefix;
        if (major == 1) {
            headerLength = start.getShort(8) & 0xffff;
            prefix = 10;
        } else if (major == 2 || major == 3) {
            headerLength = start.getInt(8) & 0xffffffffL;
            prefix = 12;
        } else {
            throw new BadInputException(where + ": .npy version " + major + "." + (start.get(7) & 0xff)
                    + " is not supported (expected 1.0, 2.0 or 3.0)");
        }
        if (headerLength > MAX_HEADER || prefix + headerLength > size) {
            throw new BadInputException(where + ": header length " + headerLength + " runs past the end of the "
                    + size + "-byte file");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(ch, headerBytes, prefix, where, "the header");
        String text = new String(headerBytes.array(), major == 3 ? StandardCharsets.UTF_8
                : StandardCharsets.ISO_8859_1);
        Header h = parse(text, where, prefix + headerLength);
        long expected = h.elements * h.bytesPerValue;
        if (size - h.dataStart != expected) {
            throw new BadInputException(where + ": shape " + java.util.Arrays.toString(h.shape) + " of " + h.descr
                    + " needs " + expected + " data bytes, the file has " + (size - h.dataStart)
                    + (size - h.dataStart < expected ? " (truncated?)" : " (trailing bytes)"));
        }
        return h;
    }

    private record Header(String descr, int bytesPerValue, long[] shape, long elements, long dataStart) {}

    private static Header parse(String header, String where, long dataStart) {
        String h = header.strip();
        if (!h.startsWith("{") || !h.endsWith("}")) {
            throw new BadInputException(where + ": the header is not a Python dict: " + abbreviate(h));
        }
        Matcher descr = DESCR.matcher(h), fortran = FORTRAN.matcher(h), shape = SHAPE.matcher(h);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new BadInputException(where + ": the header lacks 'descr', 'fortran_order' or 'shape': "
                    + abbreviate(h));
        }
        String d = descr.group(1);
        int bytes = switch (d) {
            case "<f4", "<i4" -> 4;
            case "<f8", "<i8" -> 8;
            case "<f2" -> 2;
            case "|b1", "|u1", "|i1" -> 1;
            default -> throw new BadInputException(where + ": dtype '" + d + "' is not supported: expected "
                    + "little-endian float32 '<f4', float64 '<f8' or float16 '<f2' (numpy: a.astype('<f4')); masks "
                    + "and offsets may also be bool '|b1', int8/uint8, '<i4' or '<i8'");
        };
        if (fortran.group(1).equals("True")) {
            throw new BadInputException(where + ": Fortran-order arrays are not supported: save a C-order "
                    + "array (numpy: np.ascontiguousarray(a))");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : shape.group(1).split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
            } catch (NumberFormatException e) {
                throw new BadInputException(where + ": shape (" + shape.group(1) + ") is not a tuple of integers");
            }
        }
        long[] dimensions = dims.stream().mapToLong(Long::longValue).toArray();
        return new Header(d, bytes, dimensions, FloatArray.elements(where, dimensions), dataStart);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** Writes {@code data} with {@code shape} as a version 1.0 {@code <f4} C-order .npy file, atomically. */
    public static void write(Path file, long[] shape, float[] data) throws IOException {
        FloatArray.elements(file.toString(), shape);
        OutputFiles.write(file, out -> writeTo(out, shape, data));
    }

    /** The same .npy image, to a stream (e.g. an HTTP response). */
    public static void writeTo(java.io.OutputStream out, long[] shape, float[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + (dims.length() > 0 ? dims.substring(0, dims.length() - 2) : "") + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = 10 + dict.length() + 1; // magic, version, length, dict, newline
        int padded = (unpadded + 63) / 64 * 64; // numpy aligns the data to 64 bytes
        String header = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.write(head.array());
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(1 << 16, Math.max(4, 4L * data.length)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.length; ) {
            chunk.clear();
            int n = Math.min(data.length - i, chunk.capacity() / 4);
            chunk.asFloatBuffer().put(data, i, n);
            out.write(chunk.array(), 0, n * 4);
            i += n;
        }
    }

    static void readFully(SeekableByteChannel ch, ByteBuffer buffer, long position, String where, String what)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            ch.position(at);
            int n = ch.read(buffer);
            if (n < 0) {
                throw new BadInputException(where + ": the file ends inside " + what);
            }
            at += n;
        }
        buffer.flip();
    }

    /** Reads little-endian values of dtype {@code descr} from {@code position} into {@code data}, in bulk chunks. */
    static void readValues(SeekableByteChannel ch, long position, float[] data, String descr, String where)
            throws IOException {
        int width = descr.endsWith("8") ? 8 : descr.endsWith("4") ? 4 : descr.endsWith("2") ? 2 : 1;
        readChunks(ch, position, data.length, width, where, (chunk, i, n) -> {
            switch (descr) {
                case "<f4" -> chunk.asFloatBuffer().get(data, i, n);
                case "<f8" -> { for (int j = 0; j < n; j++) data[i + j] = (float) chunk.getDouble(j * 8); }
                case "<f2" -> { for (int j = 0; j < n; j++) data[i + j] = Float.float16ToFloat(chunk.getShort(j * 2)); }
                case "<i4" -> { for (int j = 0; j < n; j++) data[i + j] = chunk.getInt(j * 4); }
                case "<i8" -> { for (int j = 0; j < n; j++) data[i + j] = chunk.getLong(j * 8); }
                case "|u1", "|b1" -> { for (int j = 0; j < n; j++) data[i + j] = chunk.get(j) & 0xff; }
                default -> { for (int j = 0; j < n; j++) data[i + j] = chunk.get(j); } // |i1
            }
        });
    }

    /** Receives {@code n} little-endian values in {@code chunk}, to store from element {@code at}. */
    interface ChunkReader {
        void accept(ByteBuffer chunk, int at, int n);
    }

    /** Hands {@code count} values of {@code width} bytes from {@code position} to {@code reader}, in bulk chunks. */
    static void readChunks(SeekableByteChannel ch, long position, int count, int width, String where,
                           ChunkReader reader) throws IOException {
        // At most 1 MiB at a time, and no more than the data: small tensors (requests) stay cheap.
        int chunkBytes = (int) Math.min(1 << 20, Math.max(width, (long) count * width));
        ByteBuffer chunk = ByteBuffer.allocate(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
        long at = position;
        for (int i = 0; i < count; ) {
            int n = Math.min(count - i, chunk.capacity() / width);
            chunk.clear().limit(n * width);
            readFully(ch, chunk, at, where, "the data");
            at += (long) n * width;
            reader.accept(chunk, i, n);
            i += n;
        }
    }

    /** The dtype string of a .npy file's header (e.g. {@code "|b1"}), for callers that treat bool arrays apart. */
    public static String dtype(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(ch.size(), 4096));
            ch.read(start, 0);
            Matcher m = DESCR.matcher(new String(start.array(), 0, start.position(), StandardCharsets.ISO_8859_1));
            return m.find() ? m.group(1) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
