package org.attention4j.cli.profile;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.ElementType;
import org.attention4j.Kernel;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.Calibration;
import org.attention4j.cli.KvDtype;
import org.attention4j.cli.MachineInfo;
import org.attention4j.cli.Main;
import org.attention4j.cli.OutputFiles;
import org.attention4j.cli.VariantOptions;
import org.attention4j.cli.VersionProvider;
import org.attention4j.cli.WindowOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attention4j profile}: latency and memory at many sequence lengths, side by side per kernel. */
@Command(name = "profile", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Measure latency and memory of attention at the given sequence lengths, for each kernel "
                + "and thread count, against the machine's FMA peak calibrated in the same run.",
            "Example: attention4j profile --seq 1k..16k --heads 8 --head-dim 64 --causal --kernel flash,naive"})
public final class ProfileCommand implements Callable<Integer> {
    /** Set by scripts/attention4j, whose stderr filter hides the terminal from the JVM. */
    static final String STDERR_TTY_PROPERTY = "attention4j.stderrTty";
    private static final int EXIT_INTERRUPTED = 130;

    @Spec
    CommandSpec spec;

    @Option(names = "--seq", paramLabel = "LENGTHS", defaultValue = "1k,4k",
            description = "Key/value lengths: a list and ranges, k = 1024, M = 1048576, e.g. 1k,4k,16k or "
                    + "1024..65536x2 (A..B doubles; A..BxF multiplies by F; A..B+S adds S). Default: ${DEFAULT-VALUE}.")
    String seq;

    @Option(names = "--q-len", paramLabel = "LENGTH",
            description = "Query length (decode-like shapes, e.g. 1); default: the same as --seq.")
    String queryLength;

