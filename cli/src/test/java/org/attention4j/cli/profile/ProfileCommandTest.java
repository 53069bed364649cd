package org.attention4j.cli.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.attention4j.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code profile} end to end in-process, on shapes small enough to run in a second. */
class ProfileCommandTest {
    /** No warm-up and two calls per row: these tests check the report, not the speed. */
    private static final String[] QUICK = {"--warmup", "0", "--iterations", "2", "--min-time", "0", "-q"};

    private static CliRun profile(String... args) {
        String[] all = new String[1 + args.length + QUICK.length];
        all[0] = "profile";
        System.arraycopy(QUICK, 0, all, 1, QUICK.length); // first: the test's own options win
        System.arraycopy(args, 0, all, 1 + QUICK.length, args.length);
        return CliRun.of(all);
    }

    @Test
    void jsonHasTheDocumentedFieldsForEveryKernelAndThreadCount() throws IOException {
        CliRun run = profile("--seq", "16,33", "--heads", "2", "--kv-heads", "1", "--head-dim", "8", "--causal",
                "--kernel", "flash,naive,scalar", "--threads", "1,2", "--format", "json");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertEquals(ProfileReport.SCHEMA, root.get("schema").asText());
        for (String field : List.of("attention4jVersion", "date", "machine", "calibration", "options", "interrupted",
                "peakRssResettable", "rows")) {
            assertNotNull(root.get(field), field);
        }
        for (String field : List.of("cpu", "cores", "jdk", "gc", "provider", "lanes")) {
            assertNotNull(root.get("machine").get(field), "machine." + field);
        }
        assertTrue(root.get("calibration").get("gflops1Thread").asDouble() > 0);
        JsonNode rows = root.get("rows");
        assertEquals(2 * 3 * 2, rows.size());
        Set<String> expectedFields = new TreeSet<>(List.of("seq", "queryLength", "batch", "heads", "kvHeads",
                "headDim", "valueHeadDim", "causal", "windowLeft", "windowRight", "layout", "offheap", "kernel", "implementation", "threads", "status", "note",
                "warmup", "iterations", "latencyMs", "gflops", "percentOfPeak", "tokensPerSecond", "usefulPairs",
                "flopsPerCall", "softcap", "alibi", "blockSparseDensity", "allocatedBytesPerCall", "workingBytes", "tensorBytes", "peakRssBytes",
                "peakRssReset", "naiveMatrixBytes", "kvDtype", "kvBytesPerCall", "kvGBs", "percentOfReadBandwidth"));
        for (JsonNode row : rows) {
            Set<String> fields = new TreeSet<>();
            row.fieldNames().forEachRemaining(fields::add);
            assertEquals(expectedFields, fields);
            assertEquals("ok", row.get("status").asText(), row.toString());
            JsonNode latency = row.get("latencyMs");
            assertTrue(latency.get("min").asDouble() > 0);
            assertTrue(latency.get("min").asDouble() <= latency.get("p50").asDouble());
            assertTrue(latency.get("p99").asDouble() <= latency.get("max").asDouble());
            assertTrue(row.get("gflops").asDouble() > 0);
            assertEquals(2, row.get("iterations").asInt());
        }
        JsonNode first = rows.get(0); // seq 16, causal: 16·17/2 pairs per head, 2 heads
        assertEquals(16 * 17 / 2 * 2, first.get("usefulPairs").asLong());
        assertEquals(8, first.get("valueHeadDim").asInt());
        assertEquals(4.0 * 8 * 16 * 17 / 2 * 2, first.get("flopsPerCall").asDouble());
        assertEquals(4L * (2 * 16 * 2 * 8 + 2 * 16 * 1 * 8), first.get("tensorBytes").asLong());
        assertEquals(4L * 16 * 16 * 2, first.get("naiveMatrixBytes").asLong());
    }

