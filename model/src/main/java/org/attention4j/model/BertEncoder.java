package org.attention4j.model;

import java.io.IOException;
import java.util.ArrayDeque;
import org.attention4j.AttentionEngine;
import org.attention4j.model.EncoderPhases.Phase;
import org.attention4j.layer.Gemm;
import org.attention4j.layer.MultiHeadAttention;

/**
 * A BERT-family transformer encoder on the attention4j engine: word + position + token-type embeddings
 * and LayerNorm, then per layer multi-head self-attention ({@link MultiHeadAttention}), residual +
 * LayerNorm, a GELU(erf) feed-forward, residual + LayerNorm (the post-norm layout of BERT, MiniLM, e5,
 * bge and their kin).
 *
 * <p>Batches are packed: sequences of different lengths lie one after another ({@code cuSeqlens}, as in
 * FlashAttention's varlen API) and each attends only within itself, so no padding is computed and the
 * work is proportional to the real tokens. Every GEMM runs over all tokens of the batch at once.
 *
 * <p>Thread-safe: scratch buffers (grown only) are pooled per concurrent call, so a warm call allocates
 * nothing that grows with the batch. Every argument is checked before anything is written.
 *
 * @since 0.1
 */
public final class BertEncoder implements AutoCloseable {
    private final BertConfig config;
    private final BertWeights weights;
    private final AttentionEngine engine;
    private final Gemm gemm;
    private final MultiHeadAttention[] attention;
    /** The feed-forward weights of each layer, packed once for the Gemm. */
    private final Gemm.PackedMatrix[] intermediateWeights, outputWeights;
    private final ArrayDeque<Scratch> scratchPool = new ArrayDeque<>();
    /** The phases being profiled by the one call that passed them, else null. */
    private volatile EncoderPhases profiled;

    private BertEncoder(BertConfig config, BertWeights weights, int threads, BertEncoder packedBy) {
        this.config = config;
        this.weights = weights;
        this.engine = AttentionEngine.builder().threads(threads).listener(this::attentionTimed).build();
        this.gemm = Gemm.create(threads);
        this.attention = new MultiHeadAttention[weights.layers.length];
        for (int i = 0; i < attention.length; i++) {
            attention[i] = MultiHeadAttention.builder(weights.layers[i].attention()).engine(engine).gemm(gemm).build();
        }
        if (packedBy != null && packedBy.gemm.kernel() == gemm.kernel()) { // packed for the same kernel: shared
            this.intermediateWeights = packedBy.intermediateWeights;
            this.outputWeights = packedBy.outputWeights;
            return;
        }
        int h = config.hiddenSize(), inter = config.intermediateSize();
        this.intermediateWeights = new Gemm.PackedMatrix[attention.length];
        this.outputWeights = new Gemm.PackedMatrix[attention.length];
        for (int i = 0; i < attention.length; i++) {
            intermediateWeights[i] = gemm.pack(weights.layers[i].intermediateWeight(), 0, inter, h, inter);
            outputWeights[i] = gemm.pack(weights.layers[i].outputWeight(), 0, h, inter, h);
        }
    }

