package org.attention4j.jmh;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.attention4j.AttentionSpec;

/**
 * One-node ONNX models of plain attention, written as protobuf bytes here so the benchmarks need no
 * onnx or protobuf library and no model files. Both graphs take the engine's BSHD tensors as they are:
 * query, key and value of shape [B, S, H·D] float (a BSHD array is exactly that), output [B, S, H·D].
 * <ul>
 *   <li>{@link #multiHeadAttention}: ONNX Runtime's contrib op {@code com.microsoft:MultiHeadAttention}
 *       (opsets com.microsoft 1, ai.onnx 17); attributes {@code num_heads = H}, {@code scale},
 *       {@code unidirectional} (1: causal).
 *   <li>{@link #attention23}: the standard {@code Attention} of opset 23 in its 3-D form; attributes
 *       {@code q_num_heads = H}, {@code kv_num_heads = H_kv}, {@code is_causal}, {@code scale}. The 4-D
 *       form wants [B, H, S, D] (BHSD): feeding it would mean transposing our inputs, a different (and,
 *       for us, easier: docs/PERFORMANCE.md) layout, so the 3-D form is the one that sees the same bytes.
 * </ul>
 * The scale is always written (the spec's, by default 1/√D), never left to the op's default.
 *
 * <p>Field numbers are those of onnx/onnx.proto (proto2); a protobuf reader accepts fields in any
 * order, and only the fields below are written.
 */
final class OnnxAttentionGraphs {
    /** ModelProto.ir_version: IR 11 is the one that came with opset 23. */
    private static final long IR_VERSION = 11;
    /** TensorProto.DataType.FLOAT */
    private static final long FLOAT = 1;
    /** AttributeProto.AttributeType FLOAT and INT */
    private static final long ATTR_FLOAT = 1, ATTR_INT = 2;
    /** Graph value names, the same in both graphs: inputs in the ops' order (query, key, value). */
    static final List<String> INPUTS = List.of("query", "key", "value");
    static final String OUTPUT = "out";

    private OnnxAttentionGraphs() {}

    /** {@code com.microsoft:MultiHeadAttention} over BSHD [B, S, H·D] inputs; needs H = H_kv. */
    static byte[] multiHeadAttention(AttentionSpec spec) {
        requirePlain(spec);
        if (spec.kvHeads() != spec.heads()) {
            throw new IllegalArgumentException("MultiHeadAttention needs kvHeads == heads, got " + spec);
        }
        Message node = node("MultiHeadAttention", "com.microsoft")
                .message(5, intAttribute("num_heads", spec.heads()))                 // attribute
                .message(5, floatAttribute("scale", spec.scale()))
                .message(5, intAttribute("unidirectional", spec.causal() ? 1 : 0));
        return model(graph(spec, node), opset("com.microsoft", 1), opset("", 17));
    }

    /** The standard {@code Attention} (opset 23), 3-D form over BSHD [B, S, H·D] inputs. */
    static byte[] attention23(AttentionSpec spec) {
        requirePlain(spec);
        Message node = node("Attention", "")
                .message(5, intAttribute("q_num_heads", spec.heads()))
                .message(5, intAttribute("kv_num_heads", spec.kvHeads()))
                .message(5, intAttribute("is_causal", spec.causal() ? 1 : 0))
                .message(5, floatAttribute("scale", spec.scale()));
        return model(graph(spec, node), opset("", 23));
    }

    /** Neither op has windows, soft-capping, ALiBi or block sparsity in this form: refuse them. */
    private static void requirePlain(AttentionSpec spec) {
        if (spec.hasWindow() || spec.softcap() != 0 || spec.hasAlibi() || spec.blockSparse() != null
                || spec.queryLength() != spec.keyLength()) {
            throw new IllegalArgumentException("only plain (causal or full) self-attention has an ONNX graph here, got "
                    + spec);
        }
    }

    /** The node: inputs {@link #INPUTS} in the op's order (query, key, value), output {@link #OUTPUT}. */
    private static Message node(String opType, String domain) {
        Message node = new Message();
        for (String input : INPUTS) {
            node.string(1, input);     // input
        }
        return node.string(2, OUTPUT)  // output
                .string(4, opType)     // op_type
                .string(7, domain);    // domain ("": ai.onnx)
    }

    /**
     * One node; query and key [B, S, heads·D], value [B, S, kvHeads·Dv] and output [B, S, heads·Dv] float
     * (both ops take a value hidden size of its own).
     */
    private static Message graph(AttentionSpec spec, Message node) {
        int b = spec.batch(), n = spec.queryLength(), d = spec.headDim(), dv = spec.valueHeadDim();
        return new Message()
                .message(1, node)                                                    // node
                .string(2, "attention")                                              // name
                .message(11, valueInfo(INPUTS.get(0), b, n, (long) spec.heads() * d)) // input
                .message(11, valueInfo(INPUTS.get(1), b, n, (long) spec.kvHeads() * d))
                .message(11, valueInfo(INPUTS.get(2), b, n, (long) spec.kvHeads() * dv))
                .message(12, valueInfo(OUTPUT, b, n, (long) spec.heads() * dv));       // output
    }

    private static byte[] model(Message graph, Message... opsets) {
        Message model = new Message()
                .varint(1, IR_VERSION)                 // ir_version
                .string(2, "attention4j-jmh");         // producer_name
        for (Message opset : opsets) {
            model.message(8, opset);                   // opset_import
        }
        return model.message(7, graph).toByteArray(); // graph
    }

    private static Message opset(String domain, long version) {
        return new Message().string(1, domain).varint(2, version); // OperatorSetIdProto: domain, version
    }

    /** ValueInfoProto {name, type: TypeProto {tensor_type: {elem_type FLOAT, shape {dim {dim_value}}…}}}. */
    private static Message valueInfo(String name, long... dims) {
        Message shape = new Message();
        for (long dim : dims) {
            shape.message(1, new Message().varint(1, dim));             // dim { dim_value }
        }
        Message tensorType = new Message().varint(1, FLOAT).message(2, shape); // elem_type, shape
        return new Message().string(1, name).message(2, new Message().message(1, tensorType));
    }

    private static Message intAttribute(String name, long value) {
        return new Message().string(1, name).varint(20, ATTR_INT).varint(3, value);     // name, type, i
    }

    private static Message floatAttribute(String name, float value) {
        return new Message().string(1, name).varint(20, ATTR_FLOAT).fixed32(2, value);  // name, type, f
    }

    /**
     * A protobuf message being written: each field is a key {@code (number << 3) | wire type}, then a
     * varint (type 0), 4 little-endian bytes (type 5) or a varint length and the bytes (type 2: strings
     * and nested messages).
     */
    private static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Message varint(int field, long value) {
            key(field, 0);
            writeVarint(value);
            return this;
        }

        Message fixed32(int field, float value) {
            key(field, 5);
            int bits = Float.floatToRawIntBits(value);
            for (int i = 0; i < 4; i++) {
                out.write(bits >>> (8 * i));
            }
            return this;
        }

        Message string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Message message(int field, Message value) {
            return bytes(field, value.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private Message bytes(int field, byte[] value) {
            key(field, 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        private void key(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        /** Base-128, least significant group first, high bit set on all but the last byte. */
        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
