package org.attention4j.cli.profile;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.attention4j.cli.MachineInfo;
import org.attention4j.cli.Main;
import org.attention4j.cli.OutputFiles;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.Calibration;
import org.attention4j.layer.MultiHeadAttentionWeights;
import org.attention4j.layer.Gemm;
import org.attention4j.layer.MultiHeadAttention;
import org.attention4j.internal.SeededFloats;

/**
 * {@code profile --layer}: a whole self-attention block with random weights ({@code d_model} wide,
 * heads × head dim from the usual options) per shape × thread count. Each row times the block, then its
 * two projection GEMMs alone and the attention kernel alone on the same shapes (random inputs); what the
 * block spends beyond both (biases, positions, copies) is their difference.
 */
final class LayerProfile {
    private static final int EXIT_INTERRUPTED = 130;
    private final ProfilePlan plan;
    private final int dModel;
    private final Calibration calibration;
    private final Progress progress;
    private final BooleanSupplier stop;

    LayerProfile(ProfilePlan plan, int dModel, Calibration calibration, Progress progress, BooleanSupplier stop) {
        this.plan = plan;
        this.dModel = dModel;
        this.calibration = calibration;
        this.progress = progress;
        this.stop = stop;
    }

    /** Runs {@code profile --layer} with the command's options; the exit code. */
    static int call(ProfileCommand cmd) throws IOException {
        ProfilePlan plan = cmd.plan();
        check(plan, cmd.dModel, cmd.queryLength != null);
        if (cmd.chart != null) {
            throw new BadInputException("--chart: not with --layer (use --format csv or json and plot those)");
        }
        PrintWriter err = cmd.spec.commandLine().getErr();
        boolean terminal = Boolean.getBoolean(ProfileCommand.STDERR_TTY_PROPERTY) || (System.console() != null
                && System.console().isTerminal());
        Progress progress = new Progress(err, terminal, cmd.quiet, plan.rowCount(), plan.totalWork());
        Interruption interruption = new Interruption().install(progress);
        MachineInfo machine = MachineInfo.current();
        progress.message("calibrating the FMA peak ...");
        Calibration calibration = Calibration.measure(Kernel.AUTO, plan.maxThreads());
        progress.message("FMA peak: " + calibration.describe());
        List<LayerProfileRow> rows = new LayerProfile(plan, cmd.dModel, calibration, progress,
                interruption::requested).run();
        progress.end();
        Map<String, Object> options = cmd.options();
        AttentionSpec s = plan.specs().get(0);
        options.put("dModel", cmd.dModel);
        options.put("shape", "d_model " + cmd.dModel + ", batch " + s.batch() + ", heads " + s.heads() + "/"
                + s.kvHeads() + ", D " + s.headDim() + (s.causal() ? ", causal" : "")
                + (s.hasWindow() ? ", window " + s.windowLeft() + "," + s.windowRight() : "") + ", no biases");
        String text = new LayerProfileReport(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                machine, calibration, options, rows, interruption.requested())
                .render(ProfileReport.Format.valueOf(cmd.format.toUpperCase(Locale.ROOT)));
        if (cmd.output != null) {
            OutputFiles.write(cmd.output, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
            progress.message("wrote " + cmd.output);
        } else {
            PrintWriter out = cmd.spec.commandLine().getOut();
            out.print(text);
            out.flush();
        }
        return interruption.requested() ? EXIT_INTERRUPTED : Main.EXIT_OK;
    }

    /** Options that do not apply to a self-attention block fail before any measurement. */
    static void check(ProfilePlan plan, int dModel, boolean queryLengthGiven) {
        if (dModel < 1) {
            throw new BadInputException("--d-model " + dModel + ": expected >= 1");
        }
        if (queryLengthGiven) {
            throw new BadInputException("--q-len: not with --layer (the block is self-attention: Lq = Lk = --seq)");
        }
        if (plan.kernels().size() != 1 || plan.kernels().get(0) != KernelChoice.FLASH) {
            throw new BadInputException("--kernel: only flash with --layer (the block runs the engine's best kernel)");
        }
        AttentionSpec first = plan.specs().get(0);
        if (first.valueHeadDim() != first.headDim()) {
            throw new BadInputException("--value-head-dim " + first.valueHeadDim() + ": not with --layer (the block's V "
                    + "projection has the head size of Q and K, --head-dim " + first.headDim() + ")");
        }
        if (!plan.kvTypes().equals(java.util.List.of(org.attention4j.ElementType.FLOAT32))) {
            throw new BadInputException("--kv-dtype: not with --layer (the block computes its K and V in float32)");
        }
        if (plan.bhsd() || plan.offheap()) {
            throw new BadInputException("--layout bhsd / --offheap: not with --layer (the block's buffers are "
                    + "row-major float[], BSHD by construction)");
        }
    }

    List<LayerProfileRow> run() {
        List<LayerProfileRow> rows = new ArrayList<>();
        AttentionSpec first = plan.specs().get(0);
        MultiHeadAttentionWeights weights = randomWeights(first.heads(), first.kvHeads(), first.headDim());
        for (int threads : plan.threads()) {
            try (AttentionEngine engine = AttentionEngine.create(threads); Gemm gemm = Gemm.create(threads)) {
                boolean firstUse = true;
                for (AttentionSpec spec : plan.specs()) {
                    if (stop.getAsBoolean()) {
                        return rows;
                    }
                    progress.starting("layer seq " + spec.queryLength() + ", " + threads
                            + (threads == 1 ? " thread" : " threads"));
                    rows.add(measure(weights, spec, engine, gemm, threads, firstUse));
                    progress.finished(spec.flops());
                    firstUse = false;
                }
            }
        }
        return rows;
    }

    private LayerProfileRow measure(MultiHeadAttentionWeights weights, AttentionSpec spec, AttentionEngine engine, Gemm gemm,
                                    int threads, boolean firstUse) {
        int batch = spec.batch(), n = spec.queryLength();
        float[] x = random((long) batch * n * dModel, plan.seed()), y = new float[x.length];
        // A first row warms up 3 s: C2 must compile both the GEMM and the attention kernels (with 1 s the
        // first 1-thread row of a d_model 256 block still ran its GEMM at a tenth of its speed).
        long warmupNanos = firstUse ? 3_000_000_000L : 0;
        try (MultiHeadAttention layer = MultiHeadAttention.builder(weights).engine(engine).gemm(gemm)
                .kernelOptions(b -> b.causal(spec.causal()).window(spec.windowLeft(), spec.windowRight())).build()) {
            Measurement.Result r = Measurement.run(() -> layer.forward(batch, x, n, y, 0), plan.warmup(), warmupNanos,
                    plan.iterations(), plan.minTime(), stop);
            LatencyStats block = LatencyStats.of(r.nanos(), r.count());
            double projectionMs = projectionMs(gemm, weights, batch * n);
            double attentionMs;
            try (ProfileInputs in = new ProfileInputs(spec, false, false, plan.seed())) {
                Measurement.Result a = Measurement.run(() -> engine.forward(spec, in.q, in.k, in.v, in.out),
                        plan.warmup(), 0, plan.iterations(), plan.minTime(), stop);
                attentionMs = LatencyStats.of(a.nanos(), a.count()).p50();
            }
            long qkvOut = (long) weights.qkvWidth() + dModel;
            double gemmFlops = 2.0 * batch * n * dModel * qkvOut;
            long weightBytes = 4L * dModel * qkvOut;
            return new LayerProfileRow(spec, dModel, threads, r.count(), block, projectionMs, attentionMs, gemmFlops,
                    calibration.peakFor(threads), r.allocatedBytesPerCall(), layer.scratchBytes(batch, n, n, true),
                    engine.workspaceBytes(spec), weightBytes);
        }
    }

    /**
     * Median time of the block's two projection GEMMs alone, on the same Gemm and sizes: X·W_QKV
     * ({@code rows × (H + 2·Hkv)·D × d_model}) and O·W_O ({@code rows × d_model × H·D}).
     */
    private double projectionMs(Gemm gemm, MultiHeadAttentionWeights w, int rows) {
        int width = w.qkvWidth(), heads = w.heads() * w.headDim();
        float[] x = random((long) rows * dModel, 5), wqkv = random((long) dModel * width, 6);
        float[] qkv = new float[rows * width], o = random((long) rows * heads, 7);
        float[] wo = random((long) heads * dModel, 8), y = new float[rows * dModel];
        Measurement.Result p = Measurement.run(() -> {
            gemm.multiply(rows, width, dModel, x, wqkv, qkv);
            gemm.multiply(rows, dModel, heads, o, wo, y);
        }, plan.warmup(), 0, plan.iterations(), plan.minTime(), stop);
        return LatencyStats.of(p.nanos(), p.count()).p50();
    }

    private MultiHeadAttentionWeights randomWeights(int heads, int kvHeads, int headDim) {
        int q = heads * headDim, kv = kvHeads * headDim;
        double s = 1 / Math.sqrt(dModel);
        return MultiHeadAttentionWeights.builder(dModel, heads, headDim).kvHeads(kvHeads)
                .query(scaled(random((long) dModel * q, plan.seed() + 1), s), null)
                .key(scaled(random((long) dModel * kv, plan.seed() + 2), s), null)
                .value(scaled(random((long) dModel * kv, plan.seed() + 3), s), null)
                .output(scaled(random((long) q * dModel, plan.seed() + 4), 1 / Math.sqrt(q)), null).build();
    }

    private static float[] random(long n, long seed) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new BadInputException("--seq/--batch/--d-model: " + n + " floats do not fit a float[]");
        }
        return SeededFloats.uniform((int) n, seed);
    }

    private static float[] scaled(float[] x, double s) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= (float) s;
        }
        return x;
    }
}
