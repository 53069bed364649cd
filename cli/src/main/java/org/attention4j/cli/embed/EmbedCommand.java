package org.attention4j.cli.embed;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.OutputFiles;
import org.attention4j.cli.VersionProvider;
import org.attention4j.model.Pooling;
import org.attention4j.model.SentenceEmbedder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attention4j embed}: sentence embeddings of a file of texts with a BERT-family model. */
@Command(name = "embed", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = {"Embed texts with a BERT-family sentence-embedding model (an ONNX export or a Hugging Face "
                + "safetensors checkpoint, e.g. all-MiniLM-L6-v2): tokenize, encode without padding, pool, normalize.",
            "Example: attention4j embed --model all-minilm-l6-v2.onnx --input texts.txt --output vectors.npy"})
public final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE|DIR",
            description = "A .onnx or .safetensors file, or a folder holding one (with config.json and tokenizer.json).")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json",
            description = "The Hugging Face tokenizer.json (WordPiece); default: the one beside the model.")
    Path tokenizer;

    @Option(names = "--input", required = true, paramLabel = "texts.txt|.jsonl",
            description = "One text per line (every line counts, empty ones too), or JSON lines with a \"text\" field.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "vectors.npy|.jsonl",
            description = "float32 .npy [texts, dimension] in input order, or JSON lines {\"index\", \"embedding\"}.")
    Path output;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Tokens per text at most ([CLS] and [SEP] included); default: the tokenizer file's truncation.")
    Integer maxLength;

    @Option(names = "--pooling", defaultValue = "mean", paramLabel = "mean|cls",
            description = "Mean over the tokens (sentence-transformers' usual) or the [CLS] state. Default: ${DEFAULT-VALUE}.")
    String pooling;

    @Option(names = "--no-normalize", description = "Keep the pooled vectors as they are (default: unit L2 norm).")
    boolean noNormalize;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "N",
            description = "Texts per call of the encoder (packed without padding). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--threads", paramLabel = "N", description = "Threads; default: available processors.")
    Integer threads;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        EmbeddingFormat outputFormat = EmbeddingFormat.of("--output", output);
        Pooling mode = switch (pooling.toLowerCase(Locale.ROOT)) {
            case "mean" -> Pooling.MEAN;
            case "cls" -> Pooling.CLS;
            default -> throw new BadInputException("--pooling " + pooling + ": expected mean or cls");
        };
        if (batch < 1) {
            throw new BadInputException("--batch " + batch + ": expected >= 1");
        }
        if (threads != null && threads < 1) {
            throw new BadInputException("--threads " + threads + ": expected >= 1");
        }
        OutputFiles.requireWritableDirectory("--output", output);
        List<String> texts = TextFile.read(input);
        PrintWriter err = spec.commandLine().getErr();
        try (SentenceEmbedder embedder = load(mode)) {
            int d = embedder.dimension();
            float[] vectors = new float[Math.multiplyExact(texts.size(), d)];
            long start = System.nanoTime(), lastReport = start;
            for (int first = 0; first < texts.size(); first += batch) {
                List<String> part = texts.subList(first, Math.min(texts.size(), first + batch));
                float[] out = new float[part.size() * d];
                embedder.embed(part, out);
                System.arraycopy(out, 0, vectors, first * d, out.length);
                long now = System.nanoTime();
                if (!quiet && (now - lastReport > 1_000_000_000L || first + batch >= texts.size())) {
                    int done = first + part.size();
                    err.printf(Locale.ROOT, "attention4j embed: %d/%d texts, %.1f texts/s%n", done, texts.size(),
                            done / ((now - start) / 1e9));
                    err.flush();
                    lastReport = now;
                }
            }
            OutputFiles.write(output, out -> outputFormat.write(out, vectors, texts.size(), d));
            if (!quiet) {
                err.printf(Locale.ROOT, "attention4j embed: wrote %s [%d, %d] (%s)%n", output, texts.size(), d, embedder);
                err.flush();
            }
        }
        return 0;
    }

    private SentenceEmbedder load(Pooling mode) throws IOException {
        SentenceEmbedder.Builder b = SentenceEmbedder.builder(model).pooling(mode).normalize(!noNormalize);
        if (tokenizer != null) {
            b.tokenizer(tokenizer);
        }
        if (maxLength != null) {
            b.maxLength(maxLength);
        }
        if (threads != null) {
            b.threads(threads);
        }
        try {
            return b.build();
        } catch (NoSuchFileException e) {
            throw new BadInputException("--model " + model + ": cannot read " + e.getFile(), e);
        }
    }
}