    @Test
    void aValueHeadSizeOfItsOwnIsProfiledCountedAndShown() throws IOException {
        CliRun run = profile("--seq", "16", "--heads", "2", "--kv-heads", "1", "--head-dim", "8", "--value-head-dim",
                "12", "--causal", "--kernel", "flash,naive,scalar", "--threads", "1", "--format", "json");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertEquals(12, root.get("options").get("valueHeadDim").asInt());
        assertTrue(root.get("options").get("shape").asText().contains("D 8, Dv 12"), root.get("options").toString());
        JsonNode rows = root.get("rows");
        assertEquals(3, rows.size());
        for (JsonNode row : rows) {
            assertEquals("ok", row.get("status").asText(), row.toString());
            assertEquals(8, row.get("headDim").asInt());
            assertEquals(12, row.get("valueHeadDim").asInt());
            assertEquals(2.0 * (8 + 12) * 16 * 17 / 2 * 2, row.get("flopsPerCall").asDouble()); // 2·pairs·(D + Dv)
            assertEquals(4L * (2 * 16 * (8 + 12) + 16 * (8 + 12)), row.get("tensorBytes").asLong()); // Q+O, K+V
        }
        CliRun csv = profile("--seq", "8", "--heads", "1", "--head-dim", "4", "--value-head-dim", "6", "--threads", "1",
                "--format", "csv");
        assertEquals(0, csv.exitCode(), csv.toString());
        List<String> lines = csv.out().lines().toList();
        List<String> header = List.of(lines.get(0).split(","));
        int d = header.indexOf("headDim"), dv = header.indexOf("valueHeadDim");
        assertTrue(d >= 0 && dv >= 0, lines.get(0));
        assertEquals("4", lines.get(1).split(",")[d]);
        assertEquals("6", lines.get(1).split(",")[dv]);
        CliRun table = profile("--seq", "8", "--heads", "1", "--head-dim", "4", "--value-head-dim", "6", "--threads", "1");
        assertEquals(0, table.exitCode(), table.toString());
        assertTrue(table.out().contains("shape: batch 1, heads 1/1, D 4, Dv 6,"), table.out());
        CliRun same = profile("--seq", "8", "--heads", "1", "--head-dim", "4", "--threads", "1");
        assertFalse(same.out().contains("Dv"), "Dv only when it differs from D:\n" + same.out());
    }

    @Test
    void decodeRowsOfEveryKvTypeReportTheirBytesAndTheSameRunBandwidth() throws IOException {
        CliRun run = profile("--seq", "600", "--q-len", "1", "--heads", "4", "--kv-heads", "2", "--head-dim", "16",
                "--kv-dtype", "fp32,bf16,fp16,int8", "--kernel", "flash,naive", "--threads", "1", "--layout", "bhsd",
                "--format", "json");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertTrue(root.get("calibration").get("readGBs1Thread").asDouble() > 0, root.get("calibration").toString());
        JsonNode rows = root.get("rows");
        assertEquals(8, rows.size());
        String[] types = {"fp32", "bf16", "fp16", "int8"};
        long[] bytes = {600L * 2 * 32 * 4, 600L * 2 * 32 * 2, 600L * 2 * 32 * 2, 600L * 2 * 32 + 600L * 2 * 8};
        for (int t = 0; t < 4; t++) {
            JsonNode flash = rows.get(2 * t), naive = rows.get(2 * t + 1);
            assertEquals(types[t], flash.get("kvDtype").asText());
            assertEquals("ok", flash.get("status").asText(), flash.toString());
            assertEquals(bytes[t], flash.get("kvBytesPerCall").asLong(), types[t]);
            assertEquals(flash.get("kvBytesPerCall").asDouble() / flash.get("latencyMs").get("p50").asDouble() / 1e6,
                    flash.get("kvGBs").asDouble(), 1e-9 * flash.get("kvGBs").asDouble());
            assertTrue(flash.get("percentOfReadBandwidth").asDouble() > 0, flash.toString());
            assertEquals(t == 0 ? "ok" : "skipped", naive.get("status").asText(), naive.toString());
        }
        CliRun table = profile("--seq", "300", "--q-len", "1", "--heads", "2", "--head-dim", "8", "--kv-dtype", "bf16",
                "--threads", "1");
        assertEquals(0, table.exitCode(), table.toString());
        assertTrue(table.out().contains("read bandwidth (same run, a 256 MiB stream): "), table.out());
        assertTrue(table.out().contains("% BW"), table.out());
        CliRun prefill = profile("--seq", "64", "--heads", "1", "--head-dim", "8", "--threads", "1");
        assertFalse(prefill.out().contains("% BW"), "bandwidth columns only for memory-bound runs:\n" + prefill.out());
    }

    @Test
    void naiveRowsBeyondTheMemoryLimitAreSkippedWithTheReason() throws IOException {
        CliRun run = profile("--seq", "64", "--heads", "1", "--head-dim", "4", "--kernel", "naive,flash",
                "--threads", "1", "--naive-max-mem", "1k", "--format", "json");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode rows = new ObjectMapper().readTree(run.out()).get("rows");
        assertEquals("skipped", rows.get(0).get("status").asText());
        assertTrue(rows.get(0).get("note").asText().contains("--naive-max-mem"), rows.get(0).toString());
        assertTrue(rows.get(0).get("latencyMs").isNull());
        assertEquals("ok", rows.get(1).get("status").asText());
    }

