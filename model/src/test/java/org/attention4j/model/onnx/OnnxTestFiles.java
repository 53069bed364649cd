package org.attention4j.model.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hand-written protobuf bytes for tests: a tiny writer, ONNX message builders, and a fake BERT export. */
final class OnnxTestFiles {
    private OnnxTestFiles() {}

    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, FLOAT16 = 10;

    /** A protobuf message being written. */
    static final class Pb {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        static byte[] varintBytes(long v) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while ((v & ~0x7fL) != 0) {
                b.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            b.write((int) v);
            return b.toByteArray();
        }

        Pb tag(int field, int wireType) {
            return raw(varintBytes(((long) field << 3) | wireType));
        }

        Pb raw(byte... bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Pb varint(int field, long v) {
            return tag(field, 0).raw(varintBytes(v));
        }

        Pb fixed32(int field, int bits) {
            tag(field, 5);
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bits).array());
        }

        Pb bytes(int field, byte[] b) {
            tag(field, 2).raw(varintBytes(b.length));
            return raw(b);
        }

        Pb string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Pb message(int field, Pb m) {
            return bytes(field, m.toBytes());
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }

    static byte[] floatBytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] longBytes(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    /** A TensorProto with raw_data (field order of torch exports: dims, data_type, name, raw_data). */
    static Pb tensor(String name, int dataType, long[] dims, byte[] raw) {
        Pb t = new Pb();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, dataType);
        t.string(8, name);
        return t.bytes(9, raw);
    }

    static Pb floatTensor(String name, long[] dims, float[] values) {
        return tensor(name, FLOAT, dims, floatBytes(values));
    }

    static Pb node(String name, String op, List<String> inputs, List<String> outputs, Pb... attributes) {
        Pb n = new Pb();
        for (String in : inputs) {
            n.string(1, in);
        }
        for (String out : outputs) {
            n.string(2, out);
        }
        n.string(3, name).string(4, op);
        for (Pb a : attributes) {
            n.message(5, a);
        }
        return n;
    }

    /** A Constant node whose {@code value} is {@code t}, producing {@code name + "_output_0"}. */
    static Pb constant(String name, Pb t) {
        Pb value = new Pb().string(1, "value").message(5, t).varint(20, 4);
        return node(name, "Constant", List.of(), List.of(name + "_output_0"), value);
    }

    static Pb graph(List<Pb> nodes, List<Pb> initializers, List<String> inputs, List<String> outputs) {
        Pb g = new Pb();
        for (Pb n : nodes) {
            g.message(1, n);
        }
        g.string(2, "torch_jit");
        for (Pb t : initializers) {
            g.message(5, t);
        }
        for (String in : inputs) {
            g.message(11, new Pb().string(1, in));
        }
        for (String out : outputs) {
            g.message(12, new Pb().string(1, out));
        }
        return g;
    }

    /** A ModelProto as torch writes it: ir_version, producer, graph, opset_import. */
    static byte[] model(Pb graph) {
        return new Pb().varint(1, 8).string(2, "pytorch").string(3, "2.0.1").message(7, graph)
                .message(8, new Pb().varint(2, 17)).toBytes();
    }

    /** The value of element {@code i} of initializer number {@code k}: distinct everywhere. */
    static float value(int k, int i) {
        return k * 1000 + i * 0.25f;
    }

    static float[] values(int k, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = value(k, i);
        }
        return v;
    }

    /** Options of a fake BERT export. */
    static final class FakeBert {
        int layers = 1, hidden = 4, heads = 2, intermediate = 8, vocab = 10, positions = 6, types = 2;
        /** Prefix of initializer names ("bert."); nodes get the matching scope ("/bert"). */
        String prefix = "";
        /** The eps constant of the embeddings' LayerNorm, or null for none. */
        Float eps = 1e-6f;
        /** Heads as Concat(Unsqueeze, Unsqueeze, Constant heads, Constant headSize); else one constant [0, 0, heads, -1]. */
        boolean headsAsConcat = true;
        boolean withReshape = true;
        /** Replaces the op of layer 0's query MatMul. */
        String queryOp = "MatMul";
        /** data_type of the key weight (FLOAT unless testing refusals). */
        int keyWeightType = FLOAT;
        /** data_type of the word embedding. */
        int wordType = FLOAT;
        /** Leaves out the value MatMul node. */
        boolean dropValueMatMul = false;
        /** Extra initializers (e.g. a classifier head outside the prefix). */
        final List<Pb> extra = new ArrayList<>();

        /** Initializer numbers for {@link #value}: the MatMul weight of layer l, linear j is 100 + 10·l + j. */
        static int matmulIndex(int layer, int linear) {
            return 100 + 10 * layer + linear;
        }

        static final String[] LINEARS = {"attention/self/query", "attention/self/key", "attention/self/value",
            "attention/output/dense", "intermediate/dense", "output/dense"};

        byte[] build() {
            String scope = prefix.isEmpty() ? "" : "/" + prefix.substring(0, prefix.length() - 1).replace('.', '/');
            List<Pb> inits = new ArrayList<>();
            List<Pb> nodes = new ArrayList<>();
            int k = 0;
            long[] ids = new long[positions];
            for (int i = 0; i < positions; i++) {
                ids[i] = i;
            }
            inits.add(tensor(prefix + "embeddings.position_ids", INT64, new long[] {1, positions}, longBytes(ids)));
            inits.add(wordType == FLOAT
                    ? floatTensor(prefix + "embeddings.word_embeddings.weight", new long[] {vocab, hidden},
                            values(k++, vocab * hidden))
                    : tensor(prefix + "embeddings.word_embeddings.weight", wordType, new long[] {vocab, hidden},
                            new byte[vocab * hidden * 2]));
            inits.add(floatTensor(prefix + "embeddings.position_embeddings.weight", new long[] {positions, hidden},
                    values(k++, positions * hidden)));
            inits.add(floatTensor(prefix + "embeddings.token_type_embeddings.weight", new long[] {types, hidden},
                    values(k++, types * hidden)));
            inits.add(floatTensor(prefix + "embeddings.LayerNorm.weight", new long[] {hidden}, values(k++, hidden)));
            inits.add(floatTensor(prefix + "embeddings.LayerNorm.bias", new long[] {hidden}, values(k++, hidden)));
            // the embeddings' LayerNorm: x - mean, pow, mean, + eps, sqrt, ...
            String ln = scope + "/embeddings/LayerNorm/";
            nodes.add(node(ln + "ReduceMean_1", "ReduceMean", List.of(ln + "Pow_output_0"),
                    List.of(ln + "ReduceMean_1_output_0")));
            if (eps != null) {
                nodes.add(constant(ln + "Constant_1", new Pb().varint(2, FLOAT).string(8, "")
                        .bytes(9, floatBytes(eps))));
                nodes.add(node(ln + "Add", "Add", List.of(ln + "ReduceMean_1_output_0", ln + "Constant_1_output_0"),
                        List.of(ln + "Add_output_0")));
            }
            nodes.add(node(ln + "Add_1", "Add", List.of(ln + "Mul_output_0", prefix + "embeddings.LayerNorm.bias"),
                    List.of(ln + "Add_1_output_0")));
            String x = ln + "Add_1_output_0";
            int anonymous = 700;
            for (int l = 0; l < layers; l++) {
                String p = prefix + "encoder.layer." + l + ".";
                String s = scope + "/encoder/layer." + l + "/";
                for (int j = 0; j < LINEARS.length; j++) {
                    String linear = LINEARS[j];
                    int out = j == 4 ? intermediate : hidden;
                    int in = j == 5 ? intermediate : hidden;
                    inits.add(floatTensor(p + linear.replace('/', '.') + ".bias", new long[] {out},
                            values(k++, out)));
                    String w = "onnx::MatMul_" + anonymous++;
                    int type = j == 1 ? keyWeightType : FLOAT;
                    inits.add(type == FLOAT
                            ? floatTensor(w, new long[] {in, out}, values(matmulIndex(l, j), in * out))
                            : tensor(w, type, new long[] {in, out}, new byte[in * out]));
                    if (!(dropValueMatMul && j == 2)) {
                        String op = l == 0 && j == 0 ? queryOp : "MatMul";
                        nodes.add(node(s + linear + "/MatMul", op, List.of(x, w), List.of(s + linear + "/MatMul_output_0")));
                    }
                    nodes.add(node(s + linear + "/Add", "Add", List.of(p + linear.replace('/', '.') + ".bias",
                            s + linear + "/MatMul_output_0"), List.of(s + linear + "/Add_output_0")));
                }
                for (String norm : new String[] {"attention.output.LayerNorm.", "output.LayerNorm."}) {
                    inits.add(floatTensor(p + norm + "weight", new long[] {hidden}, values(k++, hidden)));
                    inits.add(floatTensor(p + norm + "bias", new long[] {hidden}, values(k++, hidden)));
                }
                if (withReshape) {
                    String a = s + "attention/self/";
                    String shape;
                    if (headsAsConcat) {
                        nodes.add(constant(a + "Constant_2", new Pb().varint(1, 1).varint(2, INT64)
                                .bytes(9, longBytes(heads))));
                        nodes.add(constant(a + "Constant_3", new Pb().varint(1, 1).varint(2, INT64)
                                .bytes(9, longBytes(hidden / heads))));
                        nodes.add(node(a + "Concat", "Concat", List.of(a + "Unsqueeze_output_0",
                                a + "Unsqueeze_1_output_0", a + "Constant_2_output_0", a + "Constant_3_output_0"),
                                List.of(a + "Concat_output_0")));
                        shape = a + "Concat_output_0";
                    } else {
                        nodes.add(constant(a + "Constant_2", new Pb().varint(1, 4).varint(2, INT64)
                                .bytes(9, longBytes(0, 0, heads, -1))));
                        shape = a + "Constant_2_output_0";
                    }
                    nodes.add(node(a + "Reshape", "Reshape", List.of(s + "attention/self/key/Add_output_0", shape),
                            List.of(a + "Reshape_output_0")));
                    // the merge of the heads: [batch, seq, hidden], which must not be taken for the heads
                    nodes.add(constant(a + "Constant_9", new Pb().varint(1, 3).varint(2, INT64)
                            .bytes(9, longBytes(0, 0, hidden))));
                    nodes.add(node(a + "Reshape_3", "Reshape", List.of(a + "Transpose_3_output_0",
                            a + "Constant_9_output_0"), List.of(a + "Reshape_3_output_0")));
                }
                x = s + "output/LayerNorm/Add_1_output_0";
            }
            inits.addAll(extra);
            return model(graph(nodes, inits, List.of("input_ids", "attention_mask", "token_type_ids"),
                    List.of("last_hidden_state")));
        }
    }
}