    @Option(names = "--batch", defaultValue = "1", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--heads", defaultValue = "8", description = "Query heads. Default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(names = "--kv-heads", description = "Key/value heads (GQA/MQA); default: --heads.")
    Integer kvHeads;

    @Option(names = "--head-dim", defaultValue = "64", description = "Head dimension D. Default: ${DEFAULT-VALUE}.")
    int headDim;

    @Option(names = "--value-head-dim", paramLabel = "DV",
            description = "Head dimension Dv of V and O, 1..256 (e.g. 128 with --head-dim 192, as DeepSeek's MLA); "
                    + "default: --head-dim.")
    Integer valueHeadDim;

    @Option(names = "--causal", description = "Causal mask (bottom-right aligned when q-len < seq).")
    boolean causal;

    @Mixin
    VariantOptions variants;

    @Option(names = "--window", paramLabel = "LEFT,RIGHT",
            description = "Sliding window: keys visible before and after the diagonal, -1 = unbounded "
                    + "(FlashAttention-2 window_size). Local causal attention over w tokens: --causal --window w-1,0.")
    String window;

    @Option(names = "--kernel", split = ",", paramLabel = "KERNEL", defaultValue = "flash",
            description = "One or more of flash (the engine's best), scalar (its plain-Java twin), naive (full "
                    + "n×n score matrix, vectorized). Default: ${DEFAULT-VALUE}.")
    List<String> kernels;

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Thread counts to measure, e.g. 1,2. Default: 1 and all cores.")
    List<Integer> threads;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up calls per row. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--iterations", defaultValue = "10",
            description = "Measured calls per row, at least. Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--min-time", defaultValue = "1", paramLabel = "SECONDS",
            description = "Keep measuring a row until this much time has passed too. Default: ${DEFAULT-VALUE}.")
    double minTime;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the N(0,1) inputs. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--layout", defaultValue = "bshd", paramLabel = "bshd|bhsd",
            description = "Tensor layout. Default: ${DEFAULT-VALUE}.")
    String layout;

    @Option(names = "--kv-dtype", split = ",", paramLabel = "TYPE", defaultValue = "fp32",
            description = "Storage of K and V: fp32, bf16, fp16, int8 (a list measures each; converted once from "
                    + "the float32 inputs, outside the timing). Default: ${DEFAULT-VALUE}.")
    List<String> kvDtypes;

    @Option(names = "--offheap", description = "Tensors in off-heap MemorySegments instead of float[].")
    boolean offheap;

    @Option(names = "--naive-max-mem", defaultValue = "2g", paramLabel = "BYTES",
            description = "Skip naive rows whose score matrices need more than this (k/m/g suffixes). "
                    + "Default: ${DEFAULT-VALUE}.")
    String naiveMaxMemory;

    @Option(names = "--format", defaultValue = "table", paramLabel = "table|csv|json|markdown",
            description = "Output format. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the result to FILE (atomically) instead of stdout.")
    Path output;

    @Option(names = "--chart", paramLabel = "FILE.svg|FILE.png",
            description = "Also draw latency and memory against sequence length (log-log).")
    Path chart;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--layer", description = "Profile a whole self-attention block instead (random weights, d_model "
            + "wide): projection and attention time, kernel share, tokens/s. See docs/CLI.md.")
    boolean layer;

    @Option(names = "--d-model", defaultValue = "768", description = "With --layer: the model width. "
            + "Default: ${DEFAULT-VALUE}.")
    int dModel;

    @Option(names = "--model", paramLabel = "FILE|DIR", description = "Profile a sentence-embedding model instead "
            + "(a .onnx or .safetensors BERT-family checkpoint, or a folder): texts/s, GFLOP/s, where the time goes.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json", description = "With --model: the tokenizer; "
            + "default: the one beside the model.")
    Path tokenizer;

    @Option(names = "--texts", defaultValue = "1000", paramLabel = "N", description = "With --model: how many "
            + "synthetic retrieval-like texts (mostly 5-40 words, some 60-120). Default: ${DEFAULT-VALUE}.")
    int texts;

    @Option(names = "--input", paramLabel = "texts.txt", description = "With --model: your texts instead, one per line.")
    Path input;

    @Option(names = "--max-length", paramLabel = "N", description = "With --model: tokens per text at most; "
            + "default: the tokenizer file's truncation.")
    Integer maxLength;

    @Override
    public Integer call() throws IOException {
        if (model != null) {
            return ModelProfile.call(this);
        }
        if (layer) {
            return LayerProfile.call(this);
        }
        ProfilePlan plan = plan();
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = Boolean.getBoolean(STDERR_TTY_PROPERTY) || (System.console() != null
                && System.console().isTerminal());
        Progress progress = new Progress(err, terminal, quiet, plan.rowCount(), plan.totalWork());
        Interruption interruption = new Interruption().install(progress);
        MachineInfo machine = MachineInfo.current();
        progress.message("calibrating the FMA peak on " + (plan.maxThreads() == 1 ? "1 thread"
                : "1 and " + plan.maxThreads() + " threads") + " ...");
        Calibration calibration = Calibration.measure(Kernel.AUTO, plan.maxThreads());
        progress.message("FMA peak: " + calibration.describe());
        if (plan.memoryBound()) {
            progress.message("measuring the read bandwidth (a 256 MiB stream) ...");
            calibration = calibration.withReadBandwidth();
            progress.message("read bandwidth: " + calibration.describeReadBandwidth());
        }
        ProfileRunner runner = new ProfileRunner(plan, calibration, progress, interruption::requested);
        List<ProfileRow> rows = runner.run();
        progress.end();
        ProfileReport report = new ProfileReport(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                machine, calibration, options(), rows, interruption.requested(), runner.peakRssResettable());
        String text = report.render(ProfileReport.Format.valueOf(format.toUpperCase(Locale.ROOT)));
        if (output != null) {
            OutputFiles.write(output, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
            progress.message("wrote " + output);
        } else {
            PrintWriter out = spec.commandLine().getOut();
            out.print(text);
            out.flush();
        }
        if (chart != null) {
            OutputFiles.write(chart, out -> ProfileChart.write(report, chart.getFileName().toString(), out));
            progress.message("wrote " + chart);
        }
        return interruption.requested() ? EXIT_INTERRUPTED : Main.EXIT_OK;
    }

    /** Every option checked, every spec built, before any measurement: bad input costs nothing. */
    ProfilePlan plan() {
        List<Integer> lengths = SequenceLengths.parse("--seq", seq);
        Integer fixedQueryLength = queryLength == null ? null : SequenceLengths.length("--q-len", queryLength);
        List<KernelChoice> choices = new ArrayList<>();
        for (String k : kernels) {
            choices.add(kernelChoice(k.trim()));
        }
        List<Integer> threadCounts = threads == null ? defaultThreads() : threads;
        for (int t : threadCounts) {
            if (t < 1 || t > 4096) {
                throw new BadInputException("--threads " + t + ": expected 1 .. 4096");
            }
        }
        requireAtLeast("--warmup", warmup, 0);
        requireAtLeast("--iterations", iterations, 1);
        if (!(minTime >= 0) || minTime > 3600) {
            throw new BadInputException("--min-time " + minTime + ": expected 0 .. 3600 seconds");
        }
        if (!layout.equalsIgnoreCase("bshd") && !layout.equalsIgnoreCase("bhsd")) {
            throw new BadInputException("--layout " + layout + ": expected bshd or bhsd");
        }
        try {
            ProfileReport.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--format " + format + ": expected table, csv, json or markdown");
        }
        if (chart != null && !ProfileChart.supported(chart.getFileName().toString())) {
            throw new BadInputException("--chart " + chart + ": expected a file name ending in .svg or .png");
        }
        if (headDim < 1 || headDim > AttentionSpec.MAX_HEAD_DIM) {
            throw new BadInputException("--head-dim " + headDim + ": expected 1.." + AttentionSpec.MAX_HEAD_DIM);
        }
        if (valueHeadDim != null && (valueHeadDim < 1 || valueHeadDim > AttentionSpec.MAX_HEAD_DIM)) {
            throw new BadInputException("--value-head-dim " + valueHeadDim + ": expected 1.."
                    + AttentionSpec.MAX_HEAD_DIM);
        }
        OutputFiles.requireWritableDirectory("--output", output);
        OutputFiles.requireWritableDirectory("--chart", chart);
        long naiveLimit = ByteSizes.parse("--naive-max-mem", naiveMaxMemory);
        int[] band = WindowOption.parse(window);
        List<AttentionSpec> specs = new ArrayList<>();
        List<AttentionMask> masks = new ArrayList<>();
        for (int n : lengths) {
            AttentionSpec.Builder b = AttentionSpec.builder().batch(batch).keyLength(n)
                    .queryLength(fixedQueryLength == null ? n : fixedQueryLength).heads(heads).headDim(headDim)
                    .causal(causal).window(band[0], band[1]);
            if (kvHeads != null) {
                b.kvHeads(kvHeads);
            }
            if (valueHeadDim != null) {
                b.valueHeadDim(valueHeadDim);
            }
            AttentionSpec spec = variants.apply(b.build());
            specs.add(spec);
            masks.add(variants.mask(spec));
        }
        List<ElementType> kvTypes = new ArrayList<>();
        for (String t : kvDtypes) {
            ElementType type = KvDtype.parse(t.trim());
            if (kvTypes.contains(type)) {
                throw new BadInputException("--kv-dtype " + String.join(",", kvDtypes) + ": " + t.trim()
                        + " is listed twice");
            }
            kvTypes.add(type);
        }
        if (offheap && !kvTypes.equals(List.of(ElementType.FLOAT32))) {
            throw new BadInputException("--kv-dtype " + String.join(",", kvDtypes) + " with --offheap: converted K/V "
                    + "are Java arrays; drop --offheap or measure fp32 only");
        }
        ProfilePlan plan = new ProfilePlan(specs, masks, choices, threadCounts, warmup, iterations, minTime, seed,
                layout.equalsIgnoreCase("bhsd"), offheap, naiveLimit, kvTypes);
        plan.requireHeapForTensors();
        return plan;
    }

    private static KernelChoice kernelChoice(String name) {
        for (KernelChoice c : KernelChoice.values()) {
            if (c.label().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new BadInputException("--kernel " + name + ": expected flash, scalar or naive");
    }

    private static List<Integer> defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores == 1 ? List.of(1) : List.of(1, cores);
    }

    private static void requireAtLeast(String option, int value, int min) {
        if (value < min) {
            throw new BadInputException(option + " " + value + ": expected >= " + min);
        }
    }

    List<Integer> threadCounts() {
        return threads == null ? defaultThreads() : threads;
    }

    Map<String, Object> options() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("queryLength", queryLength);
        m.put("batch", batch);
        m.put("heads", heads);
        m.put("kvHeads", kvHeads == null ? heads : kvHeads);
        m.put("headDim", headDim);
        m.put("valueHeadDim", valueHeadDim == null ? headDim : valueHeadDim);
        m.put("causal", causal);
        m.put("window", window);
        m.put("variants", variants.describe());
        m.put("kernels", kernels);
        m.put("threads", threads == null ? defaultThreads() : threads);
        m.put("warmup", warmup);
        m.put("iterations", iterations);
        m.put("minTimeSeconds", minTime);
        m.put("seed", seed);
        m.put("layout", layout.toLowerCase(Locale.ROOT));
        m.put("offheap", offheap);
        m.put("kvDtypes", kvDtypes);
        m.put("naiveMaxMemoryBytes", ByteSizes.parse("--naive-max-mem", naiveMaxMemory));
        m.put("shape", "batch " + batch + ", heads " + heads + "/" + (kvHeads == null ? heads : kvHeads) + ", D "
                + headDim + (valueHeadDim == null || valueHeadDim == headDim ? "" : ", Dv " + valueHeadDim)
                + (causal ? ", causal" : "") + (window == null ? "" : ", window " + window) + (queryLength == null ? "" : ", q-len " + queryLength)
                + (variants.any() ? ", " + variants.describe() : "") + ", "
                + layout.toLowerCase(Locale.ROOT) + (offheap ? ", off-heap" : ""));
        return m;
    }
}
