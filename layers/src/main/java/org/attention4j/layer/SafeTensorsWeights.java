package org.attention4j.layer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.attention4j.AttentionSpec;
import org.attention4j.io.SafeTensorsFile;

/**
 * Loads {@link MultiHeadAttentionWeights} from a safetensors checkpoint in the Hugging Face layout.
 *
 * <p>Transposition: {@code nn.Linear} computes {@code y = x·Wᵀ + b} and stores W as {@code [out, in]};
 * the layer multiplies {@code X·W} with W {@code [in, out]}, so every weight is transposed on load.
 * Biases are loaded when present (BERT has all four, Llama none, Qwen2 has Q/K/V ones).
 *
 * <p>Shapes: {@code dModel} is the query weight's {@code in}, {@code headDim = out_q / heads},
 * {@code kvHeads = out_k / headDim} (so GQA/MQA checkpoints need no extra option) and the value head
 * size {@code valueHeadDim = out_v / kvHeads} (headDim in most checkpoints; multi-head latent
 * attention's differs); the output weight must be {@code [dModel, heads·valueHeadDim]}. Hugging Face's
 * Llama checkpoints already have Q and K columns in the order its rotate_half RoPE expects, which is
 * {@link RotaryEmbedding}'s.
 *
 * @since 0.1
 */
public final class SafeTensorsWeights {
    private SafeTensorsWeights() {}

    /**
     * Opens {@code file} and loads one block's weights from it.
     *
     * @param file a {@code .safetensors} checkpoint
     * @param names where the block's projections are, with the block's prefix
     * @param heads query heads (not stored in the weights; from the model's config.json)
     * @return the weights, transposed to {@code [in, out]}
     * @throws IllegalArgumentException naming the tensor whose name, dtype or shape does not fit
     * @throws IOException when the file cannot be read
     */
    public static MultiHeadAttentionWeights load(Path file, WeightNames names, int heads) throws IOException {
        return load(SafeTensorsFile.open(file), names, heads);
    }

    /**
     * Loads one block's weights from an opened checkpoint: a model's blocks read the header once.
     *
     * @param file the checkpoint's index
     * @param names where the block's projections are, with the block's prefix
     * @param heads query heads (not stored in the weights; from the model's config.json)
     * @return the weights, transposed to {@code [in, out]}
     * @throws IllegalArgumentException naming the tensor whose name, dtype or shape does not fit
     * @throws IOException when the file cannot be read
     */
    public static MultiHeadAttentionWeights load(SafeTensorsFile file, WeightNames names, int heads) throws IOException {
        if (heads < 1) {
            throw new IllegalArgumentException("heads = " + heads + ": expected >= 1");
        }
        long[] q = shape2(file, names.weight(names.query()));
        long[] k = shape2(file, names.weight(names.key()));
        long[] v = shape2(file, names.weight(names.value()));
        long[] o = shape2(file, names.weight(names.output()));
        int dModel = (int) q[1];
        if (q[0] % heads != 0) {
            throw new IllegalArgumentException(file.source() + ": tensor '" + names.weight(names.query()) + "' "
                    + Arrays.toString(q) + ": expected out = heads·headDim, a multiple of heads = " + heads);
        }
        int headDim = (int) (q[0] / heads);
        requireShape(file, names.weight(names.key()), k, -1, dModel, "[kvHeads·headDim, dModel]");
        if (k[0] % headDim != 0) {
            throw new IllegalArgumentException(file.source() + ": tensor '" + names.weight(names.key()) + "' "
                    + Arrays.toString(k) + ": expected out = kvHeads·headDim, a multiple of headDim = " + headDim);
        }
        int kvHeads = (int) (k[0] / headDim);
        requireShape(file, names.weight(names.value()), v, -1, dModel, "[kvHeads·valueHeadDim, dModel]");
        if (v[0] % kvHeads != 0 || v[0] / kvHeads > AttentionSpec.MAX_HEAD_DIM) {
            throw new IllegalArgumentException(file.source() + ": tensor '" + names.weight(names.value()) + "' "
                    + Arrays.toString(v) + ": expected out = kvHeads·valueHeadDim with kvHeads = " + kvHeads
                    + " (from the key weight) and valueHeadDim 1.." + AttentionSpec.MAX_HEAD_DIM);
        }
        int valueHeadDim = (int) (v[0] / kvHeads);
        requireShape(file, names.weight(names.output()), o, dModel, (long) heads * valueHeadDim,
                "[dModel, heads·valueHeadDim] with valueHeadDim = " + valueHeadDim + " (from the value weight)");
        return MultiHeadAttentionWeights.builder(dModel, heads, headDim).kvHeads(kvHeads).valueHeadDim(valueHeadDim)
                .query(transposed(file, names.weight(names.query()), q), bias(file, names.bias(names.query()), q[0]))
                .key(transposed(file, names.weight(names.key()), k), bias(file, names.bias(names.key()), k[0]))
                .value(transposed(file, names.weight(names.value()), v), bias(file, names.bias(names.value()), v[0]))
                .output(transposed(file, names.weight(names.output()), o), bias(file, names.bias(names.output()), o[0]))
                .build();
    }

    private static long[] shape2(SafeTensorsFile file, String name) {
        SafeTensorsFile.Entry e = file.entry(name);
        if (e == null) {
            throw new IllegalArgumentException(file.source() + ": no tensor named '" + name + "' (wrong --names or "
                    + "--prefix?); it has: " + abbreviated(String.join(", ", file.names())));
        }
        if (e.shape().length != 2 || e.shape()[0] < 1 || e.shape()[1] < 1) {
            throw new IllegalArgumentException(file.source() + ": tensor '" + name + "' " + Arrays.toString(e.shape())
                    + ": expected a 2-d nn.Linear weight [out, in]");
        }
        return e.shape();
    }

    private static void requireShape(SafeTensorsFile file, String name, long[] shape, long rows, long cols, String what) {
        if ((rows >= 0 && shape[0] != rows) || shape[1] != cols) {
            throw new IllegalArgumentException(file.source() + ": tensor '" + name + "' " + Arrays.toString(shape)
                    + ": expected " + what + " = [" + (rows >= 0 ? rows : "?") + ", " + cols + "]");
        }
    }

    /** {@code W[in, out]} from the stored {@code [out, in]}. */
    private static float[] transposed(SafeTensorsFile file, String name, long[] shape) throws IOException {
        float[] stored = file.read(name);
        int out = (int) shape[0], in = (int) shape[1];
        float[] w = new float[stored.length];
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                w[c * out + r] = stored[r * in + c];
            }
        }
        return w;
    }

    private static float[] bias(SafeTensorsFile file, String name, long length) throws IOException {
        SafeTensorsFile.Entry e = file.entry(name);
        if (e == null) {
            return null;
        }
        if (e.shape().length != 1 || e.shape()[0] != length) {
            throw new IllegalArgumentException(file.source() + ": tensor '" + name + "' " + Arrays.toString(e.shape())
                    + ": expected [" + length + "]");
        }
        return file.read(name);
    }

    private static String abbreviated(String s) {
        return s.length() > 300 ? s.substring(0, 300) + " ..." : s;
    }
}
