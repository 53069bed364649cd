package org.attention4j.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.attention4j.ElementType;
import org.attention4j.io.json.StrictJson;

/**
 * A reader of safetensors files (Hugging Face's format: an 8-byte little-endian header length, a JSON
 * header mapping each tensor name to its dtype, shape and byte range, then the raw data), written for
 * files from anywhere: {@link #open} checks the whole header before any tensor is read.
 * <ul>
 *   <li>the header length lies in {@code [2, min(100 MiB, file size − 8)]}, and the header is strict
 *       UTF-8 JSON, an object (nesting bounded, repeated keys rejected);
 *   <li>every tensor has a known dtype, a shape of non-negative integers, and {@code data_offsets
 *       [begin, end]} inside the data section with {@code end − begin == elements·dtype size}
 *       (overflow-checked);
 *   <li>no two tensors' byte ranges overlap.
 * </ul>
 * {@link #read} converts F32, F64, F16 and BF16 to {@code float} (F64 rounds to nearest);
 * {@link #readShorts} (F16, BF16) and {@link #readBytes} (I8) keep the stored elements as they are, for
 * keys and values of the engine's smaller {@link ElementType}s; other dtypes are listed but not readable.
 * A malformed file throws {@link IllegalArgumentException} naming the file and, when it is about one, the
 * tensor; I/O failures (a file shorter than its header says, a read error) throw {@link IOException}.
 * Instances are immutable; every read opens the file again, so an instance holds no open file.
 * {@link #of(byte[], String)} reads the same format from bytes in memory (e.g. a request body), with the
 * same checks; {@link #write} writes float32 tensors in the format.
 *
 * @since 0.1
 */
