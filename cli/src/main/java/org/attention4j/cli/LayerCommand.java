package org.attention4j.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.attention4j.AttentionMask;
import org.attention4j.cli.io.FloatArray;
import org.attention4j.cli.io.Npy;
import org.attention4j.io.SafeTensorsFile;
import org.attention4j.layer.MultiHeadAttentionWeights;
import org.attention4j.layer.MultiHeadAttention;
import org.attention4j.layer.PositionalEncoding;
import org.attention4j.layer.RotaryEmbedding;
import org.attention4j.layer.SafeTensorsWeights;
import org.attention4j.layer.WeightNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attention4j layer}: a multi-head attention block from a safetensors checkpoint on your X. */
@Command(name = "layer", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = {"Run one multi-head attention block (projections, attention, output projection) with "
                + "weights from a Hugging Face safetensors checkpoint on X from a .npy file; write Y as float32 .npy.",
            "Example: attention4j layer --weights model.safetensors --prefix encoder.layer.0. --heads 12 "
                + "--x x.npy --out y.npy"})
public final class LayerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--weights", required = true, paramLabel = "FILE.safetensors",
            description = "The checkpoint: nn.Linear weights [out, in] (transposed on load), biases when present.")
    Path weightsFile;

    @Option(names = "--x", required = true, paramLabel = "X.npy", description = "Input: [n, d_model] or [B, n, d_model].")
    Path xFile;

    @Option(names = "--x-kv", paramLabel = "XKV.npy",
            description = "Cross-attention: keys and values from this input, [Lk, d_model] or [B, Lk, d_model].")
    Path xkvFile;

    @Option(names = "--out", required = true, paramLabel = "Y.npy", description = "Output: float32, the shape of X.")
    Path out;

    @Option(names = "--heads", description = "Query heads (the model's num_attention_heads); default: the "
            + "checkpoint's __metadata__ 'heads' or 'num_attention_heads'.")
    Integer heads;

    @Option(names = "--kv-heads", description = "Key/value heads; read from the weights' shapes, this checks them.")
    Integer kvHeads;

    @Option(names = "--names", defaultValue = "bert", paramLabel = "bert|llama",
            description = "Tensor names: bert (attention.self.query …, attention.output.dense) or llama "
                    + "(self_attn.q_proj …). Default: ${DEFAULT-VALUE}.")
    String names;

    @Option(names = "--prefix", defaultValue = "", paramLabel = "P",
            description = "Prepended to every tensor name, e.g. encoder.layer.0. or model.layers.0.")
    String prefix;

    @Option(names = "--rope", arity = "0..1", fallbackValue = "10000", paramLabel = "BASE",
            description = "Rotary embedding of Q and K (Llama/HF rotate_half pairing), base default 10000.")
    Double ropeBase;

    @Option(names = "--rope-offset", defaultValue = "0", paramLabel = "N",
            description = "Position of the first token (to continue a sequence); also for --sinusoidal. "
                    + "Default: ${DEFAULT-VALUE}.")
    long position;

    @Option(names = "--sinusoidal", description = "Add the sinusoidal positional encoding to X (and XKV) first.")
    boolean sinusoidal;

    @Mixin
    BandOptions band;

    @Mixin
    VariantOptions variants;

    @Option(names = "--threads", description = "Threads; default: all cores.")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        if (threads != null && threads < 1) {
            throw new BadInputException("--threads " + threads + ": expected >= 1");
        }
        if (position < 0) {
            throw new BadInputException("--rope-offset " + position + ": expected >= 0");
        }
        if (ropeBase != null && !(ropeBase > 1)) {
            throw new BadInputException("--rope " + ropeBase + ": expected a base > 1");
        }
        int[] window = band.window();
        if (variants.blockSparse != null) {
            throw new BadInputException("--block-sparse with layer: not supported (a layout is made for one pair of"
                    + " lengths; use profile or run)");
        }
        WeightNames weightNames = weightNames();
        OutputFiles.requireWritableDirectory("--out", out);
        FloatArray x = Npy.read(xFile);
        FloatArray xkv = xkvFile == null ? null : Npy.read(xkvFile);
        MultiHeadAttentionWeights weights = loadWeights(weightNames);
        Shape shape = shape(x, xkv, weights.dModel());
        MultiHeadAttention.Builder builder = MultiHeadAttention.builder(weights).causal(band.causal()).window(window[0], window[1]);
        builder.threads(threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        builder.kernelOptions(b -> variants.applyScoreOptions(b, weights.heads()));
        if (ropeBase != null) {
            builder.rope(RotaryEmbedding.of(weights.headDim(), ropeBase));
        }
        if (sinusoidal) {
            builder.positionalEncoding(PositionalEncoding.sinusoidal(weights.dModel()));
        }
        float[] y = new float[x.data().length];
        try (MultiHeadAttention layer = builder.build()) {
            AttentionMask mask = variants.mask(layer.attentionSpec(shape.batch, shape.queryLength, shape.keyLength));
            if (xkv == null) {
                layer.forward(shape.batch, x.data(), shape.queryLength, y, position, mask);
            } else {
                layer.forward(shape.batch, x.data(), shape.queryLength, position, xkv.data(), shape.keyLength, position, y,
                        mask);
            }
        }
        Npy.write(out, x.shape(), y);
        return Main.EXIT_OK;
    }

    private WeightNames weightNames() {
        try {
            return WeightNames.preset(names).withPrefix(prefix);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--names " + names + ": expected bert or llama");
        }
    }

    private MultiHeadAttentionWeights loadWeights(WeightNames weightNames) {
        try {
            SafeTensorsFile file = SafeTensorsFile.open(weightsFile);
            int h = heads != null ? heads : headsFromMetadata(file);
            MultiHeadAttentionWeights w = SafeTensorsWeights.load(file, weightNames, h);
            if (kvHeads != null && kvHeads != w.kvHeads()) {
                throw new BadInputException("--kv-heads " + kvHeads + ": the weights have " + w.kvHeads()
                        + " key/value heads (key weight out = kvHeads·headDim = " + w.kvHeads() * w.headDim() + ")");
            }
            return w;
        } catch (NoSuchFileException e) {
            throw new BadInputException("--weights " + weightsFile + ": no such file");
        } catch (IOException e) {
            throw new BadInputException("--weights " + weightsFile + ": cannot read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--weights " + e.getMessage());
        }
    }

    private int headsFromMetadata(SafeTensorsFile file) {
        for (String key : new String[] {"heads", "num_attention_heads"}) {
            String value = file.metadata().get(key);
            if (value != null) {
                try {
                    return Integer.parseInt(value.trim());
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        throw new BadInputException("--heads: missing (the checkpoint's __metadata__ has no 'heads'): give the model's "
                + "num_attention_heads, e.g. --heads 12");
    }

    private record Shape(int batch, int queryLength, int keyLength) {}

    /** [n, d] or [B, n, d]; X and XKV of the same rank and batch, d = the weights' d_model. */
    private Shape shape(FloatArray x, FloatArray xkv, int dModel) {
        long[] s = x.shape();
        if (s.length != 2 && s.length != 3 || s[s.length - 1] != dModel) {
            throw new BadInputException("--x " + xFile + ": shape " + x.shapeText() + ": expected [n, " + dModel
                    + "] or [B, n, " + dModel + "] (d_model of the weights)");
        }
        int batch = s.length == 3 ? (int) s[0] : 1, lq = (int) s[s.length - 2];
        if (batch < 1) {
            throw new BadInputException("--x " + xFile + ": shape " + x.shapeText() + ": expected a batch >= 1");
        }
        if (xkv == null) {
            return new Shape(batch, lq, lq);
        }
        long[] k = xkv.shape();
        if (k.length != s.length || k[k.length - 1] != dModel || (k.length == 3 && k[0] != batch)) {
            throw new BadInputException("--x-kv " + xkvFile + ": shape " + xkv.shapeText() + ": expected "
                    + (s.length == 3 ? "[" + batch + ", Lk, " + dModel + "]" : "[Lk, " + dModel + "]")
                    + " (the rank and batch of --x " + Arrays.toString(s) + ")");
        }
        return new Shape(batch, lq, (int) k[k.length - 2]);
    }
}
