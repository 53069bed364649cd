package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.attention4j.AttentionSpec;
import org.attention4j.cli.io.FloatArray;
import org.attention4j.cli.io.Npy;
import org.attention4j.cli.io.SafeTensors;
import org.attention4j.layer.MultiHeadAttentionWeights;
import org.attention4j.layer.SafeTensorsWeights;
import org.attention4j.layer.WeightNames;
import org.attention4j.reference.ReferenceMultiHeadAttention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code layer} end to end on a small Llama-named checkpoint (GQA, RoPE, causal, batch 2) against the
 * engine's float64 reference: {@code max|Y − Y_ref| / max|Y_ref| <= 2e-6}, the engine layer tests'
 * tolerance. Bad options exit 2 with a message naming the option, and write no file.
 */
class LayerCommandTest {
    private static final int D_MODEL = 16, HEADS = 4, KV_HEADS = 2, HEAD_DIM = 4;

    @TempDir
    Path dir;

    private Path checkpoint() throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        Map<String, FloatArray> t = new LinkedHashMap<>();
        String p = "model.layers.0.self_attn.";
        t.put(p + "q_proj.weight", random(r, HEADS * HEAD_DIM, D_MODEL));
        t.put(p + "k_proj.weight", random(r, KV_HEADS * HEAD_DIM, D_MODEL));
        t.put(p + "v_proj.weight", random(r, KV_HEADS * HEAD_DIM, D_MODEL));
        t.put(p + "o_proj.weight", random(r, D_MODEL, HEADS * HEAD_DIM));
        Path file = dir.resolve("block.safetensors");
        SafeTensors.write(file, t);
        return file;
    }

    private static FloatArray random(SplittableRandom r, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (r.nextDouble() * 2 - 1) / 4;
        }
        return new FloatArray("t", shape, data);
    }

    @Test
    void computesTheBlockOnABatch() throws IOException {
        Path weights = checkpoint(), x = dir.resolve("x.npy"), y = dir.resolve("y.npy");
        FloatArray input = random(new SplittableRandom(2), 2, 9, D_MODEL);
        Npy.write(x, input.shape(), input.data());
        CliRun run = CliRun.of("layer", "--weights", weights.toString(), "--x", x.toString(), "--out", y.toString(),
                "--heads", "4", "--names", "llama", "--prefix", "model.layers.0.", "--rope", "--rope-offset", "3",
                "--causal", "--threads", "2");
        assertEquals(0, run.exitCode(), run.toString());
        FloatArray out = Npy.read(y);
        MultiHeadAttentionWeights w = SafeTensorsWeights.load(weights, WeightNames.LLAMA.withPrefix("model.layers.0."), HEADS);
        AttentionSpec spec = AttentionSpec.builder().batch(2).length(9).heads(HEADS).kvHeads(KV_HEADS)
                .headDim(HEAD_DIM).causal(true).build();
        double[] expected = ReferenceMultiHeadAttention.compute(w, spec, input.data(), 3, input.data(), 3,
                ReferenceMultiHeadAttention.Encoding.rope(10000));
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(out.data()[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertEquals(java.util.Arrays.toString(input.shape()), out.shapeText());
        assertTrue(worst / scale <= 2e-6, "relative error " + worst / scale);
    }

    @Test
    void softcapAndAlibiReachTheKernel() throws IOException {
        Path weights = checkpoint(), x = dir.resolve("x.npy"), y = dir.resolve("y.npy");
        FloatArray input = random(new SplittableRandom(4), 11, D_MODEL);
        Npy.write(x, input.shape(), input.data());
        CliRun run = CliRun.of("layer", "--weights", weights.toString(), "--x", x.toString(), "--out", y.toString(),
                "--heads", "4", "--names", "llama", "--prefix", "model.layers.0.", "--causal", "--softcap", "0.05",
                "--alibi");
        assertEquals(0, run.exitCode(), run.toString());
        MultiHeadAttentionWeights w = SafeTensorsWeights.load(weights, WeightNames.LLAMA.withPrefix("model.layers.0."), HEADS);
        AttentionSpec spec = AttentionSpec.builder().length(11).heads(HEADS).kvHeads(KV_HEADS).headDim(HEAD_DIM)
                .causal(true).softcap(0.05f).alibiSlopes(AttentionSpec.standardAlibiSlopes(HEADS)).build();
        double[] expected = ReferenceMultiHeadAttention.compute(w, spec, input.data(), 0, input.data(), 0,
                ReferenceMultiHeadAttention.Encoding.NONE);
        float[] got = Npy.read(y).data();
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertTrue(worst / scale <= 2e-6, "relative error " + worst / scale);
        String[] base = {"layer", "--weights", weights.toString(), "--x", x.toString(), "--out",
                dir.resolve("z.npy").toString(), "--heads", "4", "--names", "llama", "--prefix", "model.layers.0."};
        expectBadInput("--block-sparse with layer", base, "--block-sparse", "longformer:block=4,band=1");
        expectBadInput("0.5x", base, "--key-padding", "0.5x");
    }

    @Test
    void badOptionsExit2NamingTheOptionAndWriteNothing() throws IOException {
        Path weights = checkpoint(), x = dir.resolve("x.npy"), y = dir.resolve("y.npy");
        FloatArray input = random(new SplittableRandom(3), 5, D_MODEL);
        Npy.write(x, input.shape(), input.data());
        String[] base = {"layer", "--weights", weights.toString(), "--x", x.toString(), "--out", y.toString()};
        expectBadInput("--heads: missing", base, "--names", "llama", "--prefix", "model.layers.0.");
        expectBadInput("no tensor named 'attention.self.query.weight'", base, "--heads", "4");
        expectBadInput("--names gpt: expected bert or llama", base, "--heads", "4", "--names", "gpt");
        expectBadInput("--kv-heads 4: the weights have 2", base, "--heads", "4", "--names", "llama", "--prefix",
                "model.layers.0.", "--kv-heads", "4");
        expectBadInput("--window 3: expected LEFT,RIGHT", base, "--heads", "4", "--window", "3");
        Npy.write(x, new long[] {5, 8}, new float[40]);
        expectBadInput("--x " + x + ": shape [5, 8]: expected [n, 16]", base, "--heads", "4", "--names", "llama",
                "--prefix", "model.layers.0.");
        assertFalse(Files.exists(y), "no output after a failure");
    }

    private static void expectBadInput(String fragment, String[] base, String... more) {
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more))
                .toArray(String[]::new);
        CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains(fragment), "stderr lacks '" + fragment + "': " + run);
    }
}