public final class SafeTensorsFile {
    /** The largest header accepted (the format's own reference implementation uses 100 MB as well). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /**
     * One tensor's entry in the header: its dtype, shape and byte range relative to the data section.
     *
     * @param name the tensor's name
     * @param dtype the format's dtype name, e.g. {@code F32}, {@code BF16}, {@code I64}
     * @param shape the dimensions, outermost first (empty for a scalar); do not modify
     * @param begin first byte, relative to the data section
     * @param end end byte (exclusive), relative to the data section
     * @since 0.1
     */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        /** {@return the number of elements: the product of the shape} (1 for a scalar) */
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /**
         * {@return the engine's element type that holds this dtype as it is, or null} {@code FLOAT32} for
         * F32, {@code BFLOAT16} for BF16, {@code FLOAT16} for F16, {@code INT8} for I8 (whose scales are
         * another tensor); null for the others
         */
        public ElementType elementType() {
            return Dtypes.elementType(dtype);
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape);
        }
    }

    private final Path file;
    /** The file, or the name given to bytes in memory: how messages name the source. */
    private final String where;
    private final ByteSource source;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path file, String where, ByteSource source, long dataStart, Map<String, Entry> entries,
                            Map<String, String> metadata) {
        this.file = file;
        this.where = where;
        this.source = source;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Reads and checks the header of {@code file}; no tensor data is read yet.
     *
     * @param file a {@code .safetensors} file
     * @return the file's index
     * @throws IllegalArgumentException naming the file and the problem when the header is malformed
     * @throws IOException when the file cannot be read
     */
    public static SafeTensorsFile open(Path file) throws IOException {
        return index(file, file.toString(), ByteSource.of(file));
    }

    /**
     * Reads and checks a safetensors image held in memory, e.g. a request body, as {@link #open} does a file.
     * The array is not copied: do not modify it while the index is used.
     *
     * @param bytes the whole image: header length, header, data
     * @param where how error messages name it, e.g. {@code "request body"}
     * @return its index; {@link #file()} is null
     * @throws IllegalArgumentException naming {@code where} and the problem when the header is malformed
     * @since 0.1
     */
    public static SafeTensorsFile of(byte[] bytes, String where) {
        try {
            return index(null, where, ByteSource.of(bytes));
        } catch (IOException e) { // an array reader throws only EOFException, which the header checks rule out
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static SafeTensorsFile index(Path file, String where, ByteSource source) throws IOException {
        try (ByteSource.Reader in = source.open()) {
            long size = in.size();
            if (size < 8) {
                throw new IllegalArgumentException(where + ": " + size + " bytes: expected at least the 8-byte header "
                        + "length of a safetensors file");
            }
            long headerLength = in.read(0, 8).getLong(0);
            if (headerLength < 2 || headerLength > Math.min(MAX_HEADER_BYTES, size - 8)) {
                throw new IllegalArgumentException(where + ": header length " + headerLength + ": expected 2 .. "
                        + Math.min(MAX_HEADER_BYTES, size - 8) + " (it has " + size
                        + " bytes; not a safetensors file?)");
            }
            String json = utf8(in.read(8, (int) headerLength), where);
            Object root;
            try {
                root = StrictJson.parse(json);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": header: " + e.getMessage(), e);
            }
            if (!(root instanceof Map<?, ?> header)) {
                throw new IllegalArgumentException(where + ": header: expected a JSON object");
            }
            return parse(file, where, source, header, 8 + headerLength, size - 8 - headerLength);
        }
    }

    private static SafeTensorsFile parse(Path file, String where, ByteSource source, Map<?, ?> header, long dataStart,
                                         long dataBytes) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                metadata = metadata(where, e.getValue());
            } else {
                entries.put(name, entry(where, name, e.getValue(), dataBytes));
            }
        }
        requireDisjoint(where, entries);
        return new SafeTensorsFile(file, where, source, dataStart, Collections.unmodifiableMap(entries), metadata);
    }

    private static Map<String, String> metadata(String file, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(file + ": __metadata__: expected an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException(file + ": __metadata__ \"" + e.getKey() + "\": expected a string");
            }
            out.put((String) e.getKey(), s);
        }
        return Collections.unmodifiableMap(out);
    }

    private static Entry entry(String file, String name, Object value, long dataBytes) {
        String at = file + ": tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> fields)) {
            throw new IllegalArgumentException(at + ": expected an object with dtype, shape and data_offsets");
        }
        if (!(fields.get("dtype") instanceof String dtype)) {
            throw new IllegalArgumentException(at + ": dtype: expected a string such as \"F32\"");
        }
        int width = Dtypes.width(dtype);
        if (width == 0) {
            throw new IllegalArgumentException(at + ": dtype \"" + dtype + "\" is not a safetensors dtype");
        }
        long[] shape = integers(at, "shape", fields.get("shape"), -1);
        long[] offsets = integers(at, "data_offsets", fields.get("data_offsets"), 2);
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(at + ": shape " + Arrays.toString(shape) + ": expected dimensions >= 0");
            }
            elements = d == 0 || elements == 0 ? 0 : multiplyOrMax(elements, d);
        }
        long begin = offsets[0], end = offsets[1];
        if (begin < 0 || end < begin || end > dataBytes) {
            throw new IllegalArgumentException(at + ": data_offsets [" + begin + ", " + end + "]: expected 0 <= begin "
                    + "<= end <= " + dataBytes + " (the data bytes after the header)");
        }
        long bytes = multiplyOrMax(elements, width);
        if (end - begin != bytes) {
            throw new IllegalArgumentException(at + ": data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                    + " bytes: expected shape " + Arrays.toString(shape) + " × " + width + " bytes of " + dtype
                    + " = " + (bytes == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(bytes)));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long multiplyOrMax(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** A JSON array of integers ({@code length} of them, or any number when negative). */
    private static long[] integers(String at, String field, Object value, int length) {
        if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
            throw new IllegalArgumentException(at + ": " + field + ": expected an array of "
                    + (length >= 0 ? length + " " : "") + "integers");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v)) {
                throw new IllegalArgumentException(at + ": " + field + " " + list + ": expected integers");
            }
            out[i] = v;
        }
        return out;
    }

    private static void requireDisjoint(String file, Map<String, Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort((a, b) -> Long.compare(a.begin(), b.begin()));
        for (int i = 1; i < sorted.size(); i++) {
            Entry before = sorted.get(i - 1), after = sorted.get(i);
            if (after.begin() < before.end()) {
                throw new IllegalArgumentException(file + ": tensors '" + before.name() + "' [" + before.begin() + ", "
                        + before.end() + ") and '" + after.name() + "' [" + after.begin() + ", " + after.end()
                        + ") overlap: expected disjoint byte ranges");
            }
        }
    }

    private static String utf8(ByteBuffer bytes, String file) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": header: expected UTF-8 JSON");
        }
    }

    /** {@return the file this index describes, or null for bytes in memory ({@link #of(byte[], String)})} */
    public Path file() {
        return file;
    }

    /**
     * {@return how messages name the source: the file, or the name given to bytes in memory}
     *
     * @since 0.1
     */
    public String source() {
        return where;
    }

    /** {@return the tensor names in header order} (unmodifiable) */
    public Set<String> names() {
        return entries.keySet();
    }

    /**
     * {@return the entry of {@code name}, or null when the file has no such tensor}
     *
     * @param name the tensor's name
     */
    public Entry entry(String name) {
        return entries.get(name);
    }

    /** {@return the {@code __metadata__} strings} (empty when absent) */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The values of tensor {@code name} as float32, in row-major order. Opens the file, reads the
     * tensor's bytes in 1 MiB chunks and closes it.
     *
     * @param name the tensor's name
     * @return a new array of {@link Entry#elements()} floats
     * @throws IllegalArgumentException when there is no such tensor, its dtype is not F32, F64, F16 or
     *         BF16, or it has more elements than a {@code float[]} holds
     * @throws IOException when the file cannot be read, or is shorter than its header says
     */
    public float[] read(String name) throws IOException {
        Entry e = readable(name, Dtypes::readable, "F32, F64, F16 or BF16");
        float[] out = new float[(int) e.elements()];
        readChunks(e, (chunk, at, n) -> Dtypes.toFloats(e.dtype(), chunk, out, at, n));
        return out;
    }

    /**
     * The 16-bit patterns of an F16 or BF16 tensor, in row-major order, as stored: not widened, for a
     * {@link org.attention4j.Tensor#of(ElementType, short[], long, long, long, long)} view of type
     * {@link Entry#elementType()} (keys and values kept in their type). Read like {@link #read}.
     *
     * @param name the tensor's name
     * @return a new array of {@link Entry#elements()} bit patterns
     * @throws IllegalArgumentException when there is no such tensor, its dtype is not F16 or BF16, or it has
     *         more elements than a {@code short[]} holds
     * @throws IOException when the file cannot be read, or is shorter than its header says
     * @since 0.1
     */
    public short[] readShorts(String name) throws IOException {
        Entry e = readable(name, d -> d.equals("F16") || d.equals("BF16"), "F16 or BF16");
        short[] out = new short[(int) e.elements()];
        readChunks(e, (chunk, at, n) -> chunk.asShortBuffer().get(out, at, n));
        return out;
    }

    /**
     * The signed bytes of an I8 tensor, in row-major order, as stored: for an
     * {@link org.attention4j.Tensor#int8(byte[], long, long, long, long, org.attention4j.Tensor) int8 view},
     * whose scales are a tensor of their own (the format has no place for them; read them with
     * {@link #read}). Read like {@link #read}.
     *
     * @param name the tensor's name
     * @return a new array of {@link Entry#elements()} bytes
     * @throws IllegalArgumentException when there is no such tensor, its dtype is not I8, or it has more
     *         elements than a {@code byte[]} holds
     * @throws IOException when the file cannot be read, or is shorter than its header says
     * @since 0.1
     */
    public byte[] readBytes(String name) throws IOException {
        Entry e = readable(name, d -> d.equals("I8"), "I8");
        byte[] out = new byte[(int) e.elements()];
        readChunks(e, (chunk, at, n) -> chunk.get(0, out, at, n));
        return out;
    }

    /** The entry of {@code name}, checked: it exists, its dtype is one the caller reads, it fits an array. */
    private Entry readable(String name, Predicate<String> dtypes, String expected) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(where + ": no tensor named '" + name + "': expected one of "
                    + String.join(", ", entries.keySet()));
        }
        if (!dtypes.test(e.dtype())) {
            throw new IllegalArgumentException(where + ": tensor '" + name + "': dtype " + e.dtype()
                    + ": expected " + expected);
        }
        long elements = e.elements();
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(where + ": tensor '" + name + "': " + elements + " elements: expected at "
                    + "most " + (Integer.MAX_VALUE - 8) + " (a Java array)");
        }
        return e;
    }

    /** Receives {@code n} elements of a tensor, little-endian in {@code chunk}, to store from element {@code at}. */
    private interface ChunkReader {
        void accept(ByteBuffer chunk, int at, int n);
    }

    /** Opens the source and hands {@code e}'s bytes to {@code reader} in chunks of at most 1 MiB. */
    private void readChunks(Entry e, ChunkReader reader) throws IOException {
        int elements = (int) e.elements();
        try (ByteSource.Reader in = source.open()) {
            int width = Dtypes.width(e.dtype());
            int chunkElements = Math.max(1, (1 << 20) / width);
            for (int i = 0; i < elements; i += chunkElements) {
                int n = Math.min(chunkElements, elements - i);
                reader.accept(in.read(dataStart + e.begin() + (long) i * width, n * width), i, n);
            }
        } catch (EOFException eof) {
            throw new IOException(where + ": tensor '" + e.name() + "': " + eof.getMessage() + " (truncated file?)", eof);
        }
    }

    /**
     * Writes float32 tensors as a safetensors image: F32, names sorted, the header padded with spaces to a
     * multiple of 8 bytes (as Hugging Face's writer does), the data in name order without gaps.
     *
     * @param out where to write; not closed
     * @param shapes each tensor's dimensions, outermost first; the same names as {@code values}
     * @param values each tensor's elements in C order; as many as its shape holds
     * @throws IllegalArgumentException when the names differ between the maps, a name is empty or {@code __metadata__},
     *         or a shape does
     *         not hold its tensor's values
     * @throws IOException when {@code out} fails
     * @since 0.1
     */
    public static void write(OutputStream out, Map<String, long[]> shapes, Map<String, float[]> values)
            throws IOException {
        if (!shapes.keySet().equals(values.keySet())) {
            throw new IllegalArgumentException("shapes " + new TreeMap<>(shapes).keySet() + " and values "
                    + new TreeMap<>(values).keySet() + " must name the same tensors");
        }
        TreeMap<String, float[]> sorted = new TreeMap<>(values);
        StringBuilder json = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, float[]> t : sorted.entrySet()) {
            String name = t.getKey();
            long[] shape = shapes.get(name);
            if (name.isEmpty() || name.equals("__metadata__")) {
                throw new IllegalArgumentException("a tensor cannot be named '" + name + "'");
            }
            long elements = NpyFile.elements("tensor '" + name + "'", shape);
            if (elements != t.getValue().length) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds "
                        + elements + " values, it has " + t.getValue().length);
            }
            long bytes = 4L * t.getValue().length;
            json.append(json.length() > 1 ? "," : "").append(quoted(name)).append(":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(shape).replace(" ", "")).append(",\"data_offsets\":[").append(offset)
                    .append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        byte[] header = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(header);
        out.write(" ".repeat(padded - header.length).getBytes(StandardCharsets.US_ASCII));
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] d : sorted.values()) {
            for (int i = 0; i < d.length; ) {
                chunk.clear();
                int n = Math.min(d.length - i, chunk.capacity() / 4);
                chunk.asFloatBuffer().put(d, i, n);
                out.write(chunk.array(), 0, n * 4);
                i += n;
            }
        }
    }

    /** {@code name} as a JSON string: quotes, backslashes and control characters escaped. */
    private static String quoted(String name) {
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c < 0x20) {
                q.append(String.format("\\u%04x", (int) c));
            } else {
                q.append(c);
            }
        }
        return q.append('"').toString();
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + where + ", " + entries.size() + " tensors]";
    }
}
