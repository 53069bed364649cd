package org.attention4j.model.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.attention4j.model.BertConfig;
import org.attention4j.model.WeightSource;

import org.attention4j.model.onnx.OnnxModelFile.Node;
import org.attention4j.model.onnx.OnnxModelFile.Tensor;

/**
 * The weights of a BERT-family encoder exported to ONNX (e.g. by {@code torch.onnx.export} or Optimum),
 * presented in the Hugging Face naming and layout.
 * <ul>
 *   <li>The MatMul weights of an export are anonymous ({@code onnx::MatMul_787}) and stored {@code [in,
 *       out]}; each is named after the node that uses it — {@code /encoder/layer.N/attention/self/query/MatMul}
 *       becomes {@code encoder.layer.N.attention.self.query.weight}, and likewise {@code key}, {@code value},
 *       {@code attention/output/dense}, {@code intermediate/dense} and {@code output/dense} — and {@link #read}
 *       returns it transposed, {@code [out, in]} like {@code nn.Linear}. A bias that an export left anonymous
 *       is named after its {@code .../Add} node the same way.
 *   <li>The other initializers keep their names ({@code embeddings.word_embeddings.weight}, {@code
 *       encoder.layer.0.attention.self.query.bias}, ..., and {@code embeddings.position_ids}, which is
 *       INT64 and so listed but not readable as floats).
 *   <li>A prefix in front of the BERT names — {@code bert.} when a task model such as
 *       {@code BertForSequenceClassification} was exported, recognised as whatever precedes
 *       {@code embeddings.word_embeddings.weight} — is stripped from every initializer that has it
 *       (others, such as a classifier head's, keep their names); node names are then expected under the
 *       matching scope ({@code /bert/encoder/layer.N/...}). {@link #prefix()} tells which was stripped.
 * </ul>
 * {@link #open} checks that every tensor of an encoder is there with consistent shapes and infers the
 * {@link #config()} from them (see there). It refuses, with a message saying what it found: quantized
 * models (quantization ops, or int8/uint8/int4 weight tensors), half-precision models, graphs without the
 * BERT embedding names, incomplete encoders, and everything the package's ONNX reader refuses (malformed,
 * truncated or hostile files, external data).
 *
 * <p>Instances are immutable and hold no open file: each {@link #read} maps the tensor's bytes again.
 *
 * @since 0.1
 */
public final class OnnxBertWeights implements WeightSource {
    private static final String WORD = "embeddings.word_embeddings.weight";
    private static final String POSITION = "embeddings.position_embeddings.weight";
    private static final String TOKEN_TYPE = "embeddings.token_type_embeddings.weight";
    /** The BERT eps used when the graph shows none (Hugging Face's BertConfig default). */
    static final double DEFAULT_EPS = 1e-12;

    /** The six linear layers of an encoder layer, as scope paths in node names. */
    private static final List<String> LINEARS = List.of("attention/self/query", "attention/self/key",
            "attention/self/value", "attention/output/dense", "intermediate/dense", "output/dense");
    private static final Pattern LINEAR_NODE = Pattern.compile("(.*)/encoder/layer\\.(\\d{1,6})/("
            + String.join("|", LINEARS) + ")/(MatMul|Add)");
    private static final Pattern LAYER_NAME = Pattern.compile("encoder\\.layer\\.(\\d{1,6})\\..*");

    private static final Set<String> QUANTIZED_OPS = Set.of("MatMulInteger", "DynamicQuantizeLinear",
            "QLinearMatMul", "DequantizeLinear", "QuantizeLinear", "QGemm", "QAttention", "DynamicQuantizeMatMul",
            "MatMulIntegerToFloat", "MatMulNBits", "MatMulBnb4", "GatherBlockQuantized", "QuantizeBFP",
            "DequantizeBFP", "ConvInteger", "DynamicQuantizeLSTM", "QEmbedLayerNormalization");
    /** ONNX Runtime's fused encoder ops: an optimized graph merges or renames the weights. */
    private static final Set<String> FUSED_OPS = Set.of("Attention", "MultiHeadAttention", "PackedAttention",
            "EmbedLayerNormalization", "SkipLayerNormalization", "FastGelu", "BiasGelu");

