package org.attention4j.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.attention4j.internal.JitQuiet;
import org.attention4j.model.internal.SyntheticTexts;
import org.attention4j.model.tokenizer.WordPieceTokenizer;

/**
 * Sentence embeddings from a BERT-family model: tokenize, run the {@link BertEncoder} on packed batches
 * (no padding), pool and normalize — what sentence-transformers and LangChain4j's in-process models
 * compute, on the attention4j engine.
 *
 * <pre>{@code
 * try (SentenceEmbedder embedder = SentenceEmbedder.builder(Path.of("all-minilm-l6-v2.onnx")).build()) {
 *     float[][] vectors = embedder.embed(List.of("first text", "second text"));   // [2][384], unit length
 * }
 * }</pre>
 *
 * <p>Texts longer than the tokenizer's limit are truncated, as Hugging Face tokenizers do: the limit
 * defaults to the {@code tokenizer.json}'s truncation (128 tokens for all-MiniLM-L6-v2's file, while
 * sentence-transformers uses 256 for that model: set {@link Builder#maxLength} to match it).
 *
 * <p>Threads: one batch (a short list, one text) runs on all of the encoder's threads (each GEMM and
 * attention call split among them: the lowest latency for a request); a list of several batches runs
 * its batches side by side, one per thread, each on a one-thread encoder sharing the weights (no
 * synchronization inside a batch: its serial steps — LayerNorm, the per-sequence attention calls —
 * overlap with the other threads' work). Thread-safe; calls may run concurrently.
 *
 * @since 0.1
 */
public final class SentenceEmbedder implements AutoCloseable {
    private static final AtomicInteger HELPER_IDS = new AtomicInteger();

    private final WordPieceTokenizer tokenizer;
    private final BertEncoder encoder;
    private final Pooling pooling;
    private final boolean normalize;
    private final int batchTokens;
    /** Threads − 1 daemon threads that encode batches beside the caller's; null on one thread. */
    private final ExecutorService helpers;
    /** The encoder of batches run side by side: one thread per call (null on one thread). */
    private final BertEncoder batchEncoder;