    /**
     * An encoder with the same weights (and their packed feed-forward copies) on {@code threads} threads
     * per call, with its own workers: e.g. one-thread encoders running batches side by side, next to
     * one that splits each call. Close it separately.
     *
     * @param threads threads per call, at least 1
     * @return the new encoder
     * @throws IllegalArgumentException when {@code threads < 1}
     */
    public BertEncoder withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ": expected >= 1");
        }
        return new BertEncoder(config, weights, threads, this);
    }

    /**
     * An encoder with these weights on {@code threads} threads per call.
     *
     * @param weights where the tensors are read from (an ONNX export or a safetensors checkpoint)
     * @param config the model's sizes
     * @param threads threads per call, at least 1
     * @return the encoder, its weights read and its feed-forward weights packed
     * @throws IllegalArgumentException naming the first tensor that is missing or does not fit the config
     * @throws IOException when the weights cannot be read
     */
    public static BertEncoder create(WeightSource weights, BertConfig config, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ": expected >= 1");
        }
        return new BertEncoder(config, BertWeights.load(weights, config), threads, null);
    }

    /** {@return the model's sizes} */
    public BertConfig config() {
        return config;
    }

    /** {@return threads per call} */
    public int threads() {
        return engine.threads();
    }

    /**
     * The last hidden states of a packed batch: sequence {@code s} is tokens {@code cuSeqlens[s] ..
     * cuSeqlens[s + 1]} of {@code tokenIds}; {@code tokenTypes} (null: all 0) alike; {@code hidden} receives
     * {@code [total, hiddenSize]} (the model's {@code last_hidden_state} without padding).
     *
     * @param tokenIds the packed batch's token ids
     * @param tokenTypes their token types (segment ids), or null for all 0
     * @param cuSeqlens cumulative sequence lengths: {@code sequences + 1} offsets from 0
     * @param hidden {@code total · hiddenSize} floats at least, written
     * @throws IllegalArgumentException when an id or type is out of the vocabulary, a sequence is longer than
     *         {@code maxPositions}, the offsets are not cumulative from 0, or {@code hidden} is too short
     */
    public void encode(int[] tokenIds, int[] tokenTypes, int[] cuSeqlens, float[] hidden) {
        int total = EncoderArguments.check(config, tokenIds, tokenTypes, cuSeqlens);
        EncoderArguments.requireFloats("hidden", hidden, (long) total * config.hiddenSize());
        Scratch s = acquire(total);
        try {
            run(s, tokenIds, tokenTypes, cuSeqlens, total, null);
            System.arraycopy(s.x, 0, hidden, 0, total * config.hiddenSize());
        } finally {
            release(s);
        }
    }

    /**
     * One vector per sequence of a packed batch (see {@link #encode}): {@code out} receives
     * {@code [sequences, hiddenSize]}, pooled and, with {@code normalize}, scaled to unit L2 norm.
     *
     * @param tokenIds the packed batch's token ids
     * @param tokenTypes their token types (segment ids), or null for all 0
     * @param cuSeqlens cumulative sequence lengths: {@code sequences + 1} offsets from 0
     * @param pooling mean over a sequence's tokens, or its [CLS] token
     * @param normalize scale each vector to unit L2 norm
     * @param out {@code sequences · hiddenSize} floats at least, written
     * @throws IllegalArgumentException as {@link #encode}, and for an empty sequence or a short {@code out}
     */
    public void embed(int[] tokenIds, int[] tokenTypes, int[] cuSeqlens, Pooling pooling, boolean normalize,
                      float[] out) {
        embed(tokenIds, tokenTypes, cuSeqlens, pooling, normalize, out, null);
    }

    /**
     * {@link #embed(int[], int[], int[], Pooling, boolean, float[])} that also adds the time of each phase
     * to {@code phases} (null: none). While a call profiles, other calls on this encoder must not run.
     *
     * @param tokenIds the packed batch's token ids
     * @param tokenTypes their token types (segment ids), or null for all 0
     * @param cuSeqlens cumulative sequence lengths: {@code sequences + 1} offsets from 0
     * @param pooling mean over a sequence's tokens, or its [CLS] token
     * @param normalize scale each vector to unit L2 norm
     * @param out {@code sequences · hiddenSize} floats at least, written
     * @param phases where the time goes, accumulated; or null
     * @throws IllegalArgumentException as {@link #encode}, and for an empty sequence or a short {@code out}
     */
    public void embed(int[] tokenIds, int[] tokenTypes, int[] cuSeqlens, Pooling pooling, boolean normalize,
                      float[] out, EncoderPhases phases) {
        int total = EncoderArguments.check(config, tokenIds, tokenTypes, cuSeqlens);
        EncoderArguments.requireNonEmpty(cuSeqlens);
        if (pooling == null) {
            throw new IllegalArgumentException("pooling = null: expected MEAN or CLS");
        }
        int hiddenSize = config.hiddenSize(), sequences = cuSeqlens.length - 1;
        EncoderArguments.requireFloats("out", out, (long) sequences * hiddenSize);
        Scratch s = acquire(total);
        try {
            if (phases != null) {
                profiled = phases;
            }
            run(s, tokenIds, tokenTypes, cuSeqlens, total, phases);
            long start = System.nanoTime();
            EncoderMath.pool(s.x, cuSeqlens, hiddenSize, pooling, normalize, out);
            if (phases != null) {
                phases.add(Phase.POOLING, System.nanoTime() - start);
                phases.calls++;
                phases.tokens += total;
            }
        } finally {
            if (phases != null) {
                profiled = null;
            }
            release(s);
        }
    }

    private void run(Scratch s, int[] ids, int[] types, int[] cuSeqlens, int total, EncoderPhases phases) {
        int h = config.hiddenSize(), inter = config.intermediateSize();
        double eps = config.layerNormEps();
        float[] x = s.x, y = s.y;
        Clock clock = new Clock(phases);
        // x = LayerNorm(word + position + type)
        EncoderMath.embed(weights, h, ids, types, cuSeqlens, x);
        gemm.layerNorm(x, null, 0, total, h, weights.embeddingNormGamma, weights.embeddingNormBeta, eps);
        clock.lap(Phase.EMBEDDINGS);
        for (int i = 0; i < attention.length; i++) {
            BertWeights.Layer w = weights.layers[i];
            // y = LayerNorm(x + Attention(x)·W_O + b_O)
            attention[i].forwardVarlen(x, cuSeqlens, y);
            clock.lap(Phase.ATTENTION_PROJECTIONS); // the kernel's share moves to ATTENTION (attentionTimed)
            gemm.layerNorm(y, x, 0, total, h, w.attentionNormGamma(), w.attentionNormBeta(), eps);
            clock.lap(Phase.ELEMENT_WISE);
            // intermediate = GELU(y·W_I + b_I), bias and GELU fused into the GEMM's blocks
            gemm.multiply(total, y, 0, h, intermediateWeights[i], w.intermediateBias(), null, Gemm.Activation.GELU,
                    s.intermediate, 0, inter);
            // x = LayerNorm(y + intermediate·W_2 + b_2), the sum fused into the GEMM's blocks
            gemm.multiply(total, s.intermediate, 0, inter, outputWeights[i], w.outputBias(), y, Gemm.Activation.NONE,
                    x, 0, h);
            clock.lap(Phase.FEED_FORWARD);
            gemm.layerNorm(x, null, 0, total, h, w.outputNormGamma(), w.outputNormBeta(), eps);
            clock.lap(Phase.ELEMENT_WISE);
        }
    }

    /** The engine's listener: while a call profiles, the attention kernel's time moves out of the projections. */
    private void attentionTimed(org.attention4j.AttentionSpec spec, String kernel, int threads, long nanos,
                                Throwable failure) {
        EncoderPhases phases = profiled;
        if (phases != null) {
            phases.add(Phase.ATTENTION, nanos);
            phases.add(Phase.ATTENTION_PROJECTIONS, -nanos);
        }
    }

    /** Laps of one call into its phases; does nothing (not even read the clock) without phases. */
    private static final class Clock {
        private final EncoderPhases phases;
        private long last;

        Clock(EncoderPhases phases) {
            this.phases = phases;
            this.last = phases == null ? 0 : System.nanoTime();
        }

        void lap(Phase phase) {
            if (phases != null) {
                long now = System.nanoTime();
                phases.add(phase, now - last);
                last = now;
            }
        }
    }

    private Scratch acquire(int total) {
        Scratch s;
        synchronized (scratchPool) {
            s = scratchPool.pollFirst();
        }
        if (s == null) {
            s = new Scratch();
        }
        s.fit(total, config);
        return s;
    }

    private void release(Scratch s) {
        synchronized (scratchPool) {
            scratchPool.addFirst(s);
        }
    }

    /** Stops the engine's and the GEMM's worker threads. */
    @Override
    public void close() {
        for (MultiHeadAttention layer : attention) {
            layer.close();
        }
        engine.close();
        gemm.close();
    }

    @Override
    public String toString() {
        return "BertEncoder[" + config + ", threads=" + threads() + ", " + engine.kernelName() + "]";
    }

    /** One call's activations: x and y {@code [total, hidden]}, the feed-forward's {@code [total, intermediate]}. */
    private static final class Scratch {
        float[] x = new float[0], y = new float[0], intermediate = new float[0];

        void fit(int total, BertConfig c) {
            long rows = total;
            if (x.length < rows * c.hiddenSize()) {
                x = new float[Math.toIntExact(rows * c.hiddenSize())];
                y = new float[x.length];
            }
            if (intermediate.length < rows * c.intermediateSize()) {
                intermediate = new float[Math.toIntExact(rows * c.intermediateSize())];
            }
        }
    }
}
