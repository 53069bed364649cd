package org.attention4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The golden test of issue 21: all-MiniLM-L6-v2 (the real checkpoint, as LangChain4j ships it) run by
 * attention4j from the ONNX export's weights and our WordPiece tokenizer, against LangChain4j's
 * {@code AllMiniLmL6V2EmbeddingModel} (ONNX Runtime, DJL's Hugging Face tokenizer) on the same texts.
 *
 * <p>Tolerances: cosine ≥ 0.999999 and max |Δ| ≤ 1e-5 per text (unit vectors of 384 floats: float32
 * through six layers in two different summation orders).
 */
class GoldenMiniLmTest {
    static final int TEXTS = 320;

    @Test
    void embeddingsEqualLangChain4jsOnnxRuntimeAnswers() throws Exception {
        List<String> texts = GoldenTexts.texts(TEXTS, 21);
        List<Embedding> expected = new AllMiniLmL6V2EmbeddingModel()
                .embedAll(texts.stream().map(TextSegment::from).toList()).content();
        float[][] actual;
        int truncated = 0;
        try (SentenceEmbedder embedder = SentenceEmbedder.builder(MiniLmFiles.model()).threads(2).build()) {
            actual = embedder.embed(texts);
            for (String text : texts) {
                truncated += embedder.countTokens(text) == embedder.tokenizer().maxLength() ? 1 : 0;
            }
        }
        assertTrue(truncated >= 20, "only " + truncated + " texts reach the truncation: the test must cover it");
        double worstCosine = 1, worstDelta = 0;
        for (int i = 0; i < texts.size(); i++) {
            float[] e = expected.get(i).vector();
            assertEquals(e.length, actual[i].length, "dimension");
            double dot = 0, ee = 0, aa = 0, delta = 0;
            for (int j = 0; j < e.length; j++) {
                dot += e[j] * actual[i][j];
                ee += e[j] * e[j];
                aa += actual[i][j] * actual[i][j];
                delta = Math.max(delta, Math.abs(e[j] - actual[i][j]));
            }
            double cosine = dot / Math.sqrt(ee * aa);
            worstCosine = Math.min(worstCosine, cosine);
            worstDelta = Math.max(worstDelta, delta);
            assertTrue(cosine >= 0.999999 && delta <= 1e-5, "text " + i + " '" + texts.get(i) + "': cosine " + cosine
                    + ", max |delta| " + delta);
        }
        System.out.printf("GoldenMiniLmTest: %d texts (%d truncated), worst cosine %.9f, worst max|delta| %.3e%n",
                texts.size(), truncated, worstCosine, worstDelta);
    }
}