    private SentenceEmbedder(WordPieceTokenizer tokenizer, BertEncoder encoder, Builder b) {
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.pooling = b.pooling;
        this.normalize = b.normalize;
        this.batchTokens = b.batchTokens;
        this.batchEncoder = b.threads == 1 ? null : encoder.withThreads(1);
        this.helpers = b.threads == 1 ? null : Executors.newFixedThreadPool(b.threads - 1, runnable -> {
            Thread t = new Thread(runnable, "attention4j-embed-" + HELPER_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * {@return options for the model at {@code model}}
     *
     * @param model a {@code .onnx} file, a {@code .safetensors} file (with {@code config.json} beside it),
     *     or a folder holding one; the tokenizer is looked for beside it (see {@link Builder#build})
     */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /** {@return the width of each vector} (the model's hidden size) */
    public int dimension() {
        return encoder.config().hiddenSize();
    }

    /**
     * {@return the vector of one text}
     *
     * @param text the text; truncated to the tokenizer's limit
     * @throws IllegalArgumentException when {@code text} is null
     */
    public float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    /**
     * {@return one vector per text, in order}
     *
     * @param texts the texts; each truncated to the tokenizer's limit
     * @throws IllegalArgumentException when a text is null
     */
    public float[][] embed(List<String> texts) {
        float[] flat = new float[texts.size() * dimension()];
        embed(texts, flat);
        float[][] vectors = new float[texts.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = java.util.Arrays.copyOfRange(flat, i * dimension(), (i + 1) * dimension());
        }
        return vectors;
    }

    /**
     * The vectors of {@code texts} into {@code out} ({@code [texts, dimension]}, row-major), computed in
     * packed batches of about {@link Builder#batchTokens} tokens.
     *
     * @param texts the texts; each truncated to the tokenizer's limit
     * @param out {@code texts.size() · dimension()} floats at least, written
     * @throws IllegalArgumentException when a text is null or {@code out} is too short
     */
    public void embed(List<String> texts, float[] out) {
        embed(texts, out, null);
    }

    /**
     * {@link #embed(List, float[])} that adds each phase's time to {@code phases} (null: none); see
     * {@link BertEncoder#embed(int[], int[], int[], Pooling, boolean, float[], EncoderPhases)}. Runs on the
     * encoder's threads batch after batch, even for a list of several batches, so the phases add up.
     *
     * @param texts the texts; each truncated to the tokenizer's limit
     * @param out {@code texts.size() · dimension()} floats at least, written
     * @param phases where the time goes, accumulated; or null
     * @throws IllegalArgumentException when a text is null or {@code out} is too short
     */
    public void embed(List<String> texts, float[] out, EncoderPhases phases) {
        int n = texts.size(), d = dimension();
        EncoderArguments.requireFloats("out", out, (long) n * d);
        int[][] ids = new int[n][];
        for (int i = 0; i < n; i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new IllegalArgumentException("texts[" + i + "] = null: expected a string");
            }
            ids[i] = tokenizer.encode(text);
        }
        int[] firsts = PackedBatch.firsts(ids, batchTokens);
        if (helpers == null || phases != null || firsts.length < 3) { // one batch, or profiling: on this thread
            PackedBatch batch = new PackedBatch();
            for (int b = 0; b + 1 < firsts.length; b++) {
                embedBatch(encoder, batch, ids, firsts[b], firsts[b + 1], out, phases);
            }
            return;
        }
        new ParallelBatches(firsts, (batch, first, end) -> embedBatch(batchEncoder, batch, ids, first, end, out, null))
                .run(helpers, encoder.threads() - 1);
    }

    /** Texts {@code first .. end} packed and encoded, their vectors written to their rows of {@code out}. */
    private void embedBatch(BertEncoder by, PackedBatch batch, int[][] ids, int first, int end, float[] out,
                            EncoderPhases phases) {
        int d = dimension();
        batch.pack(ids, first, end);
        float[] vectors = new float[(end - first) * d];
        by.embed(batch.ids, null, batch.cuSeqlens, pooling, normalize, vectors, phases);
        System.arraycopy(vectors, 0, out, first * d, vectors.length);
    }

    /**
     * Runs the model on seeded synthetic texts (one text, then lists of several batches,
     * so both thread paths compile) until {@code budget} has passed and the JIT has compiled nothing for
     * 0.3 s, for at most 4 × {@code budget} (as {@code AttentionEngine.warmUp}): before C2 has compiled
     * the kernels a call runs several times slower.
     *
     * @param budget the least time spent
     * @return the calls made
     */
    public int warmUp(java.time.Duration budget) {
        long nanos = budget.toNanos();
        long[] seed = {0};
        return JitQuiet.runUntilCompiled(() -> {
            List<String> texts = SyntheticTexts.mix(++seed[0] % 2 == 0 ? 1 : 32, seed[0]);
            embed(texts, new float[texts.size() * dimension()]);
        }, 3, nanos, 4 * nanos, 300_000_000L);
    }

    /**
     * {@return tokens of {@code text} after truncation}, [CLS] and [SEP] included: what a call is charged
     * for (OpenAI's and LangChain4j's token usage)
     *
     * @param text the text
     */
    public int countTokens(String text) {
        return tokenizer.encode(text).length;
    }

    /** {@return the tokenizer}, with this embedder's truncation */
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** {@return the encoder} */
    public BertEncoder encoder() {
        return encoder;
    }

    /** {@return how token vectors become a text's vector} */
    public Pooling pooling() {
        return pooling;
    }

    /** {@return whether vectors are scaled to unit L2 norm} */
    public boolean normalizes() {
        return normalize;
    }

    /** Stops the helper threads and the encoder's workers. */
    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
            batchEncoder.close();
        }
        encoder.close();
    }

    @Override
    public String toString() {
        return "SentenceEmbedder[" + encoder + ", pooling=" + pooling + ", normalize=" + normalize + ", maxLength="
                + tokenizer.maxLength() + "]";
    }

    /**
     * Options; all but the model are optional.
     *
     * @since 0.1
     */
    public static final class Builder {
        private final Path model;
        private Path tokenizer;
        private int maxLength = -1;
        private Pooling pooling = Pooling.MEAN;
        private boolean normalize = true;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int batchTokens = 512;

        private Builder(Path model) {
            this.model = model;
        }

        /**
         * The tokenizer.json; default: the one beside the model.
         *
         * @param tokenizerJson a Hugging Face {@code tokenizer.json} with a WordPiece model, or null for the
         *     default
         * @return this builder
         */
        public Builder tokenizer(Path tokenizerJson) {
            this.tokenizer = tokenizerJson;
            return this;
        }

        /**
         * Tokens per text at most, [CLS] and [SEP] included; default: the tokenizer file's truncation (never
         * more than the model's positions).
         *
         * @param maxLength at least 2
         * @return this builder
         * @throws IllegalArgumentException when {@code maxLength < 2}
         */
        public Builder maxLength(int maxLength) {
            if (maxLength < 2) {
                throw new IllegalArgumentException("maxLength = " + maxLength + ": expected >= 2 ([CLS] and [SEP])");
            }
            this.maxLength = maxLength;
            return this;
        }

        /**
         * MEAN (default, sentence-transformers' usual) or CLS.
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
         * Scale each vector to unit L2 norm (default true, as for cosine similarity).
         *
         * @param normalize whether to normalize
         * @return this builder
         */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /**
         * Threads per call; default: available processors.
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
         * Tokens per packed batch (default 512, about a dozen short texts): taller GEMMs run faster up to a
         * few hundred rows; beyond that the activations ({@code tokens·(2·hidden + intermediate)·4} bytes,
         * 4.7 MB at 512 tokens of MiniLM) fall out of the caches (measured: 4096-token batches ran 15–25 %
         * slower than 512-token ones on Zen 5). A text longer than this is a batch of its own.
         *
         * @param tokens at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code tokens < 1}
         */
        public Builder batchTokens(int tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("batchTokens = " + tokens + ": expected >= 1");
            }
            this.batchTokens = tokens;
            return this;
        }

        /**
         * Loads the model: the weights ({@code model.safetensors} or the one {@code .onnx} in a folder,
         * also under {@code onnx/}); the configuration ({@code config.json} beside them, required for
         * safetensors, else read off the ONNX graph); the tokenizer (the one given, else
         * {@code tokenizer.json} beside the weights, else LangChain4j's {@code <name>-tokenizer.json}, else
         * for an export in {@code onnx/} the repository's {@code tokenizer.json} one folder up).
         *
         * @return the embedder, its threads started
         * @throws IllegalArgumentException naming the file that is missing, unsupported or malformed
         * @throws IOException when a file cannot be read
         */
        public SentenceEmbedder build() throws IOException {
            ModelFiles files = ModelFiles.locate(model, tokenizer);
            WordPieceTokenizer words = WordPieceTokenizer.load(files.tokenizer());
            BertConfig declared = files.config() == null ? null : BertConfig.fromJson(files.config());
            WeightSource weights = files.openWeights();
            BertConfig config = declared != null ? declared : ModelFiles.onnxConfig(weights);
            if (maxLength > 0) {
                words = words.withMaxLength(maxLength);
            }
            if (words.maxLength() > config.maxPositions()) {
                words = words.withMaxLength(config.maxPositions());
            }
            if (words.vocabularySize() > config.vocabSize()) {
                throw new IllegalArgumentException("tokenizer " + files.tokenizer() + " has " + words.vocabularySize()
                        + " tokens but the model's vocabulary " + config.vocabSize() + ": expected the model's own tokenizer");
            }
            return new SentenceEmbedder(words, BertEncoder.create(weights, config, threads), this);
        }
    }
}
