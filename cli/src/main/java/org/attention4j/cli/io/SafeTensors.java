package org.attention4j.cli.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.OutputFiles;

/**
 * safetensors files: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the data. Reads F32, F64, F16 and BF16 (converted to float); writes F32.
 * Every offset is checked against the file and the shape before anything is allocated; overlapping or
 * out-of-range tensors, a header that is not JSON, a header length beyond the file: one-line
 * {@link BadInputException}s naming the file.
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    private record Entry(String name, String dtype, int width, long[] shape, long begin, long end) {}

    /** Reads the tensors named in {@code names} (all of them must exist), in that order. */
    public static Map<String, FloatArray> read(Path file, List<String> names) {
        String where = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, where, names);
        } catch (NoSuchFileException e) {
            throw new BadInputException(where + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read: " + e.getMessage());
        }
    }

    /** Reads tensors from a safetensors image held in memory (e.g. an HTTP body). */
    public static Map<String, FloatArray> read(byte[] bytes, String where, List<String> names) {
        try {
            return read(new ByteArrayChannel(bytes), where, names);
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read: " + e.getMessage());
        }
    }

    private static Map<String, FloatArray> read(SeekableByteChannel ch, String where, List<String> names)
            throws IOException {
        {
            Map<String, Entry> entries = header(ch, where);
            long dataStart = 8 + headerLength(ch, where);
            Map<String, FloatArray> out = new LinkedHashMap<>();
            for (String name : names) {
                Entry e = entries.get(name);
                if (e == null) {
                    throw new BadInputException(where + ": no tensor named '" + name + "' (it has: "
                            + String.join(", ", entries.keySet()) + ")");
                }
                out.put(name, new FloatArray(name, e.shape, values(ch, dataStart, e, where)));
            }
            return out;
        }
    }

    private static long headerLength(SeekableByteChannel ch, String where) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        Npy.readFully(ch, b, 0, where, "the header length");
        long n = b.getLong(0);
        if (n < 2 || n > MAX_HEADER || 8 + n > ch.size()) {
            throw new BadInputException(where + ": header length " + n + " does not fit the " + ch.size()
                    + "-byte file (not a safetensors file?)");
        }
        return n;
    }

    private static Map<String, Entry> header(SeekableByteChannel ch, String where) throws IOException {
        long n = headerLength(ch, where);
        ByteBuffer b = ByteBuffer.allocate((int) n);
        Npy.readFully(ch, b, 8, where, "the header");
        JsonNode root;
        try {
            root = JSON.readTree(new String(b.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadInputException(where + ": the header is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(where + ": the header is not a JSON object");
        }
        long dataSize = ch.size() - 8 - n;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                continue;
            }
            entries.put(f.getKey(), entry(f.getKey(), f.getValue(), dataSize, where));
        }
        requireDisjoint(entries, where);
        return entries;
    }

    private static Entry entry(String name, JsonNode n, long dataSize, String where) {
        String at = where + ": tensor '" + name + "'";
        String dtype = n.path("dtype").asText("");
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F64" -> 8;
            case "F16", "BF16" -> 2;
            default -> throw new BadInputException(at + ": dtype '" + dtype + "' is not supported (F32, F64, F16, BF16)");
        };
        JsonNode shapeNode = n.path("shape"), offsets = n.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new BadInputException(at + ": needs a 'shape' array and 'data_offsets' [begin, end]");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!shapeNode.get(i).canConvertToLong()) {
                throw new BadInputException(at + ": shape " + shapeNode + " is not a list of integers");
            }
            shape[i] = shapeNode.get(i).asLong();
        }
        long elements = FloatArray.elements(at, shape);
        long begin = offsets.get(0).asLong(-1), end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new BadInputException(at + ": data_offsets [" + begin + ", " + end + "] lie outside the "
                    + dataSize + " data bytes");
        }
        if (end - begin != elements * width) {
            throw new BadInputException(at + ": shape " + shapeNode + " of " + dtype + " needs " + elements * width
                    + " bytes, data_offsets give " + (end - begin));
        }
        return new Entry(name, dtype, width, shape, begin, end);
    }

    private static void requireDisjoint(Map<String, Entry> entries, String where) {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).begin < sorted.get(i - 1).end) {
                throw new BadInputException(where + ": tensors '" + sorted.get(i - 1).name + "' and '"
                        + sorted.get(i).name + "' overlap");
            }
        }
    }

    private static float[] values(SeekableByteChannel ch, long dataStart, Entry e, String where) throws IOException {
        float[] data = new float[(int) ((e.end - e.begin) / e.width)];
        if (e.width >= 4) {
            Npy.readValues(ch, dataStart + e.begin, data, e.width == 8 ? "<f8" : "<f4", where);
            return data;
        }
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(2, e.end - e.begin)))
                .order(ByteOrder.LITTLE_ENDIAN);
        long at = dataStart + e.begin;
        boolean bf16 = e.dtype.equals("BF16");
        for (int i = 0; i < data.length; ) {
            int n = Math.min(data.length - i, chunk.capacity() / 2);
            chunk.clear().limit(n * 2);
            Npy.readFully(ch, chunk, at, where, "the data");
            at += n * 2L;
            for (int j = 0; j < n; j++) {
                short bits = chunk.getShort(j * 2);
                data[i + j] = bf16 ? Float.intBitsToFloat((bits & 0xffff) << 16) : Float.float16ToFloat(bits);
            }
            i += n;
        }
        return data;
    }

    /** Writes {@code tensors} as F32, names sorted, header padded to 8 bytes, atomically. */
    public static void write(Path file, Map<String, FloatArray> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        TreeMap<String, FloatArray> sorted = new TreeMap<>(tensors);
        for (Map.Entry<String, FloatArray> t : sorted.entrySet()) {
            ObjectNode n = header.putObject(t.getKey());
            n.put("dtype", "F32");
            n.set("shape", JSON.valueToTree(t.getValue().shape()));
            long bytes = 4L * t.getValue().data().length;
            n.set("data_offsets", JSON.valueToTree(new long[] {offset, offset + bytes}));
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        OutputFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (FloatArray t : sorted.values()) {
                float[] d = t.data();
                for (int i = 0; i < d.length; ) {
                    chunk.clear();
                    int n = Math.min(d.length - i, chunk.capacity() / 4);
                    chunk.asFloatBuffer().put(d, i, n);
                    out.write(chunk.array(), 0, n * 4);
                    i += n;
                }
            }
        });
    }
}
