package org.attention4j.model;

import java.io.IOException;
import java.util.Arrays;
import org.attention4j.layer.MultiHeadAttentionWeights;

/**
 * The tensors of a BERT-family encoder, checked against its {@link BertConfig} and laid out for the
 * engine: every {@code nn.Linear} weight transposed from the checkpoint's {@code [out, in]} to
 * {@code [in, out]}, so each projection is one {@code X·W} GEMM.
 *
 * <p>Names are Hugging Face's BERT names, with or without a {@code bert.} prefix (a {@code BertModel}
 * saved from a task model carries one; sentence-transformers checkpoints do not).
 */
final class BertWeights {
    final float[] wordEmbeddings;     // [vocab, hidden]
    final float[] positionEmbeddings; // [maxPositions, hidden]
    final float[] typeEmbeddings;     // [typeVocab, hidden]
    final float[] embeddingNormGamma, embeddingNormBeta;
    final Layer[] layers;

    /** One encoder layer: attention, its residual LayerNorm, the feed-forward and its LayerNorm. */
    record Layer(MultiHeadAttentionWeights attention, float[] attentionNormGamma, float[] attentionNormBeta,
                 float[] intermediateWeight, float[] intermediateBias, // [hidden, intermediate], [intermediate]
                 float[] outputWeight, float[] outputBias,             // [intermediate, hidden], [hidden]
                 float[] outputNormGamma, float[] outputNormBeta) {}

    private BertWeights(float[] word, float[] position, float[] type, float[] gamma, float[] beta, Layer[] layers) {
        this.wordEmbeddings = word;
        this.positionEmbeddings = position;
        this.typeEmbeddings = type;
        this.embeddingNormGamma = gamma;
        this.embeddingNormBeta = beta;
        this.layers = layers;
    }

    /**
     * Reads and checks every tensor the configuration calls for.
     *
     * @throws IllegalArgumentException naming the first tensor that is missing or has another shape
     */
    static BertWeights load(WeightSource source, BertConfig config) throws IOException {
        Reader r = new Reader(source, source.contains("bert.embeddings.word_embeddings.weight") ? "bert." : "");
        int h = config.hiddenSize(), inter = config.intermediateSize();
        float[] word = r.tensor("embeddings.word_embeddings.weight", config.vocabSize(), h);
        float[] position = r.tensor("embeddings.position_embeddings.weight", config.maxPositions(), h);
        float[] type = r.tensor("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h);
        float[] gamma = r.tensor("embeddings.LayerNorm.weight", h);
        float[] beta = r.tensor("embeddings.LayerNorm.bias", h);
        Layer[] layers = new Layer[config.layers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "encoder.layer." + i + ".";
            MultiHeadAttentionWeights attention = MultiHeadAttentionWeights.builder(h, config.heads(), config.headSize())
                    .query(r.linear(p + "attention.self.query", h, h), r.tensor(p + "attention.self.query.bias", h))
                    .key(r.linear(p + "attention.self.key", h, h), r.tensor(p + "attention.self.key.bias", h))
                    .value(r.linear(p + "attention.self.value", h, h), r.tensor(p + "attention.self.value.bias", h))
                    .output(r.linear(p + "attention.output.dense", h, h), r.tensor(p + "attention.output.dense.bias", h))
                    .build();
            layers[i] = new Layer(attention,
                    r.tensor(p + "attention.output.LayerNorm.weight", h), r.tensor(p + "attention.output.LayerNorm.bias", h),
                    r.linear(p + "intermediate.dense", h, inter), r.tensor(p + "intermediate.dense.bias", inter),
                    r.linear(p + "output.dense", inter, h), r.tensor(p + "output.dense.bias", h),
                    r.tensor(p + "output.LayerNorm.weight", h), r.tensor(p + "output.LayerNorm.bias", h));
        }
        if (source.contains(r.prefix + "encoder.layer." + layers.length + ".attention.self.query.weight")) {
            throw new IllegalArgumentException(source.description() + ": holds more than the configured layers = "
                    + layers.length + " (found encoder.layer." + layers.length + "): the config does not fit the weights");
        }
        return new BertWeights(word, position, type, gamma, beta, layers);
    }

    /** Reads tensors under a name prefix, checking each shape. */
    private record Reader(WeightSource source, String prefix) {
        float[] tensor(String name, long... shape) throws IOException {
            String full = prefix + name;
            if (!source.contains(full)) {
                throw new IllegalArgumentException(source.description() + ": no tensor '" + full
                        + "': expected a BERT-family checkpoint (Hugging Face names)");
            }
            long[] found = source.shape(full);
            if (!Arrays.equals(found, shape)) {
                throw new IllegalArgumentException(source.description() + ": tensor '" + full + "' has shape "
                        + Arrays.toString(found) + ": expected " + Arrays.toString(shape) + " from the model's config");
            }
            return source.read(full);
        }

        /** An nn.Linear weight {@code [out, in]}, returned transposed as {@code [in, out]}. */
        float[] linear(String module, int in, int out) throws IOException {
            float[] w = tensor(module + ".weight", out, in);
            float[] t = new float[w.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    t[i * out + o] = w[o * in + i];
                }
            }
            return t;
        }
    }
}
