package org.attention4j.cli.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.ElementType;
import org.attention4j.Tensor;
import org.attention4j.bench.NaiveAttention;
import org.attention4j.kernel.Widening;
import org.attention4j.cli.Calibration;
import org.attention4j.cli.KvDtype;

/**
 * Runs a {@link ProfilePlan}: per shape, generates the inputs once, then measures every kernel × thread
 * count on them. Kernels are opened once and reused across shapes (their JIT code and workspaces stay
 * warm), and closed at the end.
 */
final class ProfileRunner {
    /** A kernel's first row warms up at least this long, whatever --warmup says (see Measurement). */
    private static final long FIRST_USE_WARMUP_NANOS = 1_000_000_000L;
    /** Positions of the shape a kernel warms up on before a longer first row. */
    private static final int WARMUP_LENGTH = 4096;
    private static final String COLD_NOTE = "cold: no warm-up at this shape (kernel compiled on " + WARMUP_LENGTH
            + " positions first)";
    private final ProfilePlan plan;
    private final Calibration calibration;
    private final Progress progress;
    private final BooleanSupplier stop;
    private final Map<String, KernelChoice.Runner> runners = new HashMap<>();
    private boolean peakRssResettable = true;

    ProfileRunner(ProfilePlan plan, Calibration calibration, Progress progress, BooleanSupplier stop) {
        this.plan = plan;
        this.calibration = calibration;
        this.progress = progress;
        this.stop = stop;
    }

    boolean peakRssResettable() {
        return peakRssResettable;
    }

    List<ProfileRow> run() {
        List<ProfileRow> rows = new ArrayList<>();
        try {
            for (int shape = 0; shape < plan.specs().size(); shape++) {
                AttentionSpec spec = plan.specs().get(shape);
                if (stop.getAsBoolean()) {
                    break;
                }
                runShape(spec, plan.masks().get(shape), rows);
            }
        } finally {
            runners.values().forEach(KernelChoice.Runner::close);
        }
        return rows;
    }

    private void runShape(AttentionSpec spec, AttentionMask mask, List<ProfileRow> rows) {
        long tensorBytes = ProfileInputs.tensorBytes(spec);
        if (tensorBytes > (256L << 20)) {
            progress.message("generating " + ProfileReport.bytes(tensorBytes) + " of inputs for seq " + spec.keyLength());
        }
        long pairs = spec.visiblePairs(mask);
        try (ProfileInputs inputs = new ProfileInputs(spec, plan.bhsd(), plan.offheap(), plan.seed())) {
            for (ElementType kvType : plan.kvTypes()) {
                Tensor k = inputs.k, v = inputs.v;
                if (kvType != ElementType.FLOAT32) { // once per type, outside the timing
                    k = Widening.convert("k", inputs.k, spec.batch(), spec.keyLength(), spec.kvHeads(), spec.headDim(),
                            kvType, plan.bhsd());
                    v = Widening.convert("v", inputs.v, spec.batch(), spec.keyLength(), spec.kvHeads(),
                            spec.valueHeadDim(), kvType, plan.bhsd());
                }
                for (KernelChoice kernel : plan.kernels()) {
                    for (int threads : plan.threads()) {
                        if (stop.getAsBoolean()) {
                            return;
                        }
                        progress.starting("seq " + spec.keyLength() + ", " + KvDtype.name(kvType) + " K/V, "
                                + kernel.label() + ", " + threads + (threads == 1 ? " thread" : " threads"));
                        rows.add(measure(inputs, k, v, kvType, mask, pairs, kernel, threads));
                        progress.finished(spec.flops());
                    }
                }
            }
        }
    }