    @Test
    void aWindowCountsOnlyTheBandsPairs() throws IOException {
        CliRun run = profile("--seq", "100", "--heads", "1", "--head-dim", "4", "--threads", "1", "--causal",
                "--window", "9,0", "--format", "json");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode row = new ObjectMapper().readTree(run.out()).get("rows").get(0);
        assertEquals(100 * 10 - 45, row.get("usefulPairs").asLong());
        assertEquals(9, row.get("windowLeft").asInt());
        assertEquals(0, row.get("windowRight").asInt());
    }

    @Test
    void tableCsvAndMarkdownShowEveryRow() {
        for (String format : List.of("table", "csv", "markdown")) {
            CliRun run = profile("--seq", "8,24", "--heads", "1", "--head-dim", "4", "--threads", "1", "--layout",
                    "bhsd", "--offheap", "--q-len", "1", "--format", format);
            assertEquals(0, run.exitCode(), run.toString());
            long lines = run.out().lines().filter(l -> l.matches("^\\|? ?(1x8|1x24|8|24)[ ,|].*")).count();
            assertEquals(2, lines, format + ":\n" + run.out());
        }
    }

    @Test
    void writesTheOutputAndTheChartsAtomically(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("p.json"), svg = dir.resolve("p.svg"), png = dir.resolve("p.png");
        CliRun run = profile("--seq", "8..32", "--heads", "1", "--head-dim", "4", "--threads", "1", "--kernel",
                "flash,naive", "--format", "json", "--output", json.toString(), "--chart", svg.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.out());
        assertEquals(3 * 2, new ObjectMapper().readTree(json.toFile()).get("rows").size());
        assertTrue(Files.readString(svg).contains("<svg"));
        run = profile("--seq", "8,16", "--heads", "1", "--head-dim", "4", "--threads", "1", "--chart", png.toString());
        assertEquals(0, run.exitCode(), run.toString());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        try (var files = Files.list(dir)) {
            assertEquals(Set.of("p.json", "p.svg", "p.png"),
                    new TreeSet<>(files.map(p -> p.getFileName().toString()).toList()), "no temporary files left");
        }
    }

    @Test
    void badOptionsExitWithTwoAndAOneLineMessageBeforeMeasuring(@TempDir Path dir) {
        Path out = dir.resolve("never.json");
        String[][] cases = {
            {"--seq", "0", "--seq"},
            {"--seq", "4k..1k", "the range ends before it starts"},
            {"--kernel", "cuda", "--kernel cuda: expected flash, scalar or naive"},
            {"--layout", "bsdh", "--layout bsdh: expected bshd or bhsd"},
            {"--format", "yaml", "--format yaml"},
            {"--threads", "0", "--threads 0"},
            {"--chart", dir.resolve("c.gif").toString(), ".svg or .png"},
            {"--naive-max-mem", "lots", "--naive-max-mem lots"},
            {"--heads", "3", "--kv-heads", "2", "kvHeads"},
            {"--head-dim", "0", "--head-dim 0: expected 1..256"},
            {"--value-head-dim", "0", "--value-head-dim 0: expected 1..256"},
            {"--value-head-dim", "257", "--value-head-dim 257: expected 1..256"},
            {"--value-head-dim", "-3", "--value-head-dim -3: expected 1..256"},
            {"--layer", "--value-head-dim", "48", "--value-head-dim 48: not with --layer"},
            {"--iterations", "0", "--iterations 0"},
            {"--window", "5", "--window 5: expected LEFT,RIGHT"},
            {"--causal", "--window", "5,3", "window right = 3 with causal"},
            {"--kv-dtype", "fp8", "--kv-dtype fp8: expected fp32, bf16, fp16 or int8"},
            {"--kv-dtype", "bf16,bf16", "bf16 is listed twice"},
            {"--kv-dtype", "int8", "--offheap", "converted K/V are Java arrays"},
            {"--layer", "--kv-dtype", "bf16", "--kv-dtype: not with --layer"}};
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOf(c, c.length + 1); // the options, then --output FILE
            args[c.length - 1] = "--output";
            args[c.length] = out.toString();
            CliRun run = profile(args);
            assertEquals(2, run.exitCode(), String.join(" ", c) + "\n" + run);
            assertTrue(run.err().contains(c[c.length - 1]), String.join(" ", c) + "\n" + run);
            assertFalse(run.err().contains("\tat "), "no stack trace: " + run);
            assertFalse(Files.exists(out));
        }
        CliRun missingDir = profile("--output", dir.resolve("no/such/dir/p.json").toString());
        assertEquals(2, missingDir.exitCode(), missingDir.toString());
        assertTrue(missingDir.err().contains("does not exist"), missingDir.toString());
    }
}
