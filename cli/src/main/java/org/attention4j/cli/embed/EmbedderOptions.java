package org.attention4j.cli.embed;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.attention4j.cli.BadInputException;
import org.attention4j.model.Pooling;
import org.attention4j.model.SentenceEmbedder;
import picocli.CommandLine.Option;

/** The options of a sentence embedder that {@code embed} and {@code serve} share (a picocli mixin). */
public final class EmbedderOptions {
    @Option(names = "--tokenizer", paramLabel = "tokenizer.json",
            description = "The Hugging Face tokenizer.json (WordPiece); default: the one beside the model.")
    public Path tokenizer;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Tokens per text at most ([CLS] and [SEP] included); default: the tokenizer file's truncation.")
    public Integer maxLength;

    @Option(names = "--pooling", defaultValue = "mean", paramLabel = "mean|cls",
            description = "Mean over the tokens (sentence-transformers' usual) or the [CLS] state. Default: ${DEFAULT-VALUE}.")
    public String pooling;

    @Option(names = "--no-normalize", description = "Keep the pooled vectors as they are (default: unit L2 norm).")
    public boolean noNormalize;

    @Option(names = "--threads", paramLabel = "N", description = "Threads per call; default: available processors.")
    public Integer threads;

    /** Checks the options' values before any work (each error names its option). */
    public Pooling check() {
        if (threads != null && threads < 1) {
            throw new BadInputException("--threads " + threads + ": expected >= 1");
        }
        if (maxLength != null && maxLength < 2) {
            throw new BadInputException("--max-length " + maxLength + ": expected >= 2 ([CLS] and [SEP])");
        }
        return switch (pooling.toLowerCase(Locale.ROOT)) {
            case "mean" -> Pooling.MEAN;
            case "cls" -> Pooling.CLS;
            default -> throw new BadInputException("--pooling " + pooling + ": expected mean or cls");
        };
    }

    public int threadCount() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** Loads the model with these options; an unreadable file is the user's to fix (exit 2). */
    public SentenceEmbedder load(Path model) {
        SentenceEmbedder.Builder b = SentenceEmbedder.builder(model).pooling(check()).normalize(!noNormalize)
                .threads(threadCount());
        if (tokenizer != null) {
            b.tokenizer(tokenizer);
        }
        if (maxLength != null) {
            b.maxLength(maxLength);
        }
        try {
            return b.build();
        } catch (NoSuchFileException e) {
            throw new BadInputException("--model " + model + ": cannot read " + e.getFile(), e);
        } catch (IOException e) {
            throw new BadInputException("--model " + model + ": cannot read it (" + e + ")", e);
        }
    }
}
