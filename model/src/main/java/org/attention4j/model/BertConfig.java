package org.attention4j.model;

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
 */
public record BertConfig(int vocabSize, int hiddenSize, int layers, int heads, int intermediateSize,
                         int maxPositions, int typeVocabSize, double layerNormEps) {
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

    /** The size of one attention head. */
    public int headSize() {
        return hiddenSize / heads;
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " = " + value + ": expected >= 1");
        }
    }
}
