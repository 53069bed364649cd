package org.attention4j.model.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded texts for benchmarks and smoke tests (JMH, {@code attention4j profile --model}): a
 * retrieval-like mix of mostly 5–40 words (queries, titles, short passages) and some 60–120
 * (paragraphs), and long chunks for the 512-token case. Not meaningful prose: a vocabulary of common
 * and technical words, accents, numbers, URLs and punctuation, so the tokenizer does its usual work.
 */
public final class SyntheticTexts {
    private static final String[] WORDS = ("the of and to in is was for on that with as by at from his an were are "
            + "which this be or has had not but their also its it first new after two other one who been more they "
            + "attention transformer embedding vector search retrieval query document engine kernel memory latency "
            + "throughput model token sequence batch softmax matrix multiply cache thread java service database "
            + "customer invoice shipping order payment account password error timeout cluster deployment release "
            + "résumé naïve café 2024 3.5 42 100% e-mail state-of-the-art U.S. Dr. (see below) \"quoted\" "
            + "https://example.com/docs user@example.org 10:30").split(" ");

    private SyntheticTexts() {}

    /** {@code count} texts: 85 % of 5–40 words, 15 % of 60–120. */
    public static List<String> mix(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(sentence(r, r.nextInt(100) < 85 ? 5 + r.nextInt(36) : 60 + r.nextInt(61)));
        }
        return texts;
    }

    /** {@code count} texts of about 600 words: past 512 tokens, so they run at the 512-token limit. */
    public static List<String> chunks(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(sentence(r, 600));
        }
        return texts;
    }

    private static String sentence(SplittableRandom r, int words) {
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < words; w++) {
            b.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(15) == 0 ? ". " : " ");
        }
        return b.toString().trim();
    }
}