    private ProfileRow measure(ProfileInputs in, Tensor k, Tensor v, ElementType kvType, AttentionMask mask, long pairs,
                               KernelChoice kernel, int threads) {
        AttentionSpec spec = in.spec;
        long kvBytes = ProfileRow.kvBytes(spec, kvType);
        String key = kernel.label() + "/" + threads;
        boolean firstUse = !runners.containsKey(key);
        KernelChoice.Runner runner = runners.computeIfAbsent(key, unused -> kernel.open(threads));
        long working = runner.workingBytes(spec);
        long tensors = ProfileInputs.tensorBytes(spec);
        long naiveMatrix = NaiveAttention.scoreMatrixBytes(spec) * spec.batch() * spec.heads();
        String layout = plan.bhsd() ? "bhsd" : "bshd";
        if (kernel == KernelChoice.NAIVE) {
            String reason = kvType != ElementType.FLOAT32 ? "skipped: the naive peer is the float32 yardstick"
                    : plan.naiveSkipReason(spec, mask, working);
            if (reason != null) {
                return new ProfileRow(spec, layout, plan.offheap(), kernel.label(), runner.implementation(), threads,
                        ProfileRow.SKIPPED, reason, 0, 0, null, 0, 0, 0, -1, working, tensors, -1, false, naiveMatrix,
                        pairs, kvType, kvBytes, Double.NaN, Double.NaN);
            }
        }
        boolean warmedSmall = firstUse && warmUpOnSmallShape(runner, spec);
        // The garbage of earlier rows (and of the JIT's warm-up) is not this row's: the peak starts from
        // what is live.
        ProcessMemory.collectAndReturnHeap();
        boolean reset = ProcessMemory.resetPeakRss();
        peakRssResettable &= reset;
        Measurement.Result r = Measurement.run(() -> runner.forward(spec, mask, in.q, k, v, in.out), plan.warmup(),
                firstUse && !warmedSmall ? FIRST_USE_WARMUP_NANOS : 0, plan.iterations(), plan.minTime(), stop);
        String note = !warmedSmall || plan.warmup() > 0 ? r.note()
                : r.note().isEmpty() ? COLD_NOTE : COLD_NOTE + "; " + r.note();
        LatencyStats latency = LatencyStats.of(r.nanos(), r.count());
        double seconds = latency.p50() / 1e3;
        double gflops = ProfileRow.flopsPerCall(spec, pairs) / seconds / 1e9; // useful pairs only
        double percent = 100 * gflops / calibration.peakFor(threads);
        double tokens = (double) spec.batch() * spec.queryLength() / seconds;
        double kvGbs = kvBytes / seconds / 1e9;
        double percentOfRead = 100 * kvGbs / calibration.readBandwidthFor(threads); // NaN when not measured
        return new ProfileRow(spec, layout, plan.offheap(), kernel.label(), runner.implementation(), threads,
                ProfileRow.OK, note, r.warmup(), r.count(), latency, gflops, percent, tokens,
                r.allocatedBytesPerCall(), working, tensors, ProcessMemory.peakRssBytes(), reset, naiveMatrix, pairs,
                kvType, kvBytes, kvGbs, percentOfRead);
    }

    /**
     * A kernel's first row, when it is long: warms the kernel up on the same configuration at
     * {@link #WARMUP_LENGTH} positions first (no mask, batch 1). A call at 1M tokens lasts seconds, so the
     * row's own warm-up ran the Vector API code interpreted and in C1 for seconds: 3–45× slower, and
     * allocating ~1 GiB of boxed vectors, which grew the heap by ~200 MiB inside the row's peak RSS.
     * A compile warm-up, not one of the row: it runs until the JIT is idle whatever {@code --warmup} says
     * (with {@code --warmup 0} it was one interpreted call, and the row's first call made the garbage).
     * The row's first call is still the first at its shape (its workspace, its K/V blocks and branches
     * the short shape never took are new); with {@code --warmup 0} the row's note says so.
     * Returns whether it warmed up (not for block-sparse layouts: their blocks are tied to the length).
     */
    private boolean warmUpOnSmallShape(KernelChoice.Runner runner, AttentionSpec spec) {
        if (spec.blockSparse() != null || Math.max(spec.queryLength(), spec.keyLength()) <= WARMUP_LENGTH) {
            return false;
        }
        AttentionSpec small = spec.toBuilder().batch(1).queryLength(Math.min(spec.queryLength(), WARMUP_LENGTH))
                .keyLength(Math.min(spec.keyLength(), WARMUP_LENGTH)).build();
        try (ProfileInputs in = new ProfileInputs(small, plan.bhsd(), plan.offheap(), plan.seed())) {
            Measurement.run(() -> runner.forward(small, null, in.q, in.k, in.v, in.out), Math.max(1, plan.warmup()),
                    FIRST_USE_WARMUP_NANOS, 1, 0, stop);
        }
        return true;
    }
}