    /** A tensor as presented: the file's tensor, read transposed or not. */
    private record Source(Tensor tensor, boolean transposed) {
        long[] shape() {
            long[] d = tensor.shape();
            return transposed ? new long[] {d[1], d[0]} : d;
        }
    }

    private final OnnxModelFile onnx;
    private final String prefix;
    private final Map<String, Source> tensors;
    private final BertConfig config;
    private final String configProblem;

    private OnnxBertWeights(OnnxModelFile onnx, String prefix, Map<String, Source> tensors, BertConfig config,
                            String configProblem) {
        this.onnx = onnx;
        this.prefix = prefix;
        this.tensors = tensors;
        this.config = config;
        this.configProblem = configProblem;
    }

    /**
     * Reads the structure of an ONNX export of a BERT-family encoder (not yet its weights).
     *
     * @param onnxFile the {@code .onnx} file, with its weights inside (no external data)
     * @return the weights' index
     * @throws IllegalArgumentException naming the file, when it is malformed or not an fp32 BERT-family
     *         encoder (the message says what was found)
     * @throws IOException when the file cannot be read
     */
    public static OnnxBertWeights open(Path onnxFile) throws IOException {
        OnnxModelFile onnx = OnnxModelFile.open(onnxFile);
        String at = onnxFile + ": ";
        refuseQuantized(onnx, at);
        String prefix = prefix(onnx, at);
        refuseHalf(onnx, at);
        String nodePrefix = nodePrefix(onnx, prefix);
        Map<String, Source> tensors = name(onnx, prefix, nodePrefix, at);
        int[] dims = check(onnx, tensors, nodePrefix, at);
        int vocab = dims[0], hidden = dims[1], layers = dims[2], intermediate = dims[3], positions = dims[4],
                types = dims[5];
        GraphConstants graph = new GraphConstants(onnx);
        double eps = inferEps(graph, nodePrefix);
        Heads heads = inferHeads(graph, nodePrefix, hidden);
        BertConfig config = null;
        String problem = null;
        if (heads.value() > 0) {
            try {
                config = new BertConfig(vocab, hidden, layers, heads.value(), intermediate, positions, types, eps);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + "inferred config: " + e.getMessage(), e);
            }
        } else {
            problem = at + heads.problem() + "; put the model's config.json beside the file";
        }
        return new OnnxBertWeights(onnx, prefix, Collections.unmodifiableMap(tensors), config, problem);
    }

    /**
     * The encoder's shape, read off the graph:
     * <ul>
     *   <li>{@code vocabSize}, {@code hiddenSize}: the word embedding {@code [vocab, hidden]};
     *       {@code maxPositions}: the rows of the position embedding; {@code typeVocabSize}: the rows of
     *       the token-type embedding; {@code layers}: the {@code encoder.layer.N} present (0 .. N−1, all
     *       complete); {@code intermediateSize}: the rows of {@code intermediate.dense.weight}.
     *   <li>{@code heads}: not a tensor. The export splits the heads with a Reshape of the key, query or
     *       value to {@code [batch, seq, heads, headSize]}; the shape is a Concat of the two dynamic sizes
     *       and two Constant nodes (or one constant tensor), so layer 0's attention Reshapes are looked up and
     *       the third entry taken where the last two multiply to the hidden size ({@code headSize} may be
     *       −1). The Reshape that merges the heads back ({@code [batch, seq, hidden]}) does not match.
     *   <li>{@code layerNormEps}: the scalar constant added to the variance in the embeddings' LayerNorm
     *       ({@code /embeddings/LayerNorm/Add}), or the {@code epsilon} of a LayerNormalization node there
     *       (ONNX's default 1e-5 when the attribute is absent); 1e-12, BERT's default, only when the graph
     *       has neither. The float32 constant is converted through its shortest decimal form, so the
     *       {@code 1e-12f} of an export is {@code 1e-12}.
     * </ul>
     *
     * @return the encoder's sizes
     * @throws IllegalArgumentException when the graph does not show the number of heads (the message says
     *         to put a config.json beside the file, from which the caller builds the config)
     */
    public BertConfig config() {
        if (config == null) {
            throw new IllegalArgumentException(configProblem);
        }
        return config;
    }

    /** {@return the prefix stripped from the initializer names ({@code "bert."}), or {@code ""}} */
    public String prefix() {
        return prefix;
    }

    /** {@return the ONNX file} */
    public Path file() {
        return onnx.file();
    }

    /** {@return the tensor names, in the file's initializer order} (after naming and prefix stripping) */
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public String description() {
        return onnx.file() + " (ONNX)";
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        return source(name).shape();
    }

    @Override
    public float[] read(String name) throws IOException {
        Source s = source(name);
        Tensor t = s.tensor();
        if (t.dataType() != OnnxModelFile.FLOAT) {
            throw new IllegalArgumentException(onnx.file() + ": tensor '" + name + "' is " + t.typeName()
                    + ": expected float data (FLOAT)");
        }
        return s.transposed() ? onnx.readFloatsTransposed(t) : onnx.readFloats(t);
    }

    @Override
    public String toString() {
        return "OnnxBertWeights[" + onnx.file() + ", " + tensors.size() + " tensors"
                + (config != null ? ", " + config : "") + "]";
    }

    private Source source(String name) {
        Source s = tensors.get(name);
        if (s == null) {
            throw new IllegalArgumentException(onnx.file() + ": no tensor named '" + name + "': expected one of "
                    + sample(tensors.keySet(), 12));
        }
        return s;
    }

    private static String sample(Set<Integer> layers) {
        List<Integer> some = new ArrayList<>(layers).subList(0, Math.min(layers.size(), 16));
        return some + (layers.size() > 16 ? " ... (" + layers.size() + " in all)" : "");
    }

    private static String sample(Set<String> names, int max) {
        List<String> some = new ArrayList<>();
        for (String n : names) {
            if (some.size() == max) {
                some.add("... (" + names.size() + " in all)");
                break;
            }
            some.add(n);
        }
        return some.isEmpty() ? "(none)" : String.join(", ", some);
    }

    // ---- recognising the graph ------------------------------------------------------------------

    private static void refuseQuantized(OnnxModelFile onnx, String at) {
        for (Node n : onnx.nodes()) {
            String op = n.opType();
            if (QUANTIZED_OPS.contains(op) || op.startsWith("QLinear") || op.startsWith("QOrdered")) {
                throw new IllegalArgumentException(at + "quantized ONNX model (found op " + op + " in node '"
                        + n.name() + "'): expected an fp32 export");
            }
        }
        for (Tensor t : onnx.initializers().values()) {
            int type = t.dataType();
            boolean lowBits = type == OnnxModelFile.INT8 || type == OnnxModelFile.UINT8 || type == OnnxModelFile.INT4
                    || type == OnnxModelFile.UINT4 || type == OnnxModelFile.INT2 || type == OnnxModelFile.UINT2
                    || (type >= 17 && type <= 20) || type == 23 || type == 24;
            if (lowBits && t.rank() >= 2) {
                throw new IllegalArgumentException(at + "quantized ONNX model (found " + t.typeName()
                        + " weight tensor " + t + "): expected an fp32 export");
            }
        }
    }

    private static void refuseHalf(OnnxModelFile onnx, String at) {
        for (Tensor t : onnx.initializers().values()) {
            if (t.dataType() == OnnxModelFile.FLOAT16 || t.dataType() == OnnxModelFile.BFLOAT16) {
                throw new IllegalArgumentException(at + "half-precision ONNX model (found " + t.typeName()
                        + " tensor " + t + "): expected an fp32 export (float32 weights)");
            }
        }
    }

    /** What precedes {@code embeddings.word_embeddings.weight} in the one initializer that ends with it. */
    private static String prefix(OnnxModelFile onnx, String at) {
        List<String> found = new ArrayList<>();
        for (String name : onnx.initializers().keySet()) {
            if (name.endsWith(WORD) && (name.length() == WORD.length()
                    || name.charAt(name.length() - WORD.length() - 1) == '.')) {
                found.add(name);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException(at + "not a BERT-family encoder: found initializers "
                    + sample(onnx.initializers().keySet(), 8) + ", expected " + WORD + ", " + POSITION + ", "
                    + TOKEN_TYPE + " and encoder.layer.N.* (possibly under a prefix such as bert.)");
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException(at + "several word embeddings (" + String.join(", ", found)
                    + "): expected one BERT-family encoder");
        }
        String name = found.getFirst();
        return name.substring(0, name.length() - WORD.length());
    }

    /**
     * The scope of the encoder's nodes: the one scope in front of {@code /encoder/layer.N/...} when all
     * nodes agree, else the one matching the prefix ({@code bert.} → {@code /bert}).
     */
    private static String nodePrefix(OnnxModelFile onnx, String prefix) {
        String expected = prefix.isEmpty() ? "" : "/" + prefix.substring(0, prefix.length() - 1).replace('.', '/');
        Set<String> scopes = new LinkedHashSet<>();
        for (Node n : onnx.nodes()) {
            Matcher m = LINEAR_NODE.matcher(n.name());
            if (m.matches()) {
                scopes.add(m.group(1));
            }
        }
        return scopes.size() == 1 ? scopes.iterator().next() : expected;
    }

    /** The presented tensors: the named MatMul weights and biases, and the other initializers. */
    private static Map<String, Source> name(OnnxModelFile onnx, String prefix, String nodePrefix, String at) {
        Map<String, Tensor> inits = onnx.initializers();
        Map<String, Source> mapped = new HashMap<>();
        Map<String, List<String>> namesOf = new HashMap<>(); // initializer → the names it is presented under
        for (Node n : onnx.nodes()) {
            Matcher m = LINEAR_NODE.matcher(n.name());
            if (!m.matches() || !m.group(1).equals(nodePrefix) || !n.opType().equals(m.group(4))) {
                continue;
            }
            String base = "encoder.layer." + Integer.parseInt(m.group(2)) + "." + m.group(3).replace('/', '.');
            Tensor t;
            String name;
            if (n.opType().equals("MatMul")) {
                // MatMul(A, B) with the weight B [in, out]
                t = n.inputs().size() == 2 ? inits.get(n.inputs().get(1)) : null;
                name = base + ".weight";
                if (t != null && t.rank() != 2) {
                    throw new IllegalArgumentException(at + "node " + n + ": weight " + t + ": expected 2 dims [in, out]");
                }
            } else {
                t = null;
                for (String in : n.inputs()) {
                    Tensor c = inits.get(in);
                    if (c != null && c.rank() == 1) {
                        t = c;
                    }
                }
                name = base + ".bias";
                if (t != null && strip(t.name(), prefix).equals(name)) {
                    continue; // already named: passed through below
                }
            }
            if (t == null) {
                continue; // e.g. a weight behind a Transpose: then the HF-named initializer passes through
            }
            if (mapped.put(name, new Source(t, n.opType().equals("MatMul"))) != null) {
                throw new IllegalArgumentException(at + "two nodes give a tensor named " + name + " (the second is "
                        + n + "): expected one per layer");
            }
            namesOf.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(name);
        }
        Map<String, Source> out = new LinkedHashMap<>();
        for (Tensor t : inits.values()) {
            List<String> names = namesOf.get(t.name());
            if (names != null) {
                for (String name : names) {
                    put(out, name, mapped.get(name), at);
                }
            } else {
                put(out, strip(t.name(), prefix), new Source(t, false), at);
            }
        }
        return out;
    }

    private static void put(Map<String, Source> out, String name, Source s, String at) {
        Source before = out.putIfAbsent(name, s);
        if (before != null) {
            throw new IllegalArgumentException(at + "two tensors would be named " + name + ": " + before.tensor()
                    + " and " + s.tensor() + ": expected one");
        }
    }

    private static String strip(String name, String prefix) {
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    /**
     * Checks the encoder is complete with consistent FLOAT shapes; returns vocab, hidden, layers,
     * intermediate, positions and token types.
     */
    private static int[] check(OnnxModelFile onnx, Map<String, Source> tensors, String nodePrefix, String at) {
        long[] word = tensors.get(WORD).shape();
        if (word.length != 2) {
            throw new IllegalArgumentException(at + WORD + " has shape " + Arrays.toString(word)
                    + ": expected [vocab, hidden]");
        }
        long hidden = word[1];
        List<String> missing = new ArrayList<>();
        long positions = rows(tensors, POSITION, hidden, missing, at);
        long types = rows(tensors, TOKEN_TYPE, hidden, missing, at);
        expect(tensors, "embeddings.LayerNorm.weight", new long[] {hidden}, missing, at);
        expect(tensors, "embeddings.LayerNorm.bias", new long[] {hidden}, missing, at);
        expect(tensors, WORD, word, missing, at);

        TreeSet<Integer> present = new TreeSet<>();
        for (String name : tensors.keySet()) {
            Matcher m = LAYER_NAME.matcher(name);
            if (m.matches()) {
                present.add(Integer.parseInt(m.group(1)));
            }
        }
        int layers = present.size();
        if (!present.isEmpty() && present.last() != layers - 1) {
            throw new IllegalArgumentException(at + "not a complete BERT-family encoder: layers " + sample(present)
                    + " are present: expected encoder.layer.0 .. encoder.layer.N-1, none missing");
        }
        long intermediate = -1;
        Source first = tensors.get("encoder.layer.0.intermediate.dense.weight");
        if (first != null && first.shape().length == 2) {
            intermediate = first.shape()[0];
        }
        for (int l = 0; l < Math.max(layers, 1); l++) {
            String p = "encoder.layer." + l + ".";
            for (String linear : LINEARS) {
                String name = p + linear.replace('/', '.');
                long out = linear.equals("intermediate/dense") ? intermediate : hidden;
                long in = linear.equals("output/dense") ? intermediate : hidden;
                expect(tensors, name + ".weight", new long[] {out, in}, missing, at);
                expect(tensors, name + ".bias", new long[] {out}, missing, at);
            }
            for (String norm : List.of("attention.output.LayerNorm.", "output.LayerNorm.")) {
                expect(tensors, p + norm + "weight", new long[] {hidden}, missing, at);
                expect(tensors, p + norm + "bias", new long[] {hidden}, missing, at);
            }
        }
        if (!missing.isEmpty()) {
            int linearNodes = 0;
            Set<String> fused = new TreeSet<>();
            for (Node n : onnx.nodes()) {
                if (LINEAR_NODE.matcher(n.name()).matches() && n.opType().equals("MatMul")) {
                    linearNodes++;
                }
                if (FUSED_OPS.contains(n.opType())) {
                    fused.add(n.opType());
                }
            }
            throw new IllegalArgumentException(at + "not a complete BERT-family encoder: missing "
                    + String.join(", ", missing.subList(0, Math.min(8, missing.size())))
                    + (missing.size() > 8 ? " and " + (missing.size() - 8) + " more" : "")
                    + " (MatMul weights are named after their nodes '" + nodePrefix + "/encoder/layer.N/"
                    + "attention/self/query/MatMul' ...; found " + linearNodes + " such nodes)"
                    + (fused.isEmpty() ? "" : "; the graph has ONNX Runtime fused ops " + fused
                    + ", which merge weights: expected a plain, unoptimized export"));
        }
        return new int[] {toInt(word[0], WORD, at), toInt(hidden, WORD, at), layers,
            toInt(intermediate, "intermediate.dense.weight", at), toInt(positions, POSITION, at),
            toInt(types, TOKEN_TYPE, at)};
    }

    /** The rows of a FLOAT [rows, hidden] tensor, or -1 (and noted as missing) when absent. */
    private static long rows(Map<String, Source> tensors, String name, long hidden, List<String> missing,
                             String at) {
        Source s = tensors.get(name);
        if (s == null) {
            missing.add(name);
            return -1;
        }
        long[] shape = s.shape();
        if (shape.length != 2 || shape[1] != hidden) {
            throw new IllegalArgumentException(at + "tensor " + name + " has shape " + Arrays.toString(shape)
                    + ": expected [rows, " + hidden + "]");
        }
        expect(tensors, name, shape, missing, at);
        return shape[0];
    }

    private static void expect(Map<String, Source> tensors, String name, long[] shape, List<String> missing,
                               String at) {
        Source s = tensors.get(name);
        if (s == null) {
            missing.add(name);
            return;
        }
        long[] actual = s.shape();
        boolean matches = actual.length == shape.length;
        for (int i = 0; matches && i < shape.length; i++) {
            matches = shape[i] < 0 || actual[i] == shape[i]; // -1: not known yet (its own tensor is missing)
        }
        if (!matches) {
            throw new IllegalArgumentException(at + "tensor " + name + " has shape " + Arrays.toString(s.shape())
                    + ": expected " + Arrays.toString(shape) + (s.transposed() ? " (read transposed from "
                    + s.tensor() + ")" : ""));
        }
        if (s.tensor().dataType() != OnnxModelFile.FLOAT) {
            throw new IllegalArgumentException(at + "tensor " + name + " is " + s.tensor().typeName()
                    + ": expected FLOAT (an fp32 export)");
        }
    }

    private static int toInt(long value, String what, String at) {
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(at + what + ": size " + value + ": expected 1 .. " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    // ---- heads and eps --------------------------------------------------------------------------

    /** The most candidate nodes looked at for the heads or the eps: a real export has a handful. */
    private static final int MAX_CANDIDATES = 32;

    /** The heads, or 0 and why they could not be inferred. */
    private record Heads(int value, String problem) {}

    private static Heads inferHeads(GraphConstants graph, String nodePrefix, long hidden) throws IOException {
        String scope = nodePrefix + "/encoder/layer.0/attention/self/";
        Set<Long> found = new TreeSet<>();
        int candidates = 0;
        for (Node n : graph.onnx.nodes()) {
            if (!n.opType().equals("Reshape") || !n.name().startsWith(scope) || n.inputs().size() < 2) {
                continue;
            }
            if (++candidates > MAX_CANDIDATES) {
                break;
            }
            Long[] shape = graph.shapeValues(n.inputs().get(1));
            if (shape == null || shape.length != 4 || shape[2] == null || shape[3] == null) {
                continue;
            }
            long h = shape[2], d = shape[3];
            if (h > 0 && h <= hidden && (d == -1 ? hidden % h == 0 : d > 0 && d <= hidden && h * d == hidden)) {
                found.add(h);
            }
        }
        if (found.size() == 1) {
            return new Heads((int) (long) found.iterator().next(), null);
        }
        return new Heads(0, found.isEmpty()
                ? "cannot infer the number of attention heads: no Reshape to [batch, seq, heads, headSize] in '"
                + scope + "' with constant heads and headSize multiplying to hidden = " + hidden
                : "cannot infer the number of attention heads: the Reshapes in '" + scope + "' disagree (" + found
                + ")");
    }

    /** The embeddings' LayerNorm eps from the graph, or {@link #DEFAULT_EPS}. */
    private static double inferEps(GraphConstants graph, String nodePrefix) throws IOException {
        String scope = nodePrefix + "/embeddings/LayerNorm/";
        int candidates = 0;
        for (Node n : graph.onnx.nodes()) {
            if (!n.name().startsWith(scope)) {
                continue;
            }
            if (n.opType().equals("LayerNormalization")) {
                OnnxModelFile.Attribute a = n.attribute("epsilon");
                return a != null && a.f() != null ? decimal(a.f()) : 1e-5;
            }
            if (n.opType().equals("Add")) {
                if (++candidates > MAX_CANDIDATES) {
                    break;
                }
                for (String in : n.inputs()) {
                    Float eps = graph.floatScalar(in);
                    if (eps != null) {
                        return decimal(eps);
                    }
                }
            }
        }
        return DEFAULT_EPS;
    }

    /** A float32 as the double of its shortest decimal form ({@code 1e-12f} → {@code 1e-12}). */
    private static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    /** Constant values of the graph: initializers and Constant nodes' outputs, small ones only. */
    private static final class GraphConstants {
        final OnnxModelFile onnx;
        private final Map<String, Node> producers = new HashMap<>();

        GraphConstants(OnnxModelFile onnx) {
            this.onnx = onnx;
            for (Node n : onnx.nodes()) {
                for (String out : n.outputs()) {
                    producers.putIfAbsent(out, n);
                }
            }
        }

        /** The values of a Reshape's shape input: a constant, or a Concat of one-element pieces (null: dynamic). */
        Long[] shapeValues(String value) throws IOException {
            long[] c = longs(value);
            if (c != null) {
                return Arrays.stream(c).boxed().toArray(Long[]::new);
            }
            Node p = producers.get(value);
            if (p == null || !p.opType().equals("Concat") || p.inputs().size() > OnnxModelFile.MAX_RANK) {
                return null;
            }
            Long[] out = new Long[p.inputs().size()];
            for (int i = 0; i < out.length; i++) {
                long[] piece = longs(p.inputs().get(i));
                out[i] = piece != null && piece.length == 1 ? piece[0] : null;
            }
            return out;
        }

        /** An INT64/INT32 constant of at most 64 values, or null. */
        long[] longs(String value) throws IOException {
            Tensor t = onnx.initializers().get(value);
            Node p = producers.get(value);
            if (t == null && p != null && p.opType().equals("Constant")) {
                OnnxModelFile.Attribute a = p.attribute("value");
                if (a != null && a.t() != null) {
                    t = a.t();
                } else if ((a = p.attribute("value_int")) != null && a.i() != null) {
                    return new long[] {a.i()};
                }
            }
            if (t == null || (t.dataType() != OnnxModelFile.INT64 && t.dataType() != OnnxModelFile.INT32)
                    || t.elements() > OnnxModelFile.MAX_RANK) {
                return null;
            }
            return onnx.readLongs(t);
        }

        /** A FLOAT scalar constant, or null. */
        Float floatScalar(String value) throws IOException {
            Tensor t = onnx.initializers().get(value);
            Node p = producers.get(value);
            if (t == null && p != null && p.opType().equals("Constant")) {
                OnnxModelFile.Attribute a = p.attribute("value");
                if (a != null && a.t() != null) {
                    t = a.t();
                } else if ((a = p.attribute("value_float")) != null && a.f() != null) {
                    return a.f();
                }
            }
            if (t == null || t.dataType() != OnnxModelFile.FLOAT || t.elements() != 1) {
                return null;
            }
            return onnx.readFloats(t)[0];
        }
    }
}
