package org.attention4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Texts for the golden tests: hand-picked edge cases (one token, punctuation, accents, CJK, digits,
 * URLs, code, special-token look-alikes) and seeded sentences from 1 word to well past the 128-token
 * truncation, as a retrieval corpus mixes them.
 */
final class GoldenTexts {
    private static final String[] HAND_PICKED = {
        "a", "Hello", "!", "?!...", "   spaces   around   ", "tab\tand\nnewline",
        "The quick brown fox jumps over the lazy dog.",
        "Café au lait, crème brûlée, naïve façade, jalapeño, Zürich, Øresund, Ångström, straße.",
        "Ελληνικά κείμενα και Русский текст с Заглавными буквами.",
        "中文句子没有空格。日本語のテキストとカタカナ。한국어 문장입니다.",
        "Emoji 😀🚀 and symbols ©®™ ± × ÷ € £ ¥ § ¶ • …",
        "Prices: $1,234.56, 99.9%, 3.14159, 2^10 = 1024, -42, 1e-12.",
        "Visit https://example.com/path?query=1&b=2#frag or mail someone@example.org today.",
        "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; } // dot product",
        "def f(x):\n    return {'key': [1, 2, 3], \"other\": None}",
        "SELECT name, COUNT(*) FROM users WHERE age > 30 GROUP BY name;",
        "[CLS] literal special tokens [SEP] inside [UNK] text [MASK] and [PAD]",
        "supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
        "«Guillemets» — em dash – en dash “curly quotes” ‘single’ ¿Qué? ¡Sí!",
        "ALL CAPS SENTENCE WITH NUMBERS 123 AND ACRONYMS LIKE NASA, HTTP, JSON.",
        "Mixed-case CamelCaseIdentifiers and snake_case_names and kebab-case-words.",
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "What is the capital of France? Paris is the capital of France.",
        "x",
    };
    private static final String[] WORDS = ("the of and to in is was for on that with as by at from his an were are "
            + "which this be or has had not but their also its it first new after two other one who been more they "
            + "attention transformer embedding vector search retrieval query document engine kernel memory latency "
            + "throughput model token sequence batch softmax matrix multiply cache thread java service database "
            + "résumé naïve coöperate mañana über señor déjà vu 東京 北京 서울 Москва Αθήνα 2024 3.5 42 100% "
            + "e-mail state-of-the-art U.S. Dr. Mr. (parenthesis) [bracket] {brace} <angle> \"quote\" 'single' "
            + "http://a.b/c?d=e user@host.io #hashtag @mention $var a+b=c x*y/z 10:30 2026-12-07").split(" ");

    private GoldenTexts() {}

    /** {@code count} texts: the hand-picked ones, then seeded random sentences of 1 to 220 words. */
    static List<String> texts(int count, long seed) {
        List<String> texts = new ArrayList<>(List.of(HAND_PICKED));
        SplittableRandom r = new SplittableRandom(seed);
        while (texts.size() < count) {
            int words = switch (r.nextInt(10)) {
                case 0 -> 1 + r.nextInt(3);
                case 1, 2, 3, 4, 5 -> 5 + r.nextInt(36);
                case 6, 7 -> 40 + r.nextInt(40);
                default -> 80 + r.nextInt(140); // past the 128-token truncation
            };
            StringBuilder b = new StringBuilder();
            for (int w = 0; w < words; w++) {
                String word = WORDS[r.nextInt(WORDS.length)];
                b.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
                b.append(r.nextInt(12) == 0 ? ", " : " ");
            }
            texts.add(b.toString().trim() + (r.nextBoolean() ? "." : ""));
        }
        return texts;
    }
}
