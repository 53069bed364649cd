package org.attention4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.attention4j.model.internal.SyntheticTexts;

/** Texts of every kind the transformer must handle, with nulls and empty strings among them. */
final class SparkTexts {
    private SparkTexts() {}

    static List<String> mixed(int synthetic) {
        List<String> texts = new ArrayList<>(SyntheticTexts.mix(synthetic, 7));
        texts.add(null);
        texts.add("");
        texts.add("Crème brûlée, naïve café: accents survive lower-casing and stripping.");
        texts.add("注意力机制 is attention in Chinese; 東京 is Tokyo.");
        texts.add("https://example.org/a?b=c&d=e#f and code: for (int i = 0; i < n; i++) { sum += x[i]; }");
        texts.add("word ".repeat(600)); // far past the 128-token truncation
        texts.add(null);
        texts.add("a");
        for (int i = 0; i < texts.size(); i += 37) {
            texts.add(i, i % 2 == 0 ? null : ""); // scattered through the partitions
        }
        return texts;
    }
}
