package org.attention4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.attention4j.io.json.StrictJson;

/**
 * The shape of a BERT-family encoder, as a Hugging Face {@code config.json} states it (or as it is read
 * off an ONNX export's tensors): nothing is hard-coded for one model.
 *
 * @param vocabSize        rows of the word embedding
 * @param hiddenSize       the model width ({@code d_model})
 * @param layers           encoder layers
 * @param heads            attention heads per layer ({@code hiddenSize / heads} is the head size)
 * @param intermediateSize the feed-forward width
 * @param maxPositions     rows of the position embedding (the longest input)
 * @param typeVocabSize    rows of the token-type embedding
 * @param layerNormEps     the epsilon of every LayerNorm
 * @since 0.1
 */
public record BertConfig(int vocabSize, int hiddenSize, int layers, int heads, int intermediateSize,
                         int maxPositions, int typeVocabSize, double layerNormEps) {
    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException naming the first size below 1, a hidden size that is not a multiple
     *     of the heads, or an epsilon outside (0, 1)
     */
    public BertConfig {
        positive("vocabSize", vocabSize);
        positive("hiddenSize", hiddenSize);
        positive("layers", layers);
        positive("heads", heads);
        positive("intermediateSize", intermediateSize);
        positive("maxPositions", maxPositions);
        positive("typeVocabSize", typeVocabSize);
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hiddenSize = " + hiddenSize + " is not a multiple of heads = " + heads
                    + ": expected hiddenSize = heads · headSize");
        }
        if (!(layerNormEps > 0 && layerNormEps < 1)) {
            throw new IllegalArgumentException("layerNormEps = " + layerNormEps + ": expected a small positive number");
        }
    }

    /** {@return the size of one attention head} */
    public int headSize() {
        return hiddenSize / heads;
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " = " + value + ": expected >= 1");
        }
    }

    /** The largest config.json read (real ones are about 1 KB). */
    static final long MAX_CONFIG_BYTES = 1 << 20;

    /**
     * Reads a Hugging Face {@code config.json} of a BERT model ({@code model_type} "bert", absolute
     * positions, {@code hidden_act} "gelu").
     *
     * @param file the {@code config.json}, at most 1 MiB
     * @return the sizes it states
     * @throws IllegalArgumentException naming the file and the field that is missing or unsupported
     * @throws IOException when the file cannot be read
     */
    public static BertConfig fromJson(Path file) throws IOException {
        if (Files.size(file) > MAX_CONFIG_BYTES) {
            throw new IllegalArgumentException(file + ": " + Files.size(file) + " bytes: expected a config.json under "
                    + MAX_CONFIG_BYTES + " bytes");
        }
        if (!(StrictJson.parse(Files.readString(file)) instanceof Map<?, ?> json)) {
            throw new IllegalArgumentException(file + ": expected a JSON object");
        }
        expect(file, json, "model_type", "bert");
        expect(file, json, "hidden_act", "gelu");
        expect(file, json, "position_embedding_type", "absolute");
        Object eps = json.get("layer_norm_eps");
        return new BertConfig(integer(file, json, "vocab_size"), integer(file, json, "hidden_size"),
                integer(file, json, "num_hidden_layers"), integer(file, json, "num_attention_heads"),
                integer(file, json, "intermediate_size"), integer(file, json, "max_position_embeddings"),
                json.containsKey("type_vocab_size") ? integer(file, json, "type_vocab_size") : 2,
                eps instanceof Number n ? n.doubleValue() : 1e-12);
    }

    private static int integer(Path file, Map<?, ?> json, String field) {
        if (!(json.get(field) instanceof Long value) || value < 1 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(file + ": field '" + field + "' = " + json.get(field)
                    + ": expected a positive integer");
        }
        return value.intValue();
    }

    /** A string field must be absent or have the one value the encoder implements. */
    private static void expect(Path file, Map<?, ?> json, String field, String supported) {
        Object value = json.get(field);
        if (value != null && !supported.equals(value)) {
            throw new IllegalArgumentException(file + ": " + field + " = " + value + ": only " + field + " = "
                    + supported + " is supported (a BERT-family encoder)");
        }
    }
}
