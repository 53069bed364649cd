package org.attention4j.cli.heatmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.attention4j.AttentionSpec;
import org.attention4j.AttentionWeights;
import org.attention4j.Tensor;
import org.attention4j.cli.CliRun;
import org.attention4j.cli.io.FloatArray;
import org.attention4j.cli.io.Npy;
import org.attention4j.cli.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** {@code heatmap} end to end: .npy in, a PNG whose cells show the weights, a valid SVG, the numbers, every error. */
class HeatmapCommandTest {
    private static final int B = 2, LQ = 40, LK = 50, H = 4, HKV = 2, D = 8;

    @TempDir
    Path dir;

    private Path q, k;

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }

    /** Writes BSHD q.npy [B, LQ, H, D] and k.npy [B, LK, HKV, D]. */
    private void writeInputs() throws IOException {
        q = dir.resolve("q.npy");
        k = dir.resolve("k.npy");
        Npy.write(q, new long[] {B, LQ, H, D}, random(B * LQ * H * D, 1));
        Npy.write(k, new long[] {B, LK, HKV, D}, random(B * LK * HKV * D, 2));
    }

    /** What AttentionWeights gives for batch 1, head 3, causal, window 10,0, ALiBi, queries 5..30, keys 2..45. */
    private float[] expectedWeights() {
        AttentionSpec spec = AttentionSpec.builder().batch(B).queryLength(LQ).keyLength(LK).heads(H).kvHeads(HKV)
                .headDim(D).causal(true).window(10, 0).alibiSlopes(AttentionSpec.standardAlibiSlopes(H)).build();
        float[] all = AttentionWeights.compute(spec, null, Tensor.bshd(Npy.read(q).data(), LQ, H, D),
                Tensor.bshd(Npy.read(k).data(), LK, HKV, D), 1, 3, 5, 25);
        float[] cropped = new float[25 * 43];
        for (int r = 0; r < 25; r++) {
            System.arraycopy(all, r * LK + 2, cropped, r * 43, 43);
        }
        return cropped;
    }

    private CliRun heatmap(String out, String... more) {
        List<String> args = new ArrayList<>(List.of("heatmap", "--q", q.toString(), "--k", k.toString(),
                "--batch-index", "1", "--head", "3", "--causal", "--window", "10,0", "--alibi", "--queries", "5..30",
                "--keys", "2..45", "--out", dir.resolve(out).toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void pngCellsShowTheWeightsWrittenByWeightsOut() throws IOException {
        writeInputs();
        CliRun run = heatmap("map.png", "--weights-out", dir.resolve("w.npy").toString());
        assertEquals(0, run.exitCode(), run.toString());

        FloatArray written = Npy.read(dir.resolve("w.npy"));
        assertArrayEquals(new long[] {25, 43}, written.shape());
        float[] expected = expectedWeights();
        assertArrayEquals(expected, written.data());

        BufferedImage image = ImageIO.read(dir.resolve("map.png").toFile());
        assertNotNull(image, "map.png does not decode as an image");
        int cellWidth = HeatmapPainter.TARGET / 43, cellHeight = HeatmapPainter.TARGET / 25; // 11 × 20 pixels
        assertEquals(HeatmapPainter.TOP + 25 * cellHeight + HeatmapPainter.BOTTOM, image.getHeight());
        assertTrue(image.getWidth() >= HeatmapPainter.LEFT + 43 * cellWidth + HeatmapPainter.RIGHT, "width");
        float max = 0;
        for (float w : expected) {
            max = Math.max(max, w);
        }
        ColorScale scale = ColorScale.linear(max);
        for (int r = 0; r < 25; r++) {
            for (int c = 0; c < 43; c++) {
                int x = HeatmapPainter.LEFT + c * cellWidth + cellWidth / 2;
                int y = HeatmapPainter.TOP + r * cellHeight + cellHeight / 2;
                assertEquals(scale.colorOf(expected[r * 43 + c]).getRGB(), image.getRGB(x, y),
                        "cell of query " + (5 + r) + ", key " + (2 + c));
            }
        }
    }

    @Test
    void svgIsWellFormedWithLabeledAxesAndLogScale() throws Exception {
        writeInputs();
        CliRun run = heatmap("map.svg", "--log");
        assertEquals(0, run.exitCode(), run.toString());
        Document svg = parseXml(dir.resolve("map.svg"));
        assertEquals("svg", svg.getDocumentElement().getNodeName());
        String text = svg.getDocumentElement().getTextContent();
        for (String label : new String[] {"key position", "query position", "attention weight (log scale)",
            "batch 1, head 3 of 4", "causal", "window 10,0", "alibi", "queries 5–29 × keys 2–44", "weight 0 (hidden)"}) {
            assertTrue(text.contains(label), "SVG text lacks '" + label + "': " + text);
        }
        assertEquals(2, svg.getElementsByTagName("image").getLength(), "the cells and the color bar");
    }

    @Test
    void longSequencesArePooledAndSaySo() throws Exception {
        int n = 513; // one more than MAX_CELLS: 2×2 blocks
        q = dir.resolve("q.npy");
        k = dir.resolve("k.npy");
        Npy.write(q, new long[] {1, n, 1, 4}, random(n * 4, 3));
        Npy.write(k, new long[] {1, n, 1, 4}, random(n * 4, 4));
        CliRun run = CliRun.of("heatmap", "--q", q.toString(), "--k", k.toString(), "--pool", "mean",
                "--out", dir.resolve("map.svg").toString());
        assertEquals(0, run.exitCode(), run.toString());
        String text = parseXml(dir.resolve("map.svg")).getDocumentElement().getTextContent();
        assertTrue(text.contains("cells: mean of 2×2 blocks"), text);
    }

    @Test
    void safetensorsInputGivesTheSameWeights() throws IOException {
        writeInputs();
        Path st = dir.resolve("qk.safetensors"), w = dir.resolve("w.npy");
        SafeTensors.write(st, Map.of("q", Npy.read(q), "k", Npy.read(k)));
        CliRun run = CliRun.of("heatmap", "--input", st.toString(), "--batch-index", "1", "--head", "3", "--causal",
                "--window", "10,0", "--alibi", "--queries", "5..30", "--keys", "2..45", "--weights-out", w.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertArrayEquals(expectedWeights(), Npy.read(w).data());
    }

    @Test
    void badOptionsExitWith2NamingTheOptionAndWriteNothing() throws IOException {
        writeInputs();
        String png = dir.resolve("map.png").toString(), weights = dir.resolve("w.npy").toString();
        String[][] cases = {
            {"--head 4", "--head", "4"},
            {"--batch-index 2", "--batch-index", "2"},
            {"--batch-index -1", "--batch-index", "-1"},
            {"--queries 30..10", "--queries", "30..10"},
            {"--queries abc", "--queries", "abc"},
            {"--keys 0..51", "--keys", "0..51"},
            {"--layout xyz", "--layout", "xyz"},
            {"--pool median", "--pool", "median"},
            {"--window 3", "--window", "3"},
            {"--softcap -1", "--softcap", "-1"},
            {"--out", "--out", dir.resolve("map.jpg").toString()},
            {"--out", "--out", dir.resolve("missing/map.png").toString()},
        };
        for (String[] c : cases) {
            CliRun run = CliRun.of("heatmap", "--q", q.toString(), "--k", k.toString(), "--out", png,
                    "--weights-out", weights, c[1], c[2]);
            assertEquals(2, run.exitCode(), c[0] + ": " + run);
            assertTrue(run.err().contains(c[0]), c[0] + ": " + run);
        }
        CliRun nothing = CliRun.of("heatmap", "--q", q.toString(), "--k", k.toString());
        assertEquals(2, nothing.exitCode(), nothing.toString());
        assertTrue(nothing.err().contains("nothing to do"), nothing.toString());
        CliRun noKeys = CliRun.of("heatmap", "--q", q.toString(), "--out", png);
        assertEquals(2, noKeys.exitCode(), noKeys.toString());
        assertTrue(noKeys.err().contains("--k K.npy"), noKeys.toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("k.npy", "q.npy"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void tooManyWeightsIsRefusedNamingQueries() throws IOException {
        int n = 4097; // 4097² weights > 16 Mi
        q = dir.resolve("q.npy");
        Npy.write(q, new long[] {1, n, 1, 1}, new float[n]);
        CliRun run = CliRun.of("heatmap", "--q", q.toString(), "--k", q.toString(), "--out",
                dir.resolve("map.png").toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--queries (all) 0..4097: 4097 queries × 4097 keys"), run.toString());
        assertTrue(run.err().contains("choose at most 4095 queries"), run.toString());
        assertTrue(Files.notExists(dir.resolve("map.png")));
    }

    /** Parses without fetching the SVG 1.1 DTD the file names (tests must not need the network). */
    private static Document parseXml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(file.toFile());
    }
}
