package org.attention4j.jmh;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * The JIT-lottery harness: does the engine's steady-state speed depend on the JVM it lands in, or on
 * what that JVM ran before? Starts {@code --jvms} fresh JVMs one after the other; each runs a random
 * history of calls (layouts BSHD/BHSD, off-heap segments, GQA, windows, masks, ALiBi, soft-cap, decode,
 * varlen, 1 and 2 threads; {@code --history 0} runs none), then times the steady state of each target
 * shape after {@link AttentionEngine#warmUp}. Unless {@code --peer none}, each plain self-attention
 * target is also run by ONNX Runtime's MultiHeadAttention ({@link OrtPeer}) on the same inputs in the
 * same JVM, checked against the engine's output. The timing alternates: {@code --rounds} rounds of the
 * engine then ORT, {@code --seconds / rounds} each, and a side's rate is its best round's median call —
 * a slow phase of the shared machine then costs one round of both, where a JVM whose compiled code is
 * slow is slow in every round. Bytes allocated per call (all threads) are counted once warm. The parent
 * prints per shape the min / median / max GFLOP/s over the JVMs, max/min, the median against the best
 * JVM, the worst allocation per call, and the engine / ORT ratio per JVM.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar org.attention4j.jmh.JitLottery \
 *     [--jvms 10] [--history 40] [--seconds 4] [--rounds 4] [--seed 1] [--targets default|quick|mla] [--only "D128 full 1t"]
 *     [--peer ort|none] [--history-engines shared|own] [--jvm-arg=-XX:...]
 * </pre>
 * Extra {@code --jvm-arg=} options go to every child (e.g. {@code -XX:+PrintCompilation} for a log).
 */
public final class JitLottery {
    /** The target shapes: name → (spec, threads). Not causal first: the square case users compare first. */
    private static Map<String, Target> targets(String set) {
        Map<String, Target> t = new LinkedHashMap<>();
        if (set.equals("mla")) { // value heads of their own size (issue 26): DeepSeek's 192/128, prefill
            for (boolean causal : new boolean[] {false, true}) {
                t.put("n4096 H16 D192/Dv128 " + (causal ? "causal" : "full") + " 1t", new Target(AttentionSpec.builder()
                        .length(4096).heads(16).headDim(192).valueHeadDim(128).causal(causal).build(), 1));
            }
            return t;
        }
        t.put("n4096 D128 full 1t", new Target(AttentionSpec.of(1, 4096, 8, 128, false), 1));
        t.put("n4096 D64 full 1t", new Target(AttentionSpec.of(1, 4096, 8, 64, false), 1));
        t.put("n4096 D128 full 2t", new Target(AttentionSpec.of(1, 4096, 8, 128, false), 2));
        t.put("n4096 D64 full 2t", new Target(AttentionSpec.of(1, 4096, 8, 64, false), 2));
        if (set.equals("quick")) {
            return t;
        }
        t.put("n1024 D64 full 1t", new Target(AttentionSpec.of(1, 1024, 8, 64, false), 1));
        t.put("n4096 D64 causal 1t", new Target(AttentionSpec.of(1, 4096, 8, 64, true), 1));
        t.put("decode 16k D128 8:1 2t", new Target(AttentionSpec.builder().queryLength(1).keyLength(16384).heads(8)
                .kvHeads(1).headDim(128).causal(true).build(), 2));
        return t;
    }

    private record Target(AttentionSpec spec, int threads) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        if (options.containsKey("child")) {
            child(options);
        } else {
            parent(options, args);
        }
    }

    // ---- parent: start the JVMs, collect their lines, summarize ----

    private static void parent(Map<String, String> options, String[] args) throws Exception {
        int jvms = Integer.parseInt(options.getOrDefault("jvms", "10"));
        long seed = Long.parseLong(options.getOrDefault("seed", "1"));
        Map<String, List<double[]>> results = new LinkedHashMap<>(); // shape → [gflops, bytes per call]
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        System.out.printf("JIT lottery: %d fresh JVMs, history %s calls, %s; %s, %d CPUs%n", jvms,
                options.getOrDefault("history", "40"), System.getProperty("java.vm.version"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors());
        for (int jvm = 0; jvm < jvms; jvm++) {
            List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx6g",
                    "--enable-native-access=ALL-UNNAMED")); // ORT loads its JNI library
            for (String a : args) {
                if (a.startsWith("--jvm-arg=")) {
                    command.add(a.substring("--jvm-arg=".length()));
                }
            }
            command.addAll(List.of("-cp", classpath, JitLottery.class.getName(), "--child", "--seed", "" + (seed + jvm)));
            for (String key : List.of("history", "seconds", "targets", "only", "peer", "rounds", "history-engines")) {
                if (options.containsKey(key)) {
                    command.addAll(List.of("--" + key, options.get(key)));
                }
            }
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            StringBuilder line = new StringBuilder("JVM " + (jvm + 1) + ":");
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String s; (s = out.readLine()) != null; ) {
                    if (!s.startsWith("RESULT\t")) {
                        System.out.println("  " + s);
                        continue;
                    }
                    String[] f = s.split("\t");
                    results.computeIfAbsent(f[1], x -> new ArrayList<>())
                            .add(new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
                    line.append(String.format(" %s %.1f;", f[1], Double.parseDouble(f[2])));
                }
            }
            if (process.waitFor() != 0) {
                throw new IllegalStateException("JVM " + (jvm + 1) + " failed (exit " + process.exitValue() + ")");
            }
            System.out.println(line);
        }
        System.out.printf("%n| shape | JVMs | min | median | max GFLOP/s | max/min | median/best | B per call (max) |%n");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            double[] g = e.getValue().stream().mapToDouble(r -> r[0]).sorted().toArray();
            double bytes = e.getValue().stream().mapToDouble(r -> r[1]).max().orElse(0);
            double median = g.length % 2 == 1 ? g[g.length / 2] : (g[g.length / 2 - 1] + g[g.length / 2]) / 2;
            System.out.printf("| %s | %d | %.1f | %.1f | %.1f | %.3f | %.3f | %.0f |%n", e.getKey(), g.length, g[0], median,
                    g[g.length - 1], g[g.length - 1] / g[0], median / g[g.length - 1], bytes);
        }
        printPeerRatios(results);
    }

    /** Per shape with an ORT twin: attention4j / ORT in each JVM (both timed in that JVM), min and median. */
    private static void printPeerRatios(Map<String, List<double[]>> results) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            List<double[]> ort = results.get(ORT_PREFIX + e.getKey());
            if (ort == null || ort.size() != e.getValue().size()) {
                continue;
            }
            double[] ratios = new double[ort.size()];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = e.getValue().get(i)[0] / ort.get(i)[0];
            }
            Arrays.sort(ratios);
            lines.add(String.format("| %s | %.3f | %.3f | %.3f |", e.getKey(), ratios[0], ratios[ratios.length / 2],
                    ratios[ratios.length - 1]));
        }
        if (!lines.isEmpty()) {
            System.out.printf("%nattention4j / ONNX Runtime MultiHeadAttention, same JVM, same inputs:%n");
            System.out.println("| shape | min | median | max |");
            System.out.println("|---|---|---|---|");
            lines.forEach(System.out::println);
        }
    }

    // ---- child: a history, then the targets ----

    private static void child(Map<String, String> options) {
        long seed = Long.parseLong(options.get("seed"));
        int history = Integer.parseInt(options.getOrDefault("history", "40"));
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "4"));
        boolean peer = !options.getOrDefault("peer", "ort").equals("none");
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "4"));
        SplittableRandom random = new SplittableRandom(seed);
        try (AttentionEngine one = AttentionEngine.create(1); AttentionEngine two = AttentionEngine.create(2);
             AttentionEngine historyOne = AttentionEngine.create(1); AttentionEngine historyTwo = AttentionEngine.create(2);
             Arena arena = Arena.ofShared()) {
            // --history-engines own: the history runs on engines of its own, so the targets' engines start
            // with fresh workspaces and only the JIT's state is shared (tells the two causes apart)
            boolean own = options.getOrDefault("history-engines", "shared").equals("own");
            List<String> kinds = new ArrayList<>();
            for (int i = 0; i < history; i++) {
                boolean first = random.nextBoolean();
                kinds.add(historyCall(random, own ? (first ? historyOne : historyTwo) : (first ? one : two), arena));
            }
            if (history > 0) {
                System.out.println("history (seed " + seed + "): " + String.join(", ", kinds));
            }
            for (Map.Entry<String, Target> e : targets(options.getOrDefault("targets", "default")).entrySet()) {
                if (!e.getKey().contains(options.getOrDefault("only", ""))) {
                    continue;
                }
                Target t = e.getValue();
                AttentionEngine engine = t.threads() == 1 ? one : two;
                Workload w = new Workload(t.spec(), seed);
                engine.warmUp(Duration.ofSeconds(1), t.spec());
                Runnable forward = () -> engine.forward(w.spec, w.q, w.k, w.v, w.out);
                forward.run(); // the output ORT's is checked against
                OrtPeer ort = peer && hasOrtGraph(t.spec()) ? ortPeer(t, w) : null;
                timeRounds(e.getKey(), t.spec(), forward, ort, rounds, seconds / rounds);
            }
        }
    }

    private static final String ORT_PREFIX = "ORT ";

    private static boolean hasOrtGraph(AttentionSpec spec) {
        return spec.kvHeads() == spec.heads() && spec.queryLength() == spec.keyLength();
    }

    /** ORT's MultiHeadAttention on the same inputs, checked against the engine's output, warmed up. */
    private static OrtPeer ortPeer(Target t, Workload w) {
        try {
            OrtPeer ort = new OrtPeer("ORT MultiHeadAttention", OnnxAttentionGraphs.multiHeadAttention(t.spec()), w,
                    t.threads());
            ort.check(w.out.array().clone());
            Workload.warmUntilCompiled(ort::run);
            return ort;
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code rounds} rounds of {@code slot} seconds of the engine, then as long of ORT (when given): a slow
     * phase of the shared machine then touches both, and shows as one slow round rather than a slow JVM.
     * Prints per side the best round's median call (what this JVM's compiled code can do) and the bytes
     * allocated per call, and every round's rate on stderr-free lines for the log.
     */
    private static void timeRounds(String name, AttentionSpec spec, Runnable forward, OrtPeer ort, int rounds,
                                   double slot) {
        double best = Double.MAX_VALUE, bestOrt = Double.MAX_VALUE;
        StringBuilder log = new StringBuilder("  " + name + " rounds (GFLOP/s, engine / ORT):");
        for (int round = 0; round < rounds; round++) {
            double engineSeconds = medianCall(forward, slot);
            best = Math.min(best, engineSeconds);
            log.append(String.format(" %.1f", spec.flops() / engineSeconds / 1e9));
            if (ort != null) {
                double ortSeconds = medianCall(ort::run, slot);
                bestOrt = Math.min(bestOrt, ortSeconds);
                log.append(String.format(" / %.1f", spec.flops() / ortSeconds / 1e9));
            }
        }
        System.out.println(log);
        System.out.printf("RESULT\t%s\t%.2f\t%.0f%n", name, spec.flops() / best / 1e9, bytesPerCall(forward));
        if (ort != null) {
            System.out.printf("RESULT\t%s%s\t%.2f\t%.0f%n", ORT_PREFIX, name, spec.flops() / bestOrt / 1e9,
                    bytesPerCall(ort::run));
            try {
                ort.close();
            } catch (ai.onnxruntime.OrtException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The median seconds per call over {@code seconds} of calls (at least 5). */
    private static double medianCall(Runnable call, double seconds) {
        call.run();
        List<Long> times = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || times.size() < 5) {
            long start = System.nanoTime();
            call.run();
            times.add(System.nanoTime() - start);
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[sorted.length / 2] / 1e9;
    }

    /** The bytes all threads allocate per call, over 5 calls once warm. */
    private static double bytesPerCall(Runnable call) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytesBefore = threads.getTotalThreadAllocatedBytes();
        for (int i = 0; i < 5; i++) {
            call.run();
        }
        return (threads.getTotalThreadAllocatedBytes() - bytesBefore) / 5.0;
    }

    /** One random call of the history: a few repetitions of one variant at a small size. Returns its name. */
    private static String historyCall(SplittableRandom r, AttentionEngine engine, Arena arena) {
        int n = 128 + r.nextInt(15) * 128 + r.nextInt(2) * r.nextInt(100); // some not a multiple of a block
        int d = new int[] {32, 64, 80, 128}[r.nextInt(4)];
        int heads = 8, kvHeads = new int[] {8, 8, 2, 1}[r.nextInt(4)];
        boolean causal = r.nextBoolean();
        AttentionSpec.Builder b = AttentionSpec.builder().length(n).heads(heads).kvHeads(kvHeads).headDim(d)
                .causal(causal);
        String kind = switch (r.nextInt(8)) {
            case 0 -> { b.window(64 + r.nextInt(256), causal || r.nextBoolean() ? 0 : 32); yield "window"; }
            case 1 -> { b.alibiSlopes(AttentionSpec.standardAlibiSlopes(heads)); yield "alibi"; }
            case 2 -> { b.softcap(30f); yield "softcap"; }
            case 3 -> { b.queryLength(1 + r.nextInt(4)).keyLength(2048 + r.nextInt(8192)); yield "decode"; }
            default -> "plain";
        };
        AttentionSpec spec = b.build();
        int layout = r.nextInt(3); // 0 BSHD arrays, 1 BHSD arrays, 2 BSHD off-heap
        Tensor q = tensor(layout, spec.queryLength(), heads, d, arena, r);
        Tensor k = tensor(layout, spec.keyLength(), kvHeads, d, arena, r);
        Tensor v = tensor(layout, spec.keyLength(), kvHeads, d, arena, r);
        Tensor o = tensor(layout, spec.queryLength(), heads, d, arena, r);
        boolean masked = r.nextInt(4) == 0 && !kind.equals("decode");
        boolean varlen = !masked && r.nextInt(5) == 0 && !kind.equals("decode") && spec.queryLength() == spec.keyLength();
        AttentionMask mask = masked ? AttentionMask.keyLengths(new int[] {spec.keyLength() - r.nextInt(100)},
                spec.keyLength()) : null;
        int[] cu = {0, spec.queryLength() / 3, spec.queryLength()};
        int repeats = 2 + r.nextInt(6);
        for (int i = 0; i < repeats; i++) {
            if (varlen) {
                engine.forwardVarlen(spec, cu, cu, q, k, v, o, null);
            } else if (mask != null) {
                engine.forward(spec, q, k, v, o, mask);
            } else {
                engine.forward(spec, q, k, v, o);
            }
        }
        return kind + (masked ? "+mask" : varlen ? "+varlen" : "") + "/" + new String[] {"bshd", "bhsd", "offheap"}[layout]
                + "/D" + d + "/" + heads + ":" + kvHeads + "/" + engine.threads() + "t";
    }

    private static Tensor tensor(int layout, int length, int heads, int d, Arena arena, SplittableRandom r) {
        int elements = Tensor.elements(1, length, heads, d);
        if (layout == 2) {
            MemorySegment s = arena.allocate((long) elements * Float.BYTES, 64);
            for (long i = 0; i < elements; i++) {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
            }
            return Tensor.bshd(s, length, heads, d);
        }
        float[] a = new float[elements];
        for (int i = 0; i < elements; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return layout == 0 ? Tensor.bshd(a, length, heads, d) : Tensor.bhsd(a, length, heads, d);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--jvm-arg=")) {
                continue;
            }
            if (a.equals("--child")) {
                options.put("child", "true");
            } else if (a.startsWith("--") && i + 1 < args.length) {
                options.put(a.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + a + ": expected --jvms N, --history N, "
                        + "--seconds S, --rounds N, --seed N, --targets default|quick|mla, --only TEXT, --peer ort|none, --jvm-arg=OPTION; got " + Arrays.toString(args));
            }
        }
        return options;
    }
}
