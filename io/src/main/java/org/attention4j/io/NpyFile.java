package org.attention4j.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reader and writer of NumPy {@code .npy} files, written for files from anywhere: {@link #open} checks
 * the magic, the header and the data's size against the file's before anything the header asks for is
 * allocated.
 * <ul>
 *   <li>versions 1.0, 2.0 and 3.0; C order only (Fortran order is refused);</li>
 *   <li>dtypes {@code <f4}, {@code <f8}, {@code <f2} (tensors), and {@code |b1}, {@code |u1}, {@code |i1},
 *       {@code <i4}, {@code <i8} (masks and offsets); big-endian and other dtypes are refused;</li>
 *   <li>a shape of non-negative integers whose product a Java array can hold, and exactly its bytes of
 *       data after the header.</li>
 * </ul>
 * {@link #readFloats} converts every dtype to {@code float} (f8 rounded to nearest, f2 widened exactly);
 * {@link #readHalves} keeps {@code <f2} as its 16-bit patterns, for keys and values of
 * {@link org.attention4j.ElementType#FLOAT16}. {@link #write} writes {@code <f4}, version 1.0. A malformed
 * file throws {@link IllegalArgumentException} naming it; I/O failures throw {@link IOException}. Instances
 * are immutable and hold no open file; {@link #of(byte[], String)} reads the same format from bytes in
 * memory (a request body).
 *
 * @since 0.1
 */
public final class NpyFile {
    /** The largest Java array: tensors beyond it must be split (a file may declare more). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final String where;
    private final ByteSource source;
    private final String dtype;
    private final int width;
    private final long[] shape;
    private final long elements;
    private final long dataStart;

    private NpyFile(String where, ByteSource source, String dtype, int width, long[] shape, long elements,
                    long dataStart) {
        this.where = where;
        this.source = source;
        this.dtype = dtype;
        this.width = width;
        this.shape = shape;
        this.elements = elements;
        this.dataStart = dataStart;
    }

    /**
     * Reads and checks the header of {@code file}; no data is read yet.
     *
     * @param file a {@code .npy} file
     * @return its index
     * @throws IllegalArgumentException naming the file and the problem when it is malformed
     * @throws IOException when the file cannot be read ({@link java.nio.file.NoSuchFileException} when absent)
     */
    public static NpyFile open(Path file) throws IOException {
        return index(file.toString(), ByteSource.of(file));
    }

    /**
     * Reads and checks a {@code .npy} image held in memory, as {@link #open} does a file. The array is not
     * copied: do not modify it while the index is used.
     *
     * @param bytes the whole image
     * @param where how error messages name it, e.g. {@code "request body"}
     * @return its index
     * @throws IllegalArgumentException naming {@code where} and the problem when it is malformed
     */
    public static NpyFile of(byte[] bytes, String where) {
        try {
            return index(where, ByteSource.of(bytes));
        } catch (IOException e) { // only EOF, which index reports itself
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static NpyFile index(String where, ByteSource source) throws IOException {
        try (ByteSource.Reader in = source.open()) {
            long size = in.size();
            ByteBuffer start = readFully(in, 0, 12, where, "the magic and header length");
            for (int i = 0; i < MAGIC.length; i++) {
                if (start.get(i) != MAGIC[i]) {
                    throw new IllegalArgumentException(where + ": not a .npy file (wrong magic bytes)");
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
                throw new IllegalArgumentException(where + ": .npy version " + major + "." + (start.get(7) & 0xff)
                        + " is not supported (expected 1.0, 2.0 or 3.0)");
            }
            if (headerLength > MAX_HEADER || prefix + headerLength > size) {
                throw new IllegalArgumentException(where + ": header length " + headerLength + " runs past the end "
                        + "of the " + size + "-byte file");
            }
            ByteBuffer headerBytes = readFully(in, prefix, (int) headerLength, where, "the header");
            byte[] text = new byte[(int) headerLength];
            headerBytes.get(0, text);
            NpyFile f = parse(new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1),
                    where, source, prefix + headerLength);
            long expected = f.elements * f.width;
            if (size - f.dataStart != expected) {
                throw new IllegalArgumentException(where + ": shape " + Arrays.toString(f.shape) + " of " + f.dtype
                        + " needs " + expected + " data bytes, the file has " + (size - f.dataStart)
                        + (size - f.dataStart < expected ? " (truncated?)" : " (trailing bytes)"));
            }
            return f;
        }
    }

    private static NpyFile parse(String header, String where, ByteSource source, long dataStart) {
        String h = header.strip();
        if (!h.startsWith("{") || !h.endsWith("}")) {
            throw new IllegalArgumentException(where + ": the header is not a Python dict: " + abbreviate(h));
        }
        Matcher descr = DESCR.matcher(h), fortran = FORTRAN.matcher(h), shapeText = SHAPE.matcher(h);
        if (!descr.find() || !fortran.find() || !shapeText.find()) {
            throw new IllegalArgumentException(where + ": the header lacks 'descr', 'fortran_order' or 'shape': "
                    + abbreviate(h));
        }
        String d = descr.group(1);
        int width = switch (d) {
            case "<f4", "<i4" -> 4;
            case "<f8", "<i8" -> 8;
            case "<f2" -> 2;
            case "|b1", "|u1", "|i1" -> 1;
            default -> throw new IllegalArgumentException(where + ": dtype '" + d + "' is not supported: expected "
                    + "little-endian float32 '<f4', float64 '<f8' or float16 '<f2' (numpy: a.astype('<f4')); masks "
                    + "and offsets may also be bool '|b1', int8/uint8, '<i4' or '<i8'");
        };
        if (fortran.group(1).equals("True")) {
            throw new IllegalArgumentException(where + ": Fortran-order arrays are not supported: save a C-order "
                    + "array (numpy: np.ascontiguousarray(a))");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : shapeText.group(1).split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": shape (" + shapeText.group(1)
                        + ") is not a tuple of integers");
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        return new NpyFile(where, source, d, width, shape, elements(where, shape), dataStart);
    }

    /**
     * The element count of {@code shape}, checked: dimensions {@code >= 0} and a total a Java array can hold.
     *
     * @param where how error messages name the tensor or file
     * @param shape the dimensions
     * @return their product
     * @throws IllegalArgumentException for a negative dimension or more than {@link #MAX_ELEMENTS} elements
     */
    public static long elements(String where, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(where + ": shape " + Arrays.toString(shape)
                        + " has a negative dimension");
            }
            if (d != 0 && n > MAX_ELEMENTS / d) {
                throw new IllegalArgumentException(where + ": shape " + Arrays.toString(shape) + " declares more than "
                        + MAX_ELEMENTS + " elements");
            }
            n *= d;
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** {@return the dtype as the header spells it, e.g. {@code "<f4"} or {@code "|b1"}} */
    public String dtype() {
        return dtype;
    }

    /** {@return the dimensions, outermost first} (a copy) */
    public long[] shape() {
        return shape.clone();
    }

    /** {@return how messages name the source: the file, or the name given to bytes in memory} */
    public String source() {
        return where;
    }

    /**
     * The values as float32, in C order: f8 rounded to nearest, f2 widened exactly, integers and bools
     * converted (bool and uint8 as 0/1 .. 255).
     *
     * @return a new array of the shape's element count
     * @throws IOException when the source cannot be read
     */
    public float[] readFloats() throws IOException {
        float[] data = new float[(int) elements];
        readChunks((chunk, i, n) -> {
            switch (dtype) {
                case "<f4" -> chunk.asFloatBuffer().get(data, i, n);
                case "<f8" -> { for (int j = 0; j < n; j++) data[i + j] = (float) chunk.getDouble(j * 8); }
                case "<f2" -> { for (int j = 0; j < n; j++) data[i + j] = Float.float16ToFloat(chunk.getShort(j * 2)); }
                case "<i4" -> { for (int j = 0; j < n; j++) data[i + j] = chunk.getInt(j * 4); }
                case "<i8" -> { for (int j = 0; j < n; j++) data[i + j] = chunk.getLong(j * 8); }
                case "|u1", "|b1" -> { for (int j = 0; j < n; j++) data[i + j] = chunk.get(j) & 0xff; }
                default -> { for (int j = 0; j < n; j++) data[i + j] = chunk.get(j); } // |i1
            }
        });
        return data;
    }

    /**
     * The 16-bit patterns of a {@code <f2} file, as stored (not widened): for a
     * {@link org.attention4j.Tensor#of(org.attention4j.ElementType, short[], long, long, long, long)} view
     * of {@code FLOAT16}.
     *
     * @return a new array of the shape's element count
     * @throws IllegalArgumentException when the dtype is not {@code <f2}
     * @throws IOException when the source cannot be read
     */
    public short[] readHalves() throws IOException {
        if (!dtype.equals("<f2")) {
            throw new IllegalArgumentException(where + ": dtype '" + dtype + "': expected float16 '<f2'");
        }
        short[] bits = new short[(int) elements];
        readChunks((chunk, i, n) -> chunk.asShortBuffer().get(bits, i, n));
        return bits;
    }

    /** Receives {@code n} little-endian values in {@code chunk}, to store from element {@code at}. */
    private interface ChunkReader {
        void accept(ByteBuffer chunk, int at, int n);
    }

    /** Hands the data to {@code reader} in chunks of at most 1 MiB (and no more than the data: requests stay cheap). */
    private void readChunks(ChunkReader reader) throws IOException {
        int count = (int) elements;
        int chunkValues = (int) Math.max(1, Math.min((1 << 20) / width, count));
        try (ByteSource.Reader in = source.open()) {
            for (int i = 0; i < count; i += chunkValues) {
                int n = Math.min(chunkValues, count - i);
                reader.accept(readFully(in, dataStart + (long) i * width, n * width, where, "the data"), i, n);
            }
        }
    }

    private static ByteBuffer readFully(ByteSource.Reader in, long position, int length, String where, String what)
            throws IOException {
        try {
            return in.read(position, length);
        } catch (EOFException e) {
            throw new IllegalArgumentException(where + ": the file ends inside " + what);
        }
    }

    /**
     * Writes {@code data} with {@code shape} as a version 1.0 {@code <f4} C-order {@code .npy} image (the
     * data aligned to 64 bytes, as numpy does).
     *
     * @param out where to write; not closed
     * @param shape the dimensions; their product must be {@code data.length}
     * @param data the values in C order
     * @throws IllegalArgumentException when the shape does not hold {@code data.length} values
     * @throws IOException when {@code out} fails
     */
    public static void write(OutputStream out, long[] shape, float[] data) throws IOException {
        if (elements("shape", shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + ": holds " + elements("shape", shape)
                    + " values, data has " + data.length);
        }
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + (dims.length() > 0 ? dims.substring(0, dims.length() - 2) : "") + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = 10 + dict.length() + 1; // magic, version, length, dict, newline
        int padded = (unpadded + 63) / 64 * 64;
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

    @Override
    public String toString() {
        return "NpyFile[" + where + ", " + dtype + Arrays.toString(shape) + "]";
    }
}
