package org.attention4j.model.onnx;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict reader of ONNX model files (a protobuf {@code ModelProto}) for files from anywhere: it
 * reads what a weight loader needs and checks everything it reads.
 * <ul>
 *   <li>{@code ModelProto}: {@code ir_version}, {@code producer_name}, {@code opset_import} and the
 *       {@code graph} (the spec requires ir_version, an opset_import and the graph; so does this reader);
 *   <li>{@code GraphProto}: its name, the {@code node}s, the {@code initializer}s, the names of the graph
 *       {@code input}s and {@code output}s, and the number of {@code sparse_initializer}s (not read);
 *   <li>{@code NodeProto}: name, op_type, domain, inputs, outputs and attributes with their name, type and
 *       {@code f}, {@code i} or {@code t} (tensor) value; sub-graphs and lists in attributes are skipped,
 *       not descended into;
 *   <li>{@code TensorProto}: name, dims, data_type and where its data is ({@code raw_data} or one of
 *       {@code float_data}, {@code int32_data}, {@code int64_data}, {@code double_data},
 *       {@code uint64_data}, {@code string_data}, packed or not). The data is not copied: {@link
 *       #readFloats} and {@link #readLongs} read it from the file when asked.
 * </ul>
 * Unknown fields are skipped by their wire type, as protobuf requires.
 *
 * <p><b>What is refused</b> (an {@link IllegalArgumentException} naming the file, the message path, the
 * byte offset and the problem): an empty file, or one over 2 GiB (protobuf's limit; bigger models keep
 * their weights as external data); varints over 10 bytes or 64 bits; a length running past the end of
 * its enclosing message (so a truncated file or a lying length); wire types 3, 4 (groups), 6, 7; field
 * number 0; a known field with the wrong wire type; a field that may appear once appearing twice;
 * nesting deeper than {@link ProtoReader#MAX_DEPTH}; strings that are not UTF-8 or longer than
 * {@link ProtoReader#MAX_STRING_BYTES}; a tensor with an unknown {@code data_type}, negative dims, more
 * than {@link #MAX_RANK} dims, or dims whose element count overflows; data that disagrees with the dims
 * ({@code raw_data} length ≠ elements × element size, or the wrong count of typed values), data in a
 * field that does not match the data_type, two data fields, no data for a non-empty tensor; external
 * data ({@code data_location} EXTERNAL or {@code external_data}); segmented tensors; two initializers of
 * one name; a model without a graph, an ir_version or an opset_import.
 *
 * <p><b>How allocation is bounded</b>: the file is memory-mapped (never copied into the heap) while it
 * is parsed, and the mapping is released before {@link #open} returns; each read maps just the tensor's
 * bytes again. Objects kept per model are capped: at most {@link #MAX_NODES} nodes, {@link #MAX_TENSORS}
 * tensors (initializers and attribute tensors), {@link #MAX_STRINGS} strings of at most {@link
 * #MAX_STRING_TOTAL_BYTES} bytes in all, {@link #MAX_ATTRIBUTES} attributes per node and {@link
 * #MAX_RANK} dims per tensor. A read allocates the tensor's elements, which the checks above tie to
 * bytes present in the file.
 *
 * <p>Instances are immutable and hold no open file.
 */
final class OnnxModelFile {
    /** The largest file accepted: protobuf messages are limited to 2 GiB. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE;
    static final int MAX_NODES = 1 << 18;
    static final int MAX_TENSORS = 1 << 18;
    static final int MAX_STRINGS = 1 << 20;
    static final long MAX_STRING_TOTAL_BYTES = 64L << 20;
    static final int MAX_ATTRIBUTES = 1 << 10;
    static final int MAX_OPSETS = 1 << 10;
    static final int MAX_RANK = 64;

    /** TensorProto.DataType values used by name. */
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, STRING = 8, FLOAT16 = 10, DOUBLE = 11,
            COMPLEX64 = 14, COMPLEX128 = 15, BFLOAT16 = 16, UINT4 = 21, INT4 = 22, UINT2 = 25, INT2 = 26;

    private static final String[] TYPE_NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
        "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
        "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1",
        "FLOAT8E8M0", "UINT2", "INT2"};
    /** Bits per element of each data type (0: STRING, which has no fixed width; -1: UNDEFINED). */
    private static final int[] TYPE_BITS = {-1, 32, 8, 8, 16, 16, 32, 64, 0, 8, 16, 64, 32, 64, 64, 128, 16, 8, 8, 8,
        8, 4, 4, 4, 8, 2, 2};

    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The name of a TensorProto.DataType value. */
    static String typeName(int dataType) {
        return dataType >= 0 && dataType < TYPE_NAMES.length ? TYPE_NAMES[dataType] : "data_type " + dataType;
    }

    /** Where a tensor's values are: which TensorProto field, with its field number. */
    enum Storage {
        NONE(0), FLOAT_DATA(4), INT32_DATA(5), STRING_DATA(6), INT64_DATA(7), RAW_DATA(9), DOUBLE_DATA(10),
        UINT64_DATA(11);

        final int field;

        Storage(int field) {
            this.field = field;
        }

        String fieldName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A tensor: its name, data type, dims and where its values are in the file. {@code messageStart/End}
     * delimit its TensorProto; {@code payloadStart/End} delimit its values when they are one contiguous
     * little-endian run ({@code raw_data}, or a single packed fixed-width field), else are -1.
     */
    record Tensor(String name, int dataType, long[] dims, long elements, Storage storage, long messageStart,
                  long messageEnd, long payloadStart, long payloadEnd) {
        /** A copy of the dims. */
        long[] shape() {
            return dims.clone();
        }

        int rank() {
            return dims.length;
        }

        String typeName() {
            return OnnxModelFile.typeName(dataType);
        }

        @Override
        public String toString() {
            return "'" + name + "' " + typeName() + Arrays.toString(dims);
        }
    }

    /** A node attribute: its name, AttributeProto type, and its {@code f}, {@code i} or {@code t} value when set. */
    record Attribute(String name, int type, Float f, Long i, Tensor t) {}

    /** A graph node. */
    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                List<Attribute> attributes) {
        /** The attribute of this name, or null. */
        Attribute attribute(String attributeName) {
            for (Attribute a : attributes) {
                if (a.name().equals(attributeName)) {
                    return a;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return opType + " '" + name + "'";
        }
    }

    private final Path file;
    private final long size;
    private final long irVersion;
    private final String producerName;
    private final Map<String, Long> opsets;
    private final String graphName;
    private final List<Node> nodes;
    private final Map<String, Tensor> initializers;
    private final List<String> inputs;
    private final List<String> outputs;
    private final int sparseInitializers;

    private OnnxModelFile(Path file, long size, Parser p) {
        this.file = file;
        this.size = size;
        this.irVersion = p.irVersion;
        this.producerName = p.producerName;
        this.opsets = Collections.unmodifiableMap(p.opsets);
        this.graphName = p.graphName;
        this.nodes = List.copyOf(p.nodes);
        this.initializers = Collections.unmodifiableMap(p.initializers);
        this.inputs = List.copyOf(p.inputs);
        this.outputs = List.copyOf(p.outputs);
        this.sparseInitializers = p.sparseInitializers;
    }

    /** Reads and checks the structure of {@code file} (not the tensor values). */
    static OnnxModelFile open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size == 0) {
                throw new IllegalArgumentException(file + ": empty file: expected an ONNX model (a protobuf ModelProto)");
            }
            if (size > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(file + ": " + size + " bytes: expected at most 2 GiB (the protobuf "
                        + "limit; a bigger ONNX model keeps its weights as external data, which this reader does not "
                        + "support)");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            Parser p = new Parser(seg, file.toString());
            p.model(new ProtoReader(seg, 0, file.toString(), 0, size, "ModelProto", 0));
            return new OnnxModelFile(file, size, p);
        }
    }

    Path file() {
        return file;
    }

    long irVersion() {
        return irVersion;
    }

    String producerName() {
        return producerName;
    }

    /** The opset version of each imported domain ({@code ""} is the default ONNX domain). */
    Map<String, Long> opsets() {
        return opsets;
    }

    String graphName() {
        return graphName;
    }

    /** The graph's nodes in file order. */
    List<Node> nodes() {
        return nodes;
    }

    /** The graph's initializers by name, in file order. */
    Map<String, Tensor> initializers() {
        return initializers;
    }

    /** The names of the graph inputs. */
    List<String> inputs() {
        return inputs;
    }

    /** The names of the graph outputs. */
    List<String> outputs() {
        return outputs;
    }

    /** How many sparse initializers the graph has (they are not read). */
    int sparseInitializers() {
        return sparseInitializers;
    }

    @Override
    public String toString() {
        return "OnnxModelFile[" + file + ", graph '" + graphName + "', " + nodes.size() + " nodes, "
                + initializers.size() + " initializers]";
    }

    // ---- reading values -------------------------------------------------------------------------

    /**
     * The values of a FLOAT tensor in row-major order.
     *
     * @throws IllegalArgumentException when the tensor is not FLOAT or has more elements than a float[] holds
     * @throws IOException when the file cannot be read or changed since {@link #open}
     */
    float[] readFloats(Tensor t) throws IOException {
        requireType(t, FLOAT);
        int n = arrayLength(t);
        float[] out = new float[n];
        if (n == 0) {
            return out;
        }
        if (t.payloadStart() >= 0) {
            map(t.payloadStart(), t.payloadEnd(), seg -> {
                MemorySegment.copy(seg, LE_FLOAT, 0, out, 0, n);
                return null;
            });
        } else {
            map(t.messageStart(), t.messageEnd(), seg -> {
                int[] at = {0};
                eachValue(seg, t, (r, from, to) -> {
                    if (r.wireType == ProtoReader.LEN) {
                        int count = (int) ((to - from) / 4);
                        MemorySegment.copy(seg, LE_FLOAT, from, out, at[0], count);
                        at[0] += count;
                    } else {
                        out[at[0]++] = Float.intBitsToFloat((int) r.value);
                    }
                });
                return null;
            });
        }
        return out;
    }

    /**
     * The values of a 2-D FLOAT tensor {@code [rows, cols]} transposed: {@code [cols, rows]} in row-major
     * order (an ONNX MatMul weight {@code [in, out]} read as an {@code nn.Linear} weight {@code [out, in]}).
     */
    float[] readFloatsTransposed(Tensor t) throws IOException {
        requireType(t, FLOAT);
        if (t.rank() != 2) {
            throw new IllegalArgumentException(file + ": tensor " + t + ": expected 2 dims to transpose");
        }
        int rows = (int) t.dims()[0], cols = (int) t.dims()[1];
        int n = arrayLength(t);
        float[] out = new float[n];
        if (n == 0) {
            return out;
        }
        if (t.payloadStart() < 0) {
            float[] in = readFloats(t);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    out[j * rows + i] = in[i * cols + j];
                }
            }
            return out;
        }
        // Blocks of B source rows: copy them out of the mapping, then write each output row's B
        // consecutive elements, so both sides are touched in runs.
        final int b = 16;
        map(t.payloadStart(), t.payloadEnd(), seg -> {
            float[] block = new float[Math.min(b, rows) * cols];
            for (int i0 = 0; i0 < rows; i0 += b) {
                int h = Math.min(b, rows - i0);
                MemorySegment.copy(seg, LE_FLOAT, (long) i0 * cols * 4, block, 0, h * cols);
                for (int j = 0; j < cols; j++) {
                    int o = j * rows + i0;
                    for (int k = 0; k < h; k++) {
                        out[o + k] = block[k * cols + j];
                    }
                }
            }
            return null;
        });
        return out;
    }

    /**
     * The values of an INT64 or INT32 tensor (shape constants, position ids) as longs.
     *
     * @throws IllegalArgumentException when the tensor is another type or too big for a long[]
     */
    long[] readLongs(Tensor t) throws IOException {
        if (t.dataType() != INT64 && t.dataType() != INT32) {
            throw new IllegalArgumentException(file + ": tensor " + t + " is " + t.typeName()
                    + ": expected INT64 or INT32");
        }
        int n = arrayLength(t);
        long[] out = new long[n];
        if (n == 0) {
            return out;
        }
        boolean int64 = t.dataType() == INT64;
        if (t.payloadStart() >= 0) { // raw_data: fixed-width little-endian
            map(t.payloadStart(), t.payloadEnd(), seg -> {
                for (int i = 0; i < n; i++) {
                    out[i] = int64 ? seg.get(LE_LONG, 8L * i) : seg.get(LE_INT, 4L * i);
                }
                return null;
            });
        } else { // int64_data / int32_data: varints, packed or not
            map(t.messageStart(), t.messageEnd(), seg -> {
                int[] at = {0};
                eachValue(seg, t, (r, from, to) -> {
                    if (r.wireType == ProtoReader.LEN) {
                        long[] p = {from};
                        while (p[0] < to) {
                            long v = ProtoReader.varintAt(seg, p);
                            out[at[0]++] = int64 ? v : (int) v;
                        }
                    } else {
                        out[at[0]++] = int64 ? r.value : (int) r.value;
                    }
                });
                return null;
            });
        }
        return out;
    }

    private void requireType(Tensor t, int dataType) {
        if (t.dataType() != dataType) {
            throw new IllegalArgumentException(file + ": tensor " + t + " is " + t.typeName() + ": expected "
                    + typeName(dataType));
        }
    }

    private int arrayLength(Tensor t) {
        if (t.elements() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": tensor " + t + " has " + t.elements() + " elements: expected "
                    + "at most " + (Integer.MAX_VALUE - 8) + " (a Java array)");
        }
        return (int) t.elements();
    }

    private interface ValueSink {
        /** One occurrence of the data field: a packed payload {@code [from, to)} (LEN) or one value ({@code r.value}). */
        void accept(ProtoReader r, long from, long to);
    }

    /** Walks a tensor's message again (mapped from its start) and hands each occurrence of its data field over. */
    private void eachValue(MemorySegment seg, Tensor t, ValueSink sink) {
        ProtoReader r = new ProtoReader(seg, t.messageStart(), file.toString(), 0, seg.byteSize(),
                "tensor '" + t.name() + "'", 1);
        int field = t.storage().field;
        while (r.next()) {
            if (r.field == field) {
                sink.accept(r, r.lenStart, r.lenEnd);
            }
        }
    }

    private interface SegmentReader<T> {
        T read(MemorySegment seg);
    }

    /** Maps {@code [from, to)} of the file for one read. */
    private <T> T map(long from, long to, SegmentReader<T> reader) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long now = ch.size();
            if (now != size) {
                throw new IOException(file + ": the file changed since it was opened (" + size + " bytes then, " + now
                        + " now)");
            }
            return reader.read(ch.map(FileChannel.MapMode.READ_ONLY, from, to - from, arena));
        }
    }

    // ---- parsing --------------------------------------------------------------------------------

    /** One pass over the mapped file: the structure, with every count and length checked. */
    private static final class Parser {
        private final MemorySegment seg;
        private final String source;
        long irVersion;
        String producerName = "";
        final Map<String, Long> opsets = new LinkedHashMap<>();
        String graphName = "";
        final List<Node> nodes = new ArrayList<>();
        final Map<String, Tensor> initializers = new LinkedHashMap<>();
        final List<String> inputs = new ArrayList<>();
        final List<String> outputs = new ArrayList<>();
        int sparseInitializers;
        private int tensors;
        private int strings;
        private long stringBytes;

        Parser(MemorySegment seg, String source) {
            this.seg = seg;
            this.source = source;
        }

        void model(ProtoReader r) {
            boolean graph = false;
            long seen = 0;
            while (r.next()) {
                switch (r.field) {
                    case 1 -> {
                        seen = once(r, seen, "ir_version");
                        irVersion = r.int64("ir_version");
                    }
                    case 2 -> {
                        seen = once(r, seen, "producer_name");
                        producerName = string(r, "producer_name");
                    }
                    case 7 -> {
                        seen = once(r, seen, "graph");
                        graph(r.message("graph"));
                        graph = true;
                    }
                    case 8 -> opset(r.message("opset_import #" + opsets.size()), r);
                    default -> { } // skipped by its wire type
                }
            }
            // all three are required by the ONNX spec; a file cut at a field boundary lacks the last ones
            String missing = !graph ? "graph (field 7)" : (seen & (1L << 1)) == 0 ? "ir_version (field 1)"
                    : opsets.isEmpty() ? "opset_import (field 8)" : null;
            if (missing != null) {
                throw new IllegalArgumentException(source + ": the ModelProto has no " + missing + ": not an ONNX "
                        + "model, or a truncated one");
            }
        }

        private void opset(ProtoReader m, ProtoReader parent) {
            if (opsets.size() >= MAX_OPSETS) {
                throw parent.fail("more than " + MAX_OPSETS + " opset_import entries");
            }
            String domain = "";
            long version = 0;
            while (m.next()) {
                switch (m.field) {
                    case 1 -> domain = string(m, "domain");
                    case 2 -> version = m.int64("version");
                    default -> { }
                }
            }
            opsets.put(domain, version);
        }

        private void graph(ProtoReader r) {
            long seen = 0;
            while (r.next()) {
                switch (r.field) {
                    case 1 -> {
                        if (nodes.size() >= MAX_NODES) {
                            throw r.fail("more than " + MAX_NODES + " nodes: refusing a graph this large");
                        }
                        nodes.add(node(r.message("node #" + nodes.size())));
                    }
                    case 2 -> {
                        seen = once(r, seen, "name");
                        graphName = string(r, "name");
                    }
                    case 5 -> {
                        long start = r.lenStart, end = r.lenEnd;
                        Tensor t = tensor(r.message("initializer #" + initializers.size()), start, end);
                        if (initializers.putIfAbsent(t.name(), t) != null) {
                            throw r.fail("two initializers are named '" + t.name() + "': expected unique names");
                        }
                    }
                    case 11 -> inputs.add(valueInfoName(r.message("input #" + inputs.size())));
                    case 12 -> outputs.add(valueInfoName(r.message("output #" + outputs.size())));
                    case 15 -> {
                        r.expect(ProtoReader.LEN, "sparse_initializer");
                        sparseInitializers++;
                    }
                    default -> { }
                }
            }
        }

        private String valueInfoName(ProtoReader m) {
            String name = "";
            long seen = 0;
            while (m.next()) {
                if (m.field == 1) {
                    seen = once(m, seen, "name");
                    name = string(m, "name");
                }
            }
            return name;
        }

        private Node node(ProtoReader m) {
            String name = "", opType = "", domain = "";
            List<String> in = new ArrayList<>(), out = new ArrayList<>();
            List<Attribute> attributes = new ArrayList<>();
            long seen = 0;
            while (m.next()) {
                switch (m.field) {
                    case 1 -> in.add(string(m, "input"));
                    case 2 -> out.add(string(m, "output"));
                    case 3 -> {
                        seen = once(m, seen, "name");
                        name = string(m, "name");
                    }
                    case 4 -> {
                        seen = once(m, seen, "op_type");
                        opType = string(m, "op_type");
                    }
                    case 7 -> {
                        seen = once(m, seen, "domain");
                        domain = string(m, "domain");
                    }
                    case 5 -> {
                        if (attributes.size() >= MAX_ATTRIBUTES) {
                            throw m.fail("more than " + MAX_ATTRIBUTES + " attributes in one node");
                        }
                        attributes.add(attribute(m.message("attribute #" + attributes.size())));
                    }
                    default -> { }
                }
            }
            if (opType.isEmpty()) {
                throw new IllegalArgumentException(source + ": " + m.where() + " ('" + name + "'): no op_type: "
                        + "expected every node to name its operator");
            }
            return new Node(name, opType, domain, List.copyOf(in), List.copyOf(out), List.copyOf(attributes));
        }

        private Attribute attribute(ProtoReader m) {
            String name = "";
            int type = 0;
            Float f = null;
            Long i = null;
            Tensor t = null;
            long seen = 0;
            while (m.next()) {
                switch (m.field) {
                    case 1 -> {
                        seen = once(m, seen, "name");
                        name = string(m, "name");
                    }
                    case 20 -> {
                        seen = once(m, seen, "type");
                        type = m.int32("type");
                    }
                    case 2 -> {
                        seen = once(m, seen, "f");
                        m.expect(ProtoReader.FIXED32, "f");
                        f = Float.intBitsToFloat((int) m.value);
                    }
                    case 3 -> {
                        seen = once(m, seen, "i");
                        i = m.int64("i");
                    }
                    case 5 -> {
                        seen = once(m, seen, "t");
                        long start = m.lenStart, end = m.lenEnd;
                        t = tensor(m.message("t"), start, end);
                    }
                    default -> { } // s, g, lists, sparse tensors, type protos: not needed, skipped
                }
            }
            return new Attribute(name, type, f, i, t);
        }

        /** A TensorProto whose message is {@code [start, end)}. */
        private Tensor tensor(ProtoReader m, long start, long end) {
            if (tensors >= MAX_TENSORS) {
                throw m.failAt(start, "more than " + MAX_TENSORS + " tensors: refusing a model this large");
            }
            tensors++;
            String name = "";
            int dataType = 0;
            long[] dims = new long[4];
            int rank = 0;
            long location = 0;
            boolean external = false;
            Storage storage = Storage.NONE;
            long count = 0; // values in the typed field, or bytes of raw_data
            int chunks = 0; // occurrences of the data field
            long payloadStart = -1, payloadEnd = -1;
            long seen = 0;
            while (m.next()) {
                int field = m.field;
                switch (field) {
                    case 1 -> { // dims: repeated int64, unpacked (proto2 default) or packed
                        if (m.wireType == ProtoReader.LEN) {
                            long[] p = {m.lenStart};
                            long n = m.countPackedVarints(m.lenStart, m.lenEnd, "dims");
                            if (rank + n > MAX_RANK) {
                                throw m.fail("more than " + MAX_RANK + " dims");
                            }
                            for (long k = 0; k < n; k++) {
                                dims = add(dims, rank++, ProtoReader.varintAt(seg, p));
                            }
                        } else {
                            long d = m.int64("dims");
                            if (rank >= MAX_RANK) {
                                throw m.fail("more than " + MAX_RANK + " dims");
                            }
                            dims = add(dims, rank++, d);
                        }
                    }
                    case 2 -> {
                        seen = once(m, seen, "data_type");
                        dataType = m.int32("data_type");
                    }
                    case 3 -> throw m.fail("a segmented tensor (field segment): not supported");
                    case 8 -> {
                        seen = once(m, seen, "name");
                        name = string(m, "name");
                    }
                    case 13 -> external = true;
                    case 14 -> {
                        seen = once(m, seen, "data_location");
                        location = m.int64("data_location");
                    }
                    case 4, 5, 6, 7, 9, 10, 11 -> {
                        Storage s = storageOf(field);
                        if (storage != Storage.NONE && storage != s) {
                            throw m.fail("values in both " + storage.fieldName() + " and " + s.fieldName()
                                    + ": expected one data field");
                        }
                        if (s == Storage.RAW_DATA && storage == s) {
                            throw m.fail("raw_data appears twice: expected once");
                        }
                        storage = s;
                        chunks++;
                        count = Math.addExact(count, values(m, s));
                        if (m.wireType == ProtoReader.LEN && s != Storage.STRING_DATA) {
                            payloadStart = m.lenStart;
                            payloadEnd = m.lenEnd;
                        }
                    }
                    default -> { } // doc_string, metadata_props, ...
                }
            }
            String at = source + ": " + m.where() + " '" + name + "'";
            if (external || location != 0) {
                throw new IllegalArgumentException(at + ": the data is in an external file (data_location "
                        + (location == 1 ? "EXTERNAL" : String.valueOf(location)) + "): not supported; save the model "
                        + "with its weights inside the .onnx file");
            }
            if (dataType <= 0 || dataType >= TYPE_BITS.length) {
                throw new IllegalArgumentException(at + ": " + typeName(dataType) + ": expected an ONNX data type "
                        + "(1 .. " + (TYPE_BITS.length - 1) + ")");
            }
            long[] shape = Arrays.copyOf(dims, rank);
            long elements = elements(at, shape);
            checkData(at, dataType, shape, elements, storage, count);
            boolean contiguous = chunks == 1 && payloadStart >= 0 && (storage == Storage.RAW_DATA
                    || storage == Storage.FLOAT_DATA || storage == Storage.DOUBLE_DATA);
            return new Tensor(name, dataType, shape, elements, storage, start, end, contiguous ? payloadStart : -1,
                    contiguous ? payloadEnd : -1);
        }

        private static long[] add(long[] dims, int at, long value) {
            if (at == dims.length) {
                dims = Arrays.copyOf(dims, dims.length * 2);
            }
            dims[at] = value;
            return dims;
        }

        private static Storage storageOf(int field) {
            for (Storage s : Storage.values()) {
                if (s.field == field) {
                    return s;
                }
            }
            throw new AssertionError(field);
        }

        /** The values in one occurrence of a data field (bytes for raw_data), checking its wire type. */
        private static long values(ProtoReader m, Storage s) {
            String name = s.fieldName();
            return switch (s) {
                case RAW_DATA, STRING_DATA -> {
                    m.expect(ProtoReader.LEN, name);
                    yield s == Storage.RAW_DATA ? m.lenEnd - m.lenStart : 1;
                }
                case FLOAT_DATA -> fixed(m, name, ProtoReader.FIXED32, 4);
                case DOUBLE_DATA -> fixed(m, name, ProtoReader.FIXED64, 8);
                case INT32_DATA, INT64_DATA, UINT64_DATA -> {
                    if (m.wireType == ProtoReader.LEN) {
                        yield m.countPackedVarints(m.lenStart, m.lenEnd, name);
                    }
                    m.expect(ProtoReader.VARINT, name);
                    yield 1;
                }
                case NONE -> throw new AssertionError();
            };
        }

        private static long fixed(ProtoReader m, String name, int unpackedWireType, int width) {
            if (m.wireType == ProtoReader.LEN) {
                long bytes = m.lenEnd - m.lenStart;
                if (bytes % width != 0) {
                    throw m.fail("packed " + name + " has " + bytes + " bytes: expected a multiple of " + width);
                }
                return bytes / width;
            }
            m.expect(unpackedWireType, name);
            return 1;
        }

        private static long elements(String at, long[] shape) {
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(at + ": dims " + Arrays.toString(shape)
                            + ": expected dimensions >= 0");
                }
            }
            for (long d : shape) {
                if (d == 0) {
                    return 0;
                }
            }
            for (long d : shape) {
                try {
                    n = Math.multiplyExact(n, d);
                } catch (ArithmeticException overflow) {
                    throw new IllegalArgumentException(at + ": dims " + Arrays.toString(shape) + ": the element count "
                            + "overflows 64 bits");
                }
            }
            return n;
        }

        /** Checks that the data field fits the data type and holds exactly the elements the dims say. */
        private static void checkData(String at, int dataType, long[] shape, long elements, Storage storage,
                                      long count) {
            String type = typeName(dataType);
            int bits = TYPE_BITS[dataType];
            long expected;
            switch (storage) {
                case NONE -> {
                    if (elements != 0) {
                        throw new IllegalArgumentException(at + ": " + type + Arrays.toString(shape) + " has no data: "
                                + "expected raw_data or a typed data field with " + elements + " values");
                    }
                    return;
                }
                case RAW_DATA -> {
                    if (dataType == STRING) {
                        throw new IllegalArgumentException(at + ": a STRING tensor in raw_data: expected string_data");
                    }
                    long totalBits;
                    try {
                        totalBits = Math.multiplyExact(elements, bits);
                    } catch (ArithmeticException overflow) {
                        throw new IllegalArgumentException(at + ": " + type + Arrays.toString(shape)
                                + ": the byte count overflows 64 bits");
                    }
                    expected = totalBits / 8 + (totalBits % 8 == 0 ? 0 : 1);
                    if (count != expected) {
                        throw new IllegalArgumentException(at + ": raw_data has " + count + " bytes: expected "
                                + expected + " (dims " + Arrays.toString(shape) + " × " + type + ")");
                    }
                    return;
                }
                case FLOAT_DATA -> expected = dataType == FLOAT ? elements : dataType == COMPLEX64 ? 2 * elements : -1;
                case DOUBLE_DATA -> expected = dataType == DOUBLE ? elements
                        : dataType == COMPLEX128 ? 2 * elements : -1;
                case INT64_DATA -> expected = dataType == INT64 ? elements : -1;
                case UINT64_DATA -> expected = dataType == 12 || dataType == 13 ? elements : -1;
                case STRING_DATA -> expected = dataType == STRING ? elements : -1;
                case INT32_DATA -> {
                    boolean allowed = dataType >= 2 && dataType <= 6 || dataType == 9 || dataType == 10
                            || dataType >= 16;
                    expected = !allowed ? -1 : bits == 4 ? (elements + 1) / 2 : bits == 2 ? (elements + 3) / 4
                            : elements;
                }
                default -> throw new AssertionError(storage);
            }
            if (expected < 0) {
                throw new IllegalArgumentException(at + ": " + type + " values in " + storage.fieldName()
                        + ": that field does not hold " + type);
            }
            if (count != expected) {
                throw new IllegalArgumentException(at + ": " + storage.fieldName() + " has " + count + " values: "
                        + "expected " + expected + " (dims " + Arrays.toString(shape) + " of " + type + ")");
            }
        }

        private String string(ProtoReader r, String name) {
            r.expect(ProtoReader.LEN, name);
            if (++strings > MAX_STRINGS) {
                throw r.fail("more than " + MAX_STRINGS + " strings: refusing a model this large");
            }
            stringBytes += r.lenEnd - r.lenStart;
            if (stringBytes > MAX_STRING_TOTAL_BYTES) {
                throw r.fail("names take more than " + (MAX_STRING_TOTAL_BYTES >> 20) + " MiB: refusing a model this "
                        + "large");
            }
            return r.string(name);
        }

        /** Marks a field that may appear once as seen (a bit per field number below 64). */
        private static long once(ProtoReader r, long seen, String name) {
            long bit = 1L << r.field;
            if ((seen & bit) != 0) {
                throw r.fail(name + " (field " + r.field + ") appears twice: expected once");
            }
            return seen | bit;
        }
    }
}
