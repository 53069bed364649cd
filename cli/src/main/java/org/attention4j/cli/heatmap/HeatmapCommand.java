package org.attention4j.cli.heatmap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.AttentionWeights;
import org.attention4j.Tensor;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.BandOptions;
import org.attention4j.cli.LayoutOption;
import org.attention4j.cli.Main;
import org.attention4j.cli.OutputFiles;
import org.attention4j.cli.VariantOptions;
import org.attention4j.cli.VersionProvider;
import org.attention4j.cli.io.AttentionInputs;
import org.attention4j.cli.io.FloatArray;
import org.attention4j.cli.io.Npy;
import org.attention4j.cli.io.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code attention4j heatmap}: the attention weights of one (batch item, head) as a picture, and
 * optionally as numbers. Weights come from {@link AttentionWeights} (the definition, in float64), so the
 * picture shows what the engine computes under the same options.
 */
@Command(name = "heatmap", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Draw the attention weights softmax(Q·Kᵀ·scale + mask) of one batch item and head as a heatmap "
                + "(PNG or SVG), and/or write them as a float32 .npy [queries, keys].",
            "Weights show where a head looked, not why the model decided (docs/CLI.md).",
            "Example: attention4j heatmap --q q.npy --k k.npy --head 3 --causal --out map.png"})
public final class HeatmapCommand implements Callable<Integer> {
    /** Most cells drawn per side; longer ranges are pooled in blocks (the subtitle says so). */
    static final int MAX_CELLS = 512;

    @Option(names = "--q", paramLabel = "Q.npy", description = "Queries: [B, Lq, H, D] (bshd) or [B, H, Lq, D] (bhsd).")
    Path qFile;

    @Option(names = "--k", paramLabel = "K.npy", description = "Keys: [B, Lk, Hkv, D] (bshd) or [B, Hkv, Lk, D].")
    Path kFile;

    @Option(names = "--input", paramLabel = "FILE.safetensors",
            description = "One safetensors file with tensors q and k, instead of --q/--k (v is not needed).")
    Path input;

    @Mixin
    LayoutOption layout;

    @Option(names = "--batch-index", defaultValue = "0", paramLabel = "B", description = "Batch item. Default: 0.")
    int batchIndex;

    @Option(names = "--head", defaultValue = "0", paramLabel = "H", description = "Query head. Default: 0.")
    int head;

    @Option(names = "--queries", paramLabel = "FROM..TO", description = "Query positions, TO excluded (default all;"
            + " at most " + AttentionWeights.MAX_ELEMENTS + " weights, queries × Lk).")
    String queries;

    @Option(names = "--keys", paramLabel = "FROM..TO", description = "Key positions to show, TO excluded (default all).")
    String keys;

    @Mixin
    BandOptions band;

    @Option(names = "--scale", description = "Softmax scale; default 1/sqrt(D).")
    Float scale;

    @Mixin
    VariantOptions variants;

    @Option(names = "--out", paramLabel = "MAP.png|MAP.svg", description = "Write the heatmap here (PNG or SVG by name).")
    Path out;

    @Option(names = "--weights-out", paramLabel = "W.npy",
            description = "Write the weights shown (before pooling): float32 [queries, keys].")
    Path weightsOut;

    @Option(names = "--log", description = "Log color scale (down to 1e-6 of the largest weight).")
    boolean log;

    @Option(names = "--pool", defaultValue = "max", paramLabel = "max|mean", description = "Beyond " + MAX_CELLS
            + " positions per side, cells show the max or the mean of a block of weights. Default: ${DEFAULT-VALUE}.")
    String pool;

    @Override
    public Integer call() throws IOException {
        IndexRange queryRange = IndexRange.parse("--queries", queries), keyRange = IndexRange.parse("--keys", keys);
        checkOptions();
        boolean bhsd = layout.bhsd();
        FloatArray q, k;
        if (input != null) {
            Map<String, FloatArray> t = SafeTensors.read(input, List.of("q", "k"));
            q = t.get("q");
            k = t.get("k");
        } else {
            q = Npy.read(qFile);
            k = Npy.read(kFile);
        }
        AttentionSpec attention = variants.apply(spec(q, k, bhsd));
        AttentionMask mask = variants.mask(attention);
        queryRange = queryRange.within(attention.queryLength());
        keyRange = keyRange.within(attention.keyLength());
        checkSelection(attention, queryRange);
        Tensor queryView = view(q, attention.queryLength(), attention.heads(), attention.headDim(), bhsd);
        Tensor keyView = view(k, attention.keyLength(), attention.kvHeads(), attention.headDim(), bhsd);
        float[] weights = AttentionWeights.compute(attention, mask, queryView, keyView, batchIndex, head,
                queryRange.from(), queryRange.count());
        float[] shown = cropKeys(weights, queryRange.count(), attention.keyLength(), keyRange);
        byte[] image = out == null ? null : render(attention, shown, queryRange, keyRange);
        if (weightsOut != null) { // after rendering: a failure there leaves no file behind
            Npy.write(weightsOut, new long[] {queryRange.count(), keyRange.count()}, shown);
        }
        if (image != null) {
            OutputFiles.write(out, o -> o.write(image));
        }
        return Main.EXIT_OK;
    }

