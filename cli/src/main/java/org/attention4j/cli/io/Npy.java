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
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.OutputFiles;

/**
 * NumPy {@code .npy} files: reads versions 1.0, 2.0 and 3.0 with dtype {@code <f4} or {@code <f8} in C
 * order (f8 is rounded to float); writes {@code <f4}, version 1.0. Everything else — Fortran order,
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

    public static FloatArray read(Path file) {
        String where = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, where, file.getFileName().toString());
        } catch (NoSuchFileException e) {
            throw new BadInputException(where + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read: " + e.getMessage());
        }
    }

    /** Reads an .npy image held in memory (e.g. an HTTP body); {@code where} names it in errors. */
    public static FloatArray read(byte[] bytes, String where) {
        try {
            return read(new ByteArrayChannel(bytes), where, where);
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read: " + e.getMessage());
        }
    }

    private static FloatArray read(SeekableByteChannel ch, String where, String name) throws IOException {
        {
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
            String header = new String(headerBytes.array(), major == 3 ? StandardCharsets.UTF_8
                    : StandardCharsets.ISO_8859_1);
            Header h = parse(header, where);
            long elements = FloatArray.elements(where, h.shape);
            long dataStart = prefix + headerLength;
            long expected = elements * h.bytesPerValue;
            if (size - dataStart != expected) {
                throw new BadInputException(where + ": shape " + java.util.Arrays.toString(h.shape) + " of " + h.descr
                        + " needs " + expected + " data bytes, the file has " + (size - dataStart)
                        + (size - dataStart < expected ? " (truncated?)" : " (trailing bytes)"));
            }
            float[] data = new float[(int) elements];
            readValues(ch, dataStart, data, h.descr, where);
            return new FloatArray(name, h.shape, data);
        }
    }

    private record Header(String descr, int bytesPerValue, long[] shape) {}

    private static Header parse(String header, String where) {
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
            case "|b1", "|u1", "|i1" -> 1;
            default -> throw new BadInputException(where + ": dtype '" + d + "' is not supported: expected "
                    + "little-endian float32 '<f4' or float64 '<f8' (numpy: a.astype('<f4')); masks and offsets may"
                    + " also be bool '|b1', int8/uint8, '<i4' or '<i8'");
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
        return new Header(d, bytes, dims.stream().mapToLong(Long::longValue).toArray());
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
        int width = descr.endsWith("8") ? 8 : descr.endsWith("4") ? 4 : 1;
        // At most 1 MiB at a time, and no more than the data: small tensors (requests) stay cheap.
        int chunkBytes = (int) Math.min(1 << 20, Math.max(width, (long) data.length * width));
        ByteBuffer chunk = ByteBuffer.allocate(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
        long at = position;
        for (int i = 0; i < data.length; ) {
            int n = Math.min(data.length - i, chunk.capacity() / width);
            chunk.clear().limit(n * width);
            readFully(ch, chunk, at, where, "the data");
            at += (long) n * width;
            switch (descr) {
                case "<f4" -> chunk.asFloatBuffer().get(data, i, n);
                case "<f8" -> { for (int j = 0; j < n; j++) data[i + j] = (float) chunk.getDouble(j * 8); }
                case "<i4" -> { for (int j = 0; j < n; j++) data[i + j] = chunk.getInt(j * 4); }
                case "<i8" -> { for (int j = 0; j < n; j++) data[i + j] = chunk.getLong(j * 8); }
                case "|u1", "|b1" -> { for (int j = 0; j < n; j++) data[i + j] = chunk.get(j) & 0xff; }
                default -> { for (int j = 0; j < n; j++) data[i + j] = chunk.get(j); } // |i1
            }
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
