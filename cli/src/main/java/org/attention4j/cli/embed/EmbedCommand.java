package org.attention4j.cli.embed;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.OutputFiles;
import org.attention4j.cli.VersionProvider;
import org.attention4j.model.SentenceEmbedder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--input", required = true, paramLabel = "texts.txt|.jsonl",
            description = "One text per line (every line counts, empty ones too), or JSON lines with a \"text\" field.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "vectors.npy|.jsonl",
            description = "float32 .npy [texts, dimension] in input order, or JSON lines {\"index\", \"embedding\"}.")
    Path output;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "N",
            description = "Texts per call of the encoder (packed without padding). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Mixin
    EmbedderOptions embedder;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        EmbeddingFormat outputFormat = EmbeddingFormat.of("--output", output);
        embedder.check();
        if (batch < 1) {
            throw new BadInputException("--batch " + batch + ": expected >= 1");
        }
        OutputFiles.requireWritableDirectory("--output", output);
        List<String> texts = TextFile.read(input);
        PrintWriter err = spec.commandLine().getErr();
        try (SentenceEmbedder embedder = this.embedder.load(model)) {
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
}