    /** Everything that needs no input file: checked first, so a typo costs no reading. */
    private void checkOptions() {
        if (input != null && (qFile != null || kFile != null)) {
            throw new BadInputException("give either --input FILE.safetensors or --q/--k, not both");
        }
        if (input == null && (qFile == null || kFile == null)) {
            throw new BadInputException("missing input: give --q Q.npy --k K.npy, or --input FILE.safetensors");
        }
        if (out == null && weightsOut == null) {
            throw new BadInputException("nothing to do: give --out MAP.png|MAP.svg, --weights-out W.npy, or both");
        }
        if (out != null && !isPng(out) && !isSvg(out)) {
            throw new BadInputException("--out " + out + ": expected a file name ending in .png or .svg");
        }
        if (out != null && weightsOut != null && out.toAbsolutePath().equals(weightsOut.toAbsolutePath())) {
            throw new BadInputException("--out and --weights-out are the same file " + out + ": expected two files");
        }
        layout.bhsd();
        if (!pool.equalsIgnoreCase("max") && !pool.equalsIgnoreCase("mean")) {
            throw new BadInputException("--pool " + pool + ": expected max or mean");
        }
        if (batchIndex < 0) {
            throw new BadInputException("--batch-index " + batchIndex + ": expected >= 0");
        }
        if (head < 0) {
            throw new BadInputException("--head " + head + ": expected >= 0");
        }
        band.window();
        OutputFiles.requireWritableDirectory("--out", out);
        OutputFiles.requireWritableDirectory("--weights-out", weightsOut);
    }

    /** The batch item, head and query count against the inputs, named by their options. */
    private void checkSelection(AttentionSpec s, IndexRange queryRange) {
        if (batchIndex >= s.batch()) {
            throw new BadInputException("--batch-index " + batchIndex + ": expected 0.." + (s.batch() - 1)
                    + " (the inputs hold " + s.batch() + " batch items)");
        }
        if (head >= s.heads()) {
            throw new BadInputException("--head " + head + ": expected 0.." + (s.heads() - 1) + " (Q has " + s.heads()
                    + " heads)");
        }
        long weights = (long) queryRange.count() * s.keyLength();
        if (weights > AttentionWeights.MAX_ELEMENTS) {
            throw new BadInputException("--queries " + (queries == null ? "(all) " : "") + queryRange + ": "
                    + queryRange.count() + " queries × " + s.keyLength() + " keys = " + weights + " weights, expected at "
                    + "most " + AttentionWeights.MAX_ELEMENTS + ": choose at most "
                    + AttentionWeights.MAX_ELEMENTS / Math.max(1, s.keyLength()) + " queries");
        }
    }

    private AttentionSpec spec(FloatArray q, FloatArray k, boolean bhsd) {
        int[] window = band.window();
        AttentionSpec.Builder options = AttentionSpec.builder().causal(band.causal()).window(window[0], window[1]);
        if (scale != null) {
            options.scale(scale);
        }
        String qName = qFile != null ? qFile.toString() : input + " (tensor q)";
        String kName = kFile != null ? kFile.toString() : input + " (tensor k)";
        return AttentionInputs.spec(q, k, k, bhsd, qName, kName, kName, options); // V is not read: K stands in
    }

    private static Tensor view(FloatArray a, int seq, int heads, int dim, boolean bhsd) {
        return bhsd ? Tensor.bhsd(a.data(), seq, heads, dim) : Tensor.bshd(a.data(), seq, heads, dim);
    }

    /** Columns {@code keys} of the row-major {@code [rows × keyLength]} weights. */
    private static float[] cropKeys(float[] weights, int rows, int keyLength, IndexRange keys) {
        if (keys.count() == keyLength) {
            return weights;
        }
        float[] cropped = new float[rows * keys.count()];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(weights, r * keyLength + keys.from(), cropped, r * keys.count(), keys.count());
        }
        return cropped;
    }

    private byte[] render(AttentionSpec s, float[] shown, IndexRange queryRange, IndexRange keyRange)
            throws IOException {
        boolean mean = pool.equalsIgnoreCase("mean");
        PooledGrid grid = PooledGrid.of(shown, queryRange.count(), keyRange.count(), MAX_CELLS, mean);
        ColorScale colors = log ? ColorScale.log(grid.minPositive(), grid.max()) : ColorScale.linear(grid.max());
        String title = "Attention weights: batch " + batchIndex + ", head " + head + " of " + s.heads();
        HeatmapPicture picture = new HeatmapPicture(grid, colors, title, subtitle(s, grid, queryRange, keyRange),
                queryRange.from(), queryRange.count(), keyRange.from(), keyRange.count());
        HeatmapPainter painter = new HeatmapPainter(picture);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (isSvg(out)) {
            painter.writeSvg(bytes);
        } else {
            painter.writePng(bytes);
        }
        return bytes.toByteArray();
    }

    /** The options that shaped the weights, the ranges shown and any pooling. */
    private String subtitle(AttentionSpec s, PooledGrid grid, IndexRange queryRange, IndexRange keyRange) {
        List<String> parts = new ArrayList<>();
        if (band.causal()) {
            parts.add("causal");
        }
        if (band.windowText() != null) {
            parts.add("window " + band.windowText());
        }
        if (scale != null) {
            parts.add("scale " + scale);
        }
        if (variants.any()) {
            parts.add(variants.describe());
        }
        parts.add("queries " + queryRange.inclusive() + " × keys " + keyRange.inclusive() + (s.queryLength() != s.keyLength()
                ? " (Lq " + s.queryLength() + ", Lk " + s.keyLength() + ")" : ""));
        if (grid.pooled()) {
            parts.add(String.format(Locale.ROOT, "cells: %s of %d×%d blocks", grid.mean() ? "mean" : "max",
                    grid.rowBlock(), grid.colBlock()));
        }
        return String.join(" · ", parts);
    }

    private static boolean isPng(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png");
    }

    private static boolean isSvg(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg");
    }
}
