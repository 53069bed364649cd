package org.attention4j.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each stage of {@link WordPieceTokenizer} on small hand-made files, and the files it refuses. */
class WordPieceTokenizerTest {
    static final String[] VOCAB = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##world",
            "un", "una", "##ff", "##aff", "##able", "!", ",", ".", "[", "]", "sep", "cafe", "中", "国", "a",
            "##a", "i", "##̇", "οδοσ", "οδος", "😀", "##😀", "x", "##x", "n", "##̃", "ñ", "##ñ", "σ", "$", "¿",
            "y", "##y"};

    /** A small BERT tokenizer.json; {@code edit} changes it before it is written. */
    static byte[] file(Consumer<Map<String, Object>> edit) {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int i = 0; i < VOCAB.length; i++) {
            vocab.put(VOCAB[i], (long) i);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", map("direction", "Right", "max_length", 16L, "strategy", "LongestFirst",
                "stride", 0L));
        root.put("padding", map("strategy", map("Fixed", 16L), "direction", "Right", "pad_id", 0L,
                "pad_type_id", 0L, "pad_token", "[PAD]"));
        List<Object> added = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            added.add(map("id", (long) i, "content", VOCAB[i], "single_word", false, "lstrip", false,
                    "rstrip", false, "normalized", false, "special", true));
        }
        root.put("added_tokens", added);
        root.put("normalizer", map("type", "BertNormalizer", "clean_text", true, "handle_chinese_chars", true,
                "strip_accents", null, "lowercase", true));
        root.put("pre_tokenizer", map("type", "BertPreTokenizer"));
        root.put("post_processor", map("type", "TemplateProcessing",
                "single", List.of(map("SpecialToken", map("id", "[CLS]", "type_id", 0L)),
                        map("Sequence", map("id", "A", "type_id", 0L)),
                        map("SpecialToken", map("id", "[SEP]", "type_id", 0L))),
                "pair", List.of(),
                "special_tokens", map("[CLS]", map("id", "[CLS]", "ids", List.of(2L), "tokens", List.of("[CLS]")),
                        "[SEP]", map("id", "[SEP]", "ids", List.of(3L), "tokens", List.of("[SEP]")))));
        root.put("decoder", map("type", "WordPiece", "prefix", "##", "cleanup", true));
        root.put("model", map("type", "WordPiece", "unk_token", "[UNK]", "continuing_subword_prefix", "##",
                "max_input_chars_per_word", 10L, "vocab", vocab));
        edit.accept(root);
        return WordPieceTokenizerParityTest.Json.write(root).getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Map<String, Object> root, String key) {
        return (Map<String, Object>) root.get(key);
    }

    static WordPieceTokenizer load(Consumer<Map<String, Object>> edit) {
        try {
            return WordPieceTokenizer.load(new ByteArrayInputStream(file(edit)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static final WordPieceTokenizer SMALL = load(root -> {
    });

    static List<String> tokens(WordPieceTokenizer t, String text) {
        List<String> all = t.tokens(text);
        assertEquals("[CLS]", all.getFirst());
        assertEquals("[SEP]", all.getLast());
        return all.subList(1, all.size() - 1);
    }

    static IllegalArgumentException refused(Consumer<Map<String, Object>> edit) {
        return assertThrows(IllegalArgumentException.class, () -> load(edit));
    }

    // ---------------------------------------------------------------------------------------------------
    // The stages

    @Test
    void normalizerCleansSpacesChineseAccentsAndCase() {
        assertEquals("hello world !", SMALL.normalize("Hello\tWorld\n!"));
        assertEquals("helloworld", SMALL.normalize("hel\u0000lo\u200Bwor\uFFFDld\u00AD"), "NUL, ZWSP, U+FFFD, SHY");
        assertEquals("ab", SMALL.normalize("a\u0085b"), "NEL is a control character first: dropped, not a space");
        assertEquals("a b", SMALL.normalize("a\u00A0b"), "no-break space: whitespace");
        assertEquals("ab", SMALL.normalize("a\u000Bb"), "vertical tab: a control character, dropped");
        assertEquals("ab", SMALL.normalize("a\u001Cb"), "U+001C: a control character for Rust, not whitespace");
        assertEquals("a\u08E2b", SMALL.normalize("a\u08E2b"), "a format character newer than Unicode 8: kept");
        assertEquals("ab", SMALL.normalize("a\uE000b"), "private use: dropped");
        assertEquals(" 中  国 ", SMALL.normalize("中国"));
        assertEquals("x\uD86E\uDC20", SMALL.normalize("x\uD86E\uDC20"), "U+2B820: not in tokenizers' CJK ranges");
        assertEquals("x \uD86E\uDD20 ", SMALL.normalize("x\uD86E\uDD20"), "U+2B920: in them");
        assertEquals("cafe naive", SMALL.normalize("Café NAÏVE"));
        assertEquals("cafe", SMALL.normalize("Cafe\u0301"));
        assertEquals("istanbul", SMALL.normalize("İstanbul"), "accents stripped before lowercasing");
        assertEquals("οδοσ", SMALL.normalize("ΟΔΟΣ"), "each character lowercased alone: no final sigma");
        assertEquals("x", SMALL.normalize("x\uD800"), "a lone surrogate is dropped like U+FFFD");
        assertEquals("a\u1DF6\u1DF9", SMALL.normalize("A\u1DF6\u1DF9"), "post-Unicode-9 marks: not reordered");
    }

    @Test
    void normalizerOptions() {
        WordPieceTokenizer keepAccents = load(root -> at(root, "normalizer").put("strip_accents", false));
        assertEquals("i\u0307stanbul café", keepAccents.normalize("İstanbul Café"),
                "Rust's full lowercase: İ is i and a combining dot");
        assertEquals(List.of("i", "##̇"), tokens(keepAccents, "İ"));
        WordPieceTokenizer cased = load(root -> at(root, "normalizer").put("lowercase", false));
        assertEquals("İstanbul Café", cased.normalize("İstanbul Café"), "strip_accents null follows lowercase");
        WordPieceTokenizer casedStripped = load(root -> {
            at(root, "normalizer").put("lowercase", false);
            at(root, "normalizer").put("strip_accents", true);
        });
        assertEquals("Istanbul Cafe", casedStripped.normalize("İstanbul Café"));
        WordPieceTokenizer raw = load(root -> {
            at(root, "normalizer").put("clean_text", false);
            at(root, "normalizer").put("handle_chinese_chars", false);
        });
        assertEquals("a\u0000\tb中国", raw.normalize("A\u0000\tB中国"));
    }

    @Test
    void preTokenizerSplitsWhitespaceAndIsolatesPunctuation() {
        assertEquals(List.of("hello", ",", "world", "!"), tokens(SMALL, "hello,world!"));
        assertEquals(List.of("hello", "world"), tokens(SMALL, "  hello \u3000\u2003 world\r\n"));
        assertEquals(List.of("$", "x", "¿", "y"), tokens(SMALL, "$x¿y"), "ASCII symbols and Unicode P*");
        assertEquals(Character.OTHER_PUNCTUATION, Character.getType(0x2E4F), "for the JDK");
        assertEquals(List.of("[UNK]"), tokens(SMALL, "x\u2E4Fy"), "U+2E4F: punctuation newer than Unicode 8");
        assertEquals(List.of("x", "[UNK]", "y"), tokens(SMALL, "x\u2E2Ey"), "U+2E2E is Unicode 8 punctuation");
        assertEquals(List.of("中", "国", "hello"), tokens(SMALL, "中国hello"));
    }

    @Test
    void wordPieceIsGreedyLongestFirst() {
        assertEquals(List.of("una", "##ff"), tokens(SMALL, "unaff"), "the longest first piece wins (not un ##aff)");
        assertEquals(List.of("[UNK]"), tokens(SMALL, "unz"), "no piece for the rest: the whole word unknown");
        assertEquals(List.of("hello", "##world"), tokens(SMALL, "helloworld"));
        assertEquals(List.of("hello", "##world"), tokens(SMALL, "hello\u200Bworld"), "zero-width space dropped");
        assertEquals(List.of("cafe"), tokens(SMALL, "CAFÉ"));
        assertEquals(List.of("οδοσ"), tokens(SMALL, "ΟΔΟΣ"));
    }

    @Test
    void wordsLongerThanTheLimitInCodePointsAreUnknown() {
        List<String> tenA = new ArrayList<>(List.of("a"));
        tenA.addAll(java.util.Collections.nCopies(9, "##a"));
        assertEquals(tenA, tokens(SMALL, "a".repeat(10)), "10 = the limit");
        assertEquals(List.of("[UNK]"), tokens(SMALL, "a".repeat(11)), "11 > 10");
        List<String> tenEmoji = new ArrayList<>(List.of("😀"));
        tenEmoji.addAll(java.util.Collections.nCopies(9, "##😀"));
        assertEquals(tenEmoji, tokens(SMALL, "😀".repeat(10)), "10 code points though 20 UTF-16 units");
        assertEquals(List.of("[UNK]"), tokens(SMALL, "😀".repeat(11)));
        assertEquals(tenA, tokens(SMALL, "ÀÁÂÃÄ".repeat(2)), "counted after normalizing");
        assertEquals(tenA, tokens(SMALL, "A\u0301".repeat(10)), "20 chars before normalizing");
    }

    @Test
    void specialTokensInTheTextAreMatchedBeforeNormalizing() {
        assertEquals(List.of("hello", "[SEP]", "world"), tokens(SMALL, "hello[SEP]world"));
        assertEquals(List.of("[MASK]", "[CLS]", "[PAD]", "[UNK]"), tokens(SMALL, "[MASK] [CLS][PAD]  [UNK]"));
        assertEquals(List.of("[", "sep", "]"), tokens(SMALL, "[sep]"), "case matters: [sep] is three words");
        assertEquals(List.of("[", "sep"), tokens(SMALL, "[SEP"));
        assertEquals(List.of("[", "[SEP]", "]"), tokens(SMALL, "[[SEP]]"));
        assertArrayEquals(new int[] {2, 3, 3}, SMALL.encode("[SEP]"));
    }

    @Test
    void addedTokensLeftmostLongestAndNormalized() {
        WordPieceTokenizer t = load(root -> {
            @SuppressWarnings("unchecked")
            List<Object> added = (List<Object>) root.get("added_tokens");
            added.add(map("id", 99L, "content", "<x>", "normalized", false, "special", false));
            added.add(map("id", 98L, "content", "<x", "normalized", false, "special", false));
            added.add(map("id", 97L, "content", "Hello World", "normalized", true, "special", false));
            added.add(map("id", 5L, "content", "xy", "normalized", true, "special", false));
            added.add(map("id", 77L, "content", "hello", "normalized", false, "special", false));
        });
        // The ids tokenizers gives (whatever "id" says): the next ones after the vocabulary in the order of the
        // file, or the vocabulary's own ("hello").
        int base = VOCAB.length;
        assertEquals(List.of("<x>", "<x", "x"), tokens(t, "<x><xx"));
        assertArrayEquals(new int[] {2, base, base + 1, List.of(VOCAB).indexOf("x"), 3}, t.encode("<x><xx"));
        assertArrayEquals(new int[] {2, 5, 6, 3}, t.encode("helloworld"),
                "an added token splits a word: the rest is a word of its own (world, not ##world)");
        assertEquals(List.of("Hello World", "!"), tokens(t, "HELLO   WORLD!".replace("   ", " ")),
                "a normalized added token is found in the normalized text");
        assertEquals(List.of("a", "xy", "a"), tokens(t, "AXYA"), "even inside a word");
        assertEquals(base + 4, t.vocabularySize());
    }

    @Test
    void templateAndTruncation() {
        assertEquals(16, SMALL.maxLength());
        assertArrayEquals(new int[] {2, 3}, SMALL.encode(""));
        assertArrayEquals(new int[] {2, 3}, SMALL.encode(" \t\n\u200B"));
        String words = "hello world ".repeat(20);
        int[] ids = SMALL.encode(words);
        assertEquals(16, ids.length);
        assertEquals(2, ids[0]);
        assertEquals(3, ids[15]);
        assertEquals(5, ids[1]);
        WordPieceTokenizer five = SMALL.withMaxLength(5);
        assertEquals(List.of("[CLS]", "hello", "world", "hello", "[SEP]"), five.tokens(words));
        assertEquals(16, SMALL.maxLength(), "withMaxLength makes a copy");
        assertSame(SMALL, SMALL.withMaxLength(16));
        assertArrayEquals(new int[] {2, 3}, SMALL.withMaxLength(2).encode(words));
        WordPieceTokenizer left = load(root -> at(root, "truncation").put("direction", "Left")).withMaxLength(5);
        assertEquals(List.of("[CLS]", "world", "hello", "world", "[SEP]"), left.tokens(words + "hello world"));
        WordPieceTokenizer none = load(root -> root.put("truncation", null));
        assertEquals(Integer.MAX_VALUE, none.maxLength());
        assertEquals(2 + 40, none.encode(words).length);
        assertEquals(2 + 40, SMALL.withMaxLength(Integer.MAX_VALUE).encode(words).length);
    }

    @Test
    void withMaxLengthRefusesLessThanTheTwoSpecialTokens() {
        for (int bad : new int[] {1, 0, -1, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SMALL.withMaxLength(bad));
            assertTrue(e.getMessage().contains("maxLength = " + bad), e.getMessage());
        }
    }

    @Test
    void idsOfTheSpecialTokensAndTheVocabulary() {
        assertEquals(VOCAB.length, SMALL.vocabularySize());
        assertEquals(0, SMALL.padId());
        assertEquals(1, SMALL.unkId());
        assertEquals(2, SMALL.clsId());
        assertEquals(3, SMALL.sepId());
        assertEquals(0, load(root -> root.put("padding", null)).padId(), "[PAD] of the vocabulary");
        WordPieceTokenizer bert = load(root -> root.put("post_processor", map("type", "BertProcessing",
                "sep", List.of("[SEP]", 3L), "cls", List.of("[CLS]", 2L))));
        assertArrayEquals(new int[] {2, 5, 3}, bert.encode("hello"));
    }

    @Test
    void truncatingGivesTheStartOfTheWholeEncoding() throws IOException {
        // Long texts that will be truncated are normalized a chunk at a time: the same ids as all at once.
        WordPieceTokenizer real;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(WordPieceTokenizerParityTest.RESOURCE)) {
            real = WordPieceTokenizer.load(in);
        }
        WordPieceTokenizer whole = real.withMaxLength(Integer.MAX_VALUE);
        Random r = new Random(7);
        for (int i = 0; i < 100; i++) {
            String text = WordPieceTokenizerParityTest.Corpus.soup(r, 200 + r.nextInt(2000))
                    + "\u0085x \u000Bx\u00A0x\u3000x";
            int[] all = whole.encode(text);
            for (int max : new int[] {2, 3, 64, 128, 512}) {
                int[] cut = real.withMaxLength(max).encode(text);
                int keep = Math.min(max, all.length) - 1;
                int[] expected = Arrays.copyOf(all, keep + 1);
                expected[keep] = all[all.length - 1];
                assertArrayEquals(expected, cut, "max " + max + ": " + WordPieceTokenizerParityTest.escape(text));
            }
        }
    }

    @Test
    void sharedBetweenThreads() throws Exception {
        List<String> texts = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 200; i++) {
            texts.add(WordPieceTokenizerParityTest.Corpus.soup(r, r.nextInt(200)) + " hello[SEP]world");
        }
        List<int[]> expected = texts.stream().map(SMALL::encode).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int th = 0; th < 4; th++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 5; round++) {
                        for (int i = 0; i < texts.size(); i++) {
                            if (!Arrays.equals(expected.get(i), SMALL.encode(texts.get(i)))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        }
    }

    @Test
    void characterTables() {
        assertTrue(BertCharacters.isPunctuation('$') && BertCharacters.isPunctuation('~'));
        assertTrue(BertCharacters.isPunctuation('¿') && BertCharacters.isPunctuation('«'));
        assertTrue(BertCharacters.isPunctuation(0x2E2E) && !BertCharacters.isPunctuation(0x2E4F));
        assertTrue(BertCharacters.isPunctuation(0x1BC9F), "DUPLOYAN PUNCTUATION CHINOOK FULL STOP: astral, Po");
        assertFalse(BertCharacters.isPunctuation('a') || BertCharacters.isPunctuation('€'));
        assertTrue(BertCharacters.isWhitespace(0x85) && BertCharacters.isWhitespace(0x202F));
        assertFalse(BertCharacters.isWhitespace(0x1C) || BertCharacters.isWhitespace(0x180E)
                || BertCharacters.isWhitespace(0x200B));
        assertTrue(BertCharacters.isOther(0xAD) && BertCharacters.isOther(0x180E) && BertCharacters.isOther(0xE0001));
        assertTrue(BertCharacters.isOther(0x10FFFD) && !BertCharacters.isOther(0x08E2));
        assertTrue(BertCharacters.isChinese(0x2B81F) && !BertCharacters.isChinese(0x2B820));
        assertTrue(BertCharacters.isChinese(0xF900) && !BertCharacters.isChinese(0x3040));
        assertTrue(BertCharacters.isNonspacingMark(0x301) && !BertCharacters.isNonspacingMark(0x1DF6));
        assertEquals("e\u0301", BertCharacters.nfd("é"));
        assertEquals("\u1DF6\u1DF9", BertCharacters.nfd("\u1DF6\u1DF9"), "the JDK would reorder them");
        assertEquals("\uD806\uDD38", BertCharacters.nfd("\uD806\uDD38"), "the JDK would decompose U+11938");
        assertEquals("a\u0316\u0301\u1DF6e\u0301", BertCharacters.nfd("a\u0301\u0316\u1DF6é"));
        // The table of the basic plane agrees with the ranges.
        for (int c = 0; c < 0x10000; c++) {
            assertEquals(BertCharacters.in(BertCharacters.PUNCTUATION, c) || (c < 0x7F && c > 0x20
                    && !Character.isLetterOrDigit(c)), BertCharacters.isPunctuation(c), "U+" + Integer.toHexString(c));
            assertEquals(BertCharacters.in(BertCharacters.OTHER, c), BertCharacters.isOther(c));
            assertEquals(BertCharacters.in(BertCharacters.NONSPACING_MARK, c), BertCharacters.isNonspacingMark(c));
            assertEquals(BertCharacters.in(BertCharacters.CHINESE, c), BertCharacters.isChinese(c));
            assertEquals(BertCharacters.in(BertCharacters.WHITESPACE, c), BertCharacters.isWhitespace(c));
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Files refused

    @Test
    void refusesWhatIsNotJson() {
        for (String text : new String[] {"", "{", "hello", "{\"model\": }", "[1, 2]", "{} {}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WordPieceTokenizer.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
            assertTrue(e.getMessage().startsWith("tokenizer.json: "), e.getMessage());
            assertTrue(e.getMessage().contains("JSON"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordPieceTokenizer.load(new ByteArrayInputStream(new byte[] {'{', (byte) 0xFF, '}'})));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void refusesOtherModelsNormalizersAndPreTokenizers() {
        assertEquals("tokenizer.json: model type BPE: expected WordPiece",
                refused(root -> at(root, "model").put("type", "BPE")).getMessage());
        assertEquals("tokenizer.json: model.vocab: missing: expected an object",
                refused(root -> at(root, "model").remove("vocab")).getMessage());
        assertEquals("tokenizer.json: model: missing: expected an object",
                refused(root -> root.remove("model")).getMessage());
        assertTrue(refused(root -> at(root, "model").put("vocab", map())).getMessage().contains("empty"));
        assertEquals("tokenizer.json: model.unk_token \"<unk>\" is not in model.vocab",
                refused(root -> at(root, "model").put("unk_token", "<unk>")).getMessage());
        assertTrue(refused(root -> at(root, "model").put("vocab", map("a", 0L, "[UNK]", 7L))).getMessage()
                .contains("model.vocab \"[UNK]\": 7: expected an id in 0 .. "));
        assertTrue(refused(root -> at(root, "model").put("vocab", map("a", "zero"))).getMessage()
                .contains("model.vocab \"a\""));
        assertEquals("tokenizer.json: normalizer type Lowercase: expected BertNormalizer",
                refused(root -> root.put("normalizer", map("type", "Lowercase"))).getMessage());
        assertEquals("tokenizer.json: normalizer type null: expected BertNormalizer",
                refused(root -> root.put("normalizer", null)).getMessage());
        assertEquals("tokenizer.json: normalizer.lowercase: \"yes\": expected true or false",
                refused(root -> at(root, "normalizer").put("lowercase", "yes")).getMessage());
        assertEquals("tokenizer.json: pre_tokenizer type Whitespace: expected BertPreTokenizer",
                refused(root -> root.put("pre_tokenizer", map("type", "Whitespace"))).getMessage());
        assertEquals("tokenizer.json: post_processor type RobertaProcessing: expected TemplateProcessing or "
                        + "BertProcessing",
                refused(root -> root.put("post_processor", map("type", "RobertaProcessing"))).getMessage());
        assertTrue(refused(root -> at(root, "post_processor").put("single", List.of(
                map("Sequence", map("id", "A", "type_id", 0L))))).getMessage()
                .contains("expected a special token, the sequence A and a special token"));
        assertTrue(refused(root -> at(at(root, "post_processor"), "special_tokens").remove("[SEP]")).getMessage()
                .contains("post_processor.special_tokens \"[SEP]\""));
        assertEquals("tokenizer.json: truncation.strategy OnlySecond: expected LongestFirst or OnlyFirst "
                        + "(one sequence is encoded)",
                refused(root -> at(root, "truncation").put("strategy", "OnlySecond")).getMessage());
        assertEquals("tokenizer.json: truncation.max_length: 1: expected an integer in 2 .. 2147483647",
                refused(root -> at(root, "truncation").put("max_length", 1L)).getMessage());
        assertTrue(refused(root -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> mask = (Map<String, Object>) ((List<Object>) root.get("added_tokens")).get(4);
            mask.put("single_word", true);
        }).getMessage().contains("added_tokens[4] \"[MASK]\": single_word true is not supported"));
    }

    @Test
    void refusesHugeFiles(@TempDir Path dir) throws IOException {
        Path huge = dir.resolve("tokenizer.json");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(WordPieceTokenizer.MAX_FILE_BYTES + 1L); // sparse: nothing written
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordPieceTokenizer.load(huge));
        assertTrue(e.getMessage().contains((WordPieceTokenizer.MAX_FILE_BYTES + 1L) + " bytes"), e.getMessage());
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return ' ';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) ' ');
                return len;
            }
        };
        e = assertThrows(IllegalArgumentException.class, () -> WordPieceTokenizer.load(endless));
        assertTrue(e.getMessage().contains("larger than accepted"), e.getMessage());
        Path small = dir.resolve("small.json");
        Files.write(small, file(root -> {
        }));
        assertArrayEquals(SMALL.encode("hello world"), WordPieceTokenizer.load(small).encode("hello world"));
    }
}
