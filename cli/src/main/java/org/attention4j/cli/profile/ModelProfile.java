package org.attention4j.cli.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.attention4j.Kernel;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.Calibration;
import org.attention4j.cli.MachineInfo;
import org.attention4j.cli.OutputFiles;
import org.attention4j.model.BertConfig;
import org.attention4j.model.EncoderPhases;
import org.attention4j.model.EncoderPhases.Phase;
import org.attention4j.model.SentenceEmbedder;
import org.attention4j.model.internal.SyntheticTexts;

/**
 * {@code profile --model}: a sentence-embedding model on a set of texts per thread count — texts/s,
 * tokens/s, GFLOP/s against the FMA peak measured in the same run (as {@code embed} runs them: batches
 * side by side on several threads), then from one more pass with the batches in turn the share of each
 * phase ({@link EncoderPhases}) and the GEMMs' own rate, the latency of one short text once warm, and the bytes
 * the calling thread allocates per text. FLOPs count the matrix products ({@code 2·n·(4h² + 2h·i)} per
 * layer and text of n tokens) and attention ({@code 4·n²·h}).
 */
final class ModelProfile {
    private ModelProfile() {}

    static int call(ProfileCommand cmd) throws IOException {
        String format = cmd.format.toLowerCase(Locale.ROOT);
        if (!List.of("table", "markdown", "json").contains(format)) {
            throw new BadInputException("--format " + cmd.format + ": expected table, markdown or json with --model");
        }
        if (cmd.texts < 1) {
            throw new BadInputException("--texts " + cmd.texts + ": expected >= 1");
        }
        OutputFiles.requireWritableDirectory("--output", cmd.output);
        List<String> texts = texts(cmd);
        PrintWriter err = cmd.spec.commandLine().getErr();
        int maxThreads = cmd.threadCounts().stream().mapToInt(Integer::intValue).max().orElse(1);
        Calibration calibration = Calibration.measure(Kernel.AUTO, maxThreads);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int threads : cmd.threadCounts()) {
            if (!cmd.quiet) {
                err.printf(Locale.ROOT, "attention4j profile: %s, %d texts, %d thread%s ...%n", cmd.model, texts.size(),
                        threads, threads == 1 ? "" : "s");
                err.flush();
            }
            rows.add(measure(cmd, texts, threads, calibration.peakFor(threads)));
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", MachineInfo.current().toMap());
        report.put("calibration", calibration.toMap());
        report.put("model", cmd.model.toString());
        report.put("rows", rows);
        String text = switch (format) {
            case "json" -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report) + "\n";
            default -> table(rows, calibration, format.equals("markdown"));
        };
        if (cmd.output != null) {
            OutputFiles.write(cmd.output, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        } else {
            cmd.spec.commandLine().getOut().print(text);
            cmd.spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private static List<String> texts(ProfileCommand cmd) throws IOException {
        if (cmd.input == null) {
            return SyntheticTexts.mix(cmd.texts, cmd.seed);
        }
        try {
            List<String> lines = Files.readAllLines(cmd.input);
            if (lines.isEmpty()) {
                throw new BadInputException("--input " + cmd.input + ": no texts (expected one per line)");
            }
            return lines;
        } catch (NoSuchFileException e) {
            throw new BadInputException("--input " + cmd.input + ": no such file");
        }
    }

    private static Map<String, Object> measure(ProfileCommand cmd, List<String> texts, int threads, double peak)
            throws IOException {
        SentenceEmbedder.Builder b = SentenceEmbedder.builder(cmd.model).threads(threads);
        if (cmd.tokenizer != null) {
            b.tokenizer(cmd.tokenizer);
        }
        if (cmd.maxLength != null) {
            b.maxLength(cmd.maxLength);
        }
        try (SentenceEmbedder embedder = b.build()) {
            BertConfig c = embedder.encoder().config();
            double h = c.hiddenSize(), inter = c.intermediateSize(), gemmFlops = 0, attentionFlops = 0;
            long tokens = 0;
            for (String text : texts) {
                int n = embedder.countTokens(text);
                tokens += n;
                gemmFlops += c.layers() * 2.0 * n * (4 * h * h + 2 * h * inter);
                attentionFlops += c.layers() * 4.0 * n * n * h;
            }
            float[] out = new float[texts.size() * embedder.dimension()];
            List<String> warm = texts.subList(0, Math.min(texts.size(), 256));
            for (int i = 0; i < 3; i++) {
                embedder.embed(warm, new float[warm.size() * embedder.dimension()]);
            }
            long start = System.nanoTime(), deadline = start + (long) (Math.max(cmd.minTime, 0.1) * 1e9);
            int passes = 0;
            do {
                embedder.embed(texts, out);
                passes++;
            } while (System.nanoTime() < deadline);
            double seconds = (System.nanoTime() - start) / 1e9;
            // the breakdown: one more pass, its batches one after the other (each on all threads)
            EncoderPhases phases = new EncoderPhases();
            embedder.embed(texts, out, phases);
            double gemmSeconds = (phases.nanos(Phase.ATTENTION_PROJECTIONS) + phases.nanos(Phase.FEED_FORWARD)) / 1e9;
            double gflops = passes * (gemmFlops + attentionFlops) / seconds / 1e9;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("threads", threads);
            row.put("texts", texts.size());
            row.put("meanTokens", (double) tokens / texts.size());
            row.put("seconds", seconds);
            row.put("textsPerSecond", passes * texts.size() / seconds);
            row.put("tokensPerSecond", passes * tokens / seconds);
            row.put("gflops", gflops);
            row.put("percentOfPeak", 100 * gflops / peak);
            row.put("gemmGflops", gemmFlops / gemmSeconds / 1e9);
            row.put("gemmPercentOfPeak", 100 * gemmFlops / gemmSeconds / 1e9 / peak);
            Map<String, Object> shares = new LinkedHashMap<>();
            for (Phase p : Phase.values()) {
                shares.put(p.name().toLowerCase(Locale.ROOT), 100.0 * phases.nanos(p) / phases.totalNanos());
            }
            row.put("phasePercent", shares);
            row.put("oneTextMillis", oneTextMillis(embedder));
            row.put("callerBytesPerText", callerBytesPerText(embedder, warm));
            return row;
        }
    }

    /** The median latency of embedding one short text, once warm. */
    private static double oneTextMillis(SentenceEmbedder embedder) {
        double[] ms = new double[21];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            embedder.embed("How do I reset my password?");
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    /** Bytes the calling thread allocates per text of a warm call (tokenization, packing, result arrays). */
    private static double callerBytesPerText(SentenceEmbedder embedder, List<String> texts) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        float[] out = new float[texts.size() * embedder.dimension()];
        embedder.embed(texts, out);
        long before = bean.getCurrentThreadAllocatedBytes();
        embedder.embed(texts, out);
        return (double) (bean.getCurrentThreadAllocatedBytes() - before) / texts.size();
    }

    private static String table(List<Map<String, Object>> rows, Calibration calibration, boolean markdown) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "FMA peak: %s%n%n", calibration.describe()));
        String[] head = {"threads", "texts/s", "tokens/s", "GFLOP/s", "% peak", "GEMM % peak", "embed %", "proj %",
            "attn %", "ffn %", "norm+gelu %", "1 text ms", "B/text"};
        b.append(markdown ? "| " + String.join(" | ", head) + " |\n|" + "---|".repeat(head.length) + "\n"
                : String.join("  ", head) + "\n");
        for (Map<String, Object> r : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) r.get("phasePercent");
            String[] cells = {
                "" + r.get("threads"), f(r.get("textsPerSecond"), 1), f(r.get("tokensPerSecond"), 0),
                f(r.get("gflops"), 1), f(r.get("percentOfPeak"), 0), f(r.get("gemmPercentOfPeak"), 0),
                f(p.get("embeddings"), 1), f(p.get("attention_projections"), 1), f(p.get("attention"), 1),
                f(p.get("feed_forward"), 1), f(p.get("element_wise"), 1), f(r.get("oneTextMillis"), 2),
                f(r.get("callerBytesPerText"), 0)};
            b.append(markdown ? "| " + String.join(" | ", cells) + " |\n" : String.join("  ", cells) + "\n");
        }
        return b.toString();
    }

    private static String f(Object value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", ((Number) value).doubleValue());
    }
}
