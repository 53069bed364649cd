package org.attention4j.langchain4j;

import org.attention4j.model.MiniLmFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.embedding.listener.EmbeddingModelRequestContext;
import dev.langchain4j.model.embedding.listener.EmbeddingModelResponseContext;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.attention4j.model.Pooling;
import org.attention4j.model.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Attention4jEmbeddingModel} on all-MiniLM-L6-v2 (the files of LangChain4j's jar) against LangChain4j's
 * own {@code AllMiniLmL6V2EmbeddingModel} (ONNX Runtime, DJL's Hugging Face tokenizer): the vectors, the token
 * usage, the interface's default methods, the options' errors.
 *
 * <p>Tolerances: cosine ≥ 0.999999 and max |Δ| ≤ 1e-5 per text (unit vectors of 384 floats: float32 through
 * six layers in two different summation orders).
 */
class Attention4jEmbeddingModelTest {
    private static Attention4jEmbeddingModel model;
    private static EmbeddingModel oracle;

    @BeforeAll
    static void load() {
        model = Attention4jEmbeddingModel.builder().modelPath(MiniLmFiles.model()).threads(2).build();
        oracle = new AllMiniLmL6V2EmbeddingModel();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void embeddingsAndTokenUsageEqualLangChain4jsOwnModel() throws Exception {
        List<String> texts = texts();
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        Response<List<Embedding>> expected = oracle.embedAll(segments);
        Response<List<Embedding>> actual = model.embedAll(segments);
        assertEquals(texts.size(), actual.content().size(), "one embedding per segment");

        WordPieceTokenizer tokenizer = WordPieceTokenizer.load(MiniLmFiles.tokenizer());
        int tokens = 0, truncated = 0;
        for (String text : texts) {
            int count = tokenizer.encode(text).length;
            tokens += count - 2;
            truncated += count == model.maxLength() ? 1 : 0;
        }
        assertTrue(truncated >= 8, "only " + truncated + " texts reach the truncation: the test must cover it");
        assertEquals(new TokenUsage(tokens), actual.tokenUsage(), "token usage: the texts' tokens without [CLS], [SEP]");
        assertEquals(expected.tokenUsage(), actual.tokenUsage(), "token usage: LangChain4j's count");

        double worstCosine = 1, worstDelta = 0;
        for (int i = 0; i < texts.size(); i++) {
            float[] e = expected.content().get(i).vector(), a = actual.content().get(i).vector();
            assertEquals(384, a.length, "dimension of text " + i);
            double cosine = cosine(e, a), delta = maxDelta(e, a);
            worstCosine = Math.min(worstCosine, cosine);
            worstDelta = Math.max(worstDelta, delta);
            assertTrue(cosine >= 0.999999 && delta <= 1e-5, "text " + i + " '" + texts.get(i) + "': cosine " + cosine
                    + ", max |delta| " + delta);
        }
        System.out.printf("Attention4jEmbeddingModelTest: %d texts (%d truncated at %d tokens), %d tokens, worst cosine "
                + "%.12f (1 - cosine = %.2e), worst max|delta| %.3e%n", texts.size(), truncated, model.maxLength(),
                tokens, worstCosine, 1 - worstCosine, worstDelta);
    }

    @Test
    void embedOfOneTextEqualsItsEntryInEmbedAll() {
        List<String> texts = texts();
        List<Embedding> all = model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        double worst = 0;
        for (int i : new int[] {0, 7, 21, 40, 42, texts.size() - 1}) {
            Response<Embedding> one = model.embed(texts.get(i));
            float[] a = all.get(i).vector(), b = one.content().vector();
            worst = Math.max(worst, maxDelta(a, b));
            assertTrue(maxDelta(a, b) <= 1e-6, "text " + i + ": embed(String) differs from embedAll by " + maxDelta(a, b));
            // Not bit for bit: a Vector API lane sum adds in another order while a method runs interpreted (after a
            // deoptimization) than once C2 compiled it, so two calls can differ in the last bits.
            float[] segment = model.embed(TextSegment.from(texts.get(i))).content().vector();
            assertTrue(maxDelta(segment, b) <= 1e-6, "text " + i + ": embed(TextSegment) differs from embed(String) by "
                    + maxDelta(segment, b));
            assertEquals(oracle.embed(texts.get(i)).tokenUsage(), one.tokenUsage(), "token usage of text " + i);
        }
        System.out.printf("Attention4jEmbeddingModelTest: embed(String) vs embedAll, max|delta| %.3e%n", worst);
    }

    @Test
    void dimensionAndNameWithoutEmbedding() {
        assertEquals(384, model.dimension());
        assertEquals(oracle.dimension(), model.dimension());
        assertEquals("all-minilm-l6-v2", model.modelName());
        assertEquals(128, model.maxLength(), "the tokenizer file's truncation");
    }

    @Test
    void emptyOrNullListGivesAnEmptyResponse() {
        for (List<TextSegment> none : Arrays.asList(List.<TextSegment>of(), null)) {
            Response<List<Embedding>> response = model.embedAll(none);
            assertEquals(List.of(), response.content());
            assertEquals(new TokenUsage(0), response.tokenUsage());
        }
    }

    @Test
    void segmentsWithoutTokensOrNullAreRefusedByIndex() {
        TextSegment invisible = TextSegment.from("\u200B\u200B");   // not blank for TextSegment; the tokenizer drops it
        var e = assertThrows(IllegalArgumentException.class,
                () -> model.embedAll(List.of(TextSegment.from("fine"), invisible)));
        assertTrue(e.getMessage().startsWith("segments[1]") && e.getMessage().contains("\\u200B"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> oracle.embed(invisible), "LangChain4j refuses it too");
        List<TextSegment> withNull = new ArrayList<>(List.of(TextSegment.from("fine")));
        withNull.add(null);
        e = assertThrows(IllegalArgumentException.class, () -> model.embedAll(withNull));
        assertTrue(e.getMessage().startsWith("segments[1] = null"), e.getMessage());
    }

    @Test
    void listenersSeeRequestAndResponse() {
        AtomicInteger requests = new AtomicInteger(), responses = new AtomicInteger();
        EmbeddingModel listened = model.addListener(new EmbeddingModelListener() {
            @Override
            public void onRequest(EmbeddingModelRequestContext context) {
                requests.incrementAndGet();
            }

            @Override
            public void onResponse(EmbeddingModelResponseContext context) {
                responses.incrementAndGet();
            }
        });
        Response<List<Embedding>> response = listened.embedAll(List.of(TextSegment.from("one"), TextSegment.from("two")));
        assertEquals(2, response.content().size());
        assertEquals(1, requests.get());
        assertEquals(1, responses.get());
        // the same vector as a direct call, to 1e-6: bit for bit once compiled, but a path still at an earlier
        // JIT tier sums the Vector API's lanes in another order (last-bit differences)
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                model.embedAll(List.of(TextSegment.from("one"))).content().get(0).vector(),
                response.content().get(0).vector(), 1e-6f);
    }

    @Test
    void badOptionsAreNamed() throws Exception {
        expectOption("maxLength", () -> Attention4jEmbeddingModel.builder().maxLength(2));
        expectOption("threads", () -> Attention4jEmbeddingModel.builder().threads(0));
        expectOption("pooling", () -> Attention4jEmbeddingModel.builder().pooling(null));
        expectOption("modelPath", () -> Attention4jEmbeddingModel.builder().build());
        expectOption("modelPath", () -> Attention4jEmbeddingModel.of(MiniLmFiles.folder().resolve("missing.onnx")));
        expectOption("tokenizerPath", () -> Attention4jEmbeddingModel.builder().modelPath(MiniLmFiles.model())
                .tokenizerPath(MiniLmFiles.folder().resolve("missing.json")).build());
        expectOption("maxLength", () -> Attention4jEmbeddingModel.builder().modelPath(MiniLmFiles.model())
                .maxLength(1000).threads(1).build());
        // the model alone in a folder: no tokenizer beside it
        Path lonely = Files.createTempDirectory("attention4j-lc4j-lonely");
        lonely.toFile().deleteOnExit();
        Path link = lonely.resolve(MiniLmFiles.MODEL);
        try {
            Files.createSymbolicLink(link, MiniLmFiles.model());
        } catch (UnsupportedOperationException | java.io.IOException e) {
            Assumptions.abort("no symbolic links here: " + e);
        }
        link.toFile().deleteOnExit();
        expectOption("tokenizerPath", () -> Attention4jEmbeddingModel.of(link));
    }

    @Test
    void optionsReachTheEmbedder() {
        List<TextSegment> segments = List.of(TextSegment.from("A short sentence about cats."),
                TextSegment.from(String.join(" ", java.util.Collections.nCopies(200, "word"))));
        try (Attention4jEmbeddingModel cls = Attention4jEmbeddingModel.builder().modelPath(MiniLmFiles.model())
                .tokenizerPath(MiniLmFiles.tokenizer()).maxLength(256).pooling(Pooling.CLS).normalize(false).threads(1)
                .build()) {
            assertEquals(256, cls.maxLength());
            Response<List<Embedding>> response = cls.embedAll(segments);
            assertEquals(new TokenUsage(6 + 200), response.tokenUsage(), "200 words fit in 256 tokens");
            float[] v = response.content().get(0).vector();
            double norm = Math.sqrt(cosineDot(v, v));
            assertTrue(Math.abs(norm - 1) > 1e-3, "not normalized: |v| = " + norm);
            assertTrue(cosine(v, model.embed(segments.get(0)).content().vector()) < 0.999, "CLS differs from MEAN");
        }
    }

    private static void expectOption(String option, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run, option);
        assertTrue(e.getMessage().contains(option), "'" + e.getMessage() + "' does not name " + option);
    }

    /** A call that may throw. */
    private interface Executable {
        void run() throws Exception;
    }

    private static double cosine(float[] a, float[] b) {
        return cosineDot(a, b) / Math.sqrt(cosineDot(a, a) * cosineDot(b, b));
    }

    private static double cosineDot(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot;
    }

    private static double maxDelta(float[] a, float[] b) {
        assertEquals(a.length, b.length, "dimension");
        double delta = 0;
        for (int i = 0; i < a.length; i++) {
            delta = Math.max(delta, Math.abs(a[i] - b[i]));
        }
        return delta;
    }

    /** 52 texts: short, long (past 128 and 512 tokens), accents, other scripts, punctuation, numbers, code. */
    static List<String> texts() {
        String paragraph = "Attention computes a weighted average of values, where the weights come from a softmax over "
                + "the scaled dot products of queries and keys. FlashAttention tiles the computation so that the full "
                + "score matrix is never materialized, keeping memory linear in the sequence length. ";
        String french = "L'été dernier, à Besançon, nous avons goûté une crème brûlée délicieuse près de la cathédrale; "
                + "ça n'était pas prévu, mais quelle journée ! ";
        List<String> texts = new ArrayList<>(List.of(
                "Hello",
                "hello world",
                "HELLO WORLD!!!",
                "The cat sat on the mat.",
                "A man is playing a guitar.",
                "A woman is slicing an onion.",
                "What is the capital of France?",
                "Paris is the capital and most populous city of France.",
                "I can't believe it's not butter...",
                "e-mail: john.doe@example.com; web: https://example.com/path?q=1&r=2#frag",
                "3.14159 is approximately π, and e ≈ 2.71828; 1,000,000 > 999,999.",
                "Ünïcödé àccénts: naïve café, résumé, São Paulo, Zürich, Kraków, Ångström.",
                "Der schnelle braune Fuchs springt über den faulen Hund. Größe, Straße, Äpfel.",
                "¿Dónde está la biblioteca? ¡Está allí, señor!",
                "Tiếng Việt có nhiều dấu: Hà Nội, Sài Gòn, phở bò.",
                "日本語の文章です。東京は日本の首都です。",
                "中文句子：北京是中国的首都。",
                "Русский текст: Москва — столица России.",
                "Ελληνικά: η Αθήνα είναι η πρωτεύουσα της Ελλάδας.",
                "عربي: القاهرة عاصمة مصر",
                "emoji 😀🚀✨ and symbols ©®™ §¶ †‡",
                "tabs\tand\nnewlines\r\nand    many     spaces",
                "(parentheses) [brackets] {braces} <angles> \"quotes\" 'single' `back`",
                "!!!???...,,,;;;:::---___***",
                "x",
                "1",
                "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; } // dot product",
                "SELECT name, COUNT(*) FROM users WHERE age >= 18 GROUP BY name ORDER BY 2 DESC;",
                "The quick brown fox jumps over the lazy dog.",
                "A quick brown dog jumps over the lazy fox.",
                "Machine learning models are trained on large datasets.",
                "Deep neural networks learn hierarchical representations.",
                "The stock market fell sharply on Tuesday amid fears of inflation.",
                "Photosynthesis converts light energy into chemical energy in plants.",
                "unbelievably unforgettable antidisestablishmentarianism supercalifragilisticexpialidocious",
                "COVID-19, SARS-CoV-2, mRNA-1273 and BNT162b2 are names you may have heard.",
                "She said: \"I'll be there at 5 o'clock\" — but she wasn't.",
                "Résumé of an ingénieur: 10+ years in C++, Java & Python; français courant.",
                "   leading and trailing spaces   ",
                "ALL CAPS SENTENCE WITH NUMBERS 12345 AND SYMBOLS #$%&"));
        texts.add(paragraph);                                              // ~50 tokens
        texts.add(paragraph.repeat(3));                                    // past 128 tokens
        texts.add(paragraph.repeat(12));                                   // past 512 tokens
        texts.add(french.repeat(6));                                       // accents, past 128
        texts.add("word ".repeat(127).trim());                             // 127 words: exactly 129 tokens
        texts.add("word ".repeat(126).trim());                             // exactly 128 tokens, not truncated
        texts.add("word ".repeat(125).trim());
        texts.add("Ωμέγα ".repeat(80));                                   // Greek, past 128
        texts.add("数据".repeat(150));                                       // 300 CJK characters, one token each
        texts.add("a,b;c.d!e?f:".repeat(30));                              // punctuation only, past 128
        texts.add("supercalifragilisticexpialidocious ".repeat(40));       // many word pieces per word
        texts.add(String.join(" ", texts.subList(0, 30)));                // a mixed, long text
        return texts;
    }
}
