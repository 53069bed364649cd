package org.attention4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.ElementType;
import org.attention4j.Kernel;
import org.attention4j.Tensor;
import org.attention4j.cli.io.AttentionInputs;
import org.attention4j.cli.io.FloatArray;
import org.attention4j.cli.io.Npy;
import org.attention4j.cli.io.QkvFiles;
import org.attention4j.cli.io.TypedArray;
import org.attention4j.reference.ReferenceAttention;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attention4j run}: attention on the user's tensors (.npy or safetensors), to a file or compared. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = {"Compute attention on your tensors: Q, K, V from .npy files (or one safetensors file holding "
                + "q, k, v), 4-D in the chosen layout; write O (and the log-sum-exp) as float32 .npy, or compare "
                + "with an expected output. K and V in float16, bfloat16 or int8 are computed on as they are.",
            "Example: attention4j run --q q.npy --k k.npy --v v.npy --causal --out o.npy"})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--q", paramLabel = "Q.npy", description = "Queries: [B, Lq, H, D] (bshd) or [B, H, Lq, D] (bhsd).")
    Path qFile;

    @Option(names = "--k", paramLabel = "K.npy", description = "Keys: [B, Lk, Hkv, D] (bshd) or [B, Hkv, Lk, D].")
    Path kFile;

    @Option(names = "--v", paramLabel = "V.npy", description = "Values: [B, Lk, Hkv, Dv] (bshd) or [B, Hkv, Lk, Dv]: "
            + "the shape of K, but the head size Dv (1..256) may differ from D.")
    Path vFile;

    @Option(names = "--input", paramLabel = "FILE.safetensors",
            description = "One safetensors file with tensors q, k and v, instead of --q/--k/--v: F32, F64, F16 or "
                    + "BF16; k and v may also be I8 with k_scale/v_scale (one F32 scale per row: K's shape without "
                    + "its last axis).")
    Path input;

    @Option(names = "--kv-dtype", paramLabel = "fp32|bf16|fp16|int8",
            description = "Store K and V as this type for the call: converted after loading (through float32 when "
                    + "the files hold another type). Default: as in the files.")
    String kvDtype;

    @Option(names = "--out", paramLabel = "O.npy",
            description = "Write the output here (float32, the layout of Q): [B, Lq, H, Dv] (bshd) or [B, H, Lq, Dv].")
    Path out;

    @Option(names = "--lse", paramLabel = "LSE.npy",
            description = "Also write the natural log-sum-exp of each row: float32 [B, H, Lq] (-inf for rows that see no key).")
    Path lseFile;

    @Mixin
    BandOptions band;

    @Mixin
    VariantOptions variants;

    @Option(names = "--cu-seqlens-q", paramLabel = "FILE.npy", description = "Varlen: cumulative query offsets "
            + "[sequences + 1] (0 first, total last) of a packed batch (B = 1); with --cu-seqlens-k.")
    Path cuSeqlensQ;

    @Option(names = "--cu-seqlens-k", paramLabel = "FILE.npy", description = "Varlen: cumulative key offsets.")
    Path cuSeqlensK;

    @Option(names = "--scale", description = "Softmax scale; default 1/sqrt(D).")
    Float scale;

    @Mixin
    LayoutOption layout;

    @Option(names = "--threads", description = "Threads; default: all cores.")
    Integer threads;

    @Option(names = "--kernel", defaultValue = "flash", paramLabel = "flash|scalar|reference",
            description = "flash (the engine's best), scalar (its plain-Java twin) or reference (float64). "
                    + "Default: ${DEFAULT-VALUE}.")
    String kernel;

    @Option(names = "--repeat", defaultValue = "1",
            description = "Compute N times (the output is the last) and print per-call latency. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--expect", paramLabel = "O.npy", description = "Compare the output with this file; exit 1 on a mismatch.")
    Path expect;

    @Option(names = "--tolerance", defaultValue = "1e-5",
            description = "--expect passes when |o - e| <= tolerance * max(1, |e|) everywhere. Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Override
    public Integer call() throws IOException {
        ElementType kvType = checkOptions();
        boolean bhsd = layout.bhsd();
        QkvFiles files = input != null ? QkvFiles.fromSafetensors(input) : QkvFiles.fromNpy(qFile, kFile, vFile);
        FloatArray q = files.q();
        TypedArray k = files.k(), v = files.v();
        AttentionSpec attention = variants.apply(spec(q, k, v, bhsd));
        if (kvType != null) { // before anything is computed or written: a float16 overflow is the user's to fix
            k = k.converted(kvType, name("k", kFile) + " (--kv-dtype " + kvDtype + ")");
            v = v.converted(kvType, name("v", vFile) + " (--kv-dtype " + kvDtype + ")");
        }
        AttentionMask mask = variants.mask(attention);
        int[] cuQ = cuSeqlensQ == null ? null : offsets("--cu-seqlens-q", cuSeqlensQ);
        int[] cuK = cuSeqlensK == null ? null : offsets("--cu-seqlens-k", cuSeqlensK);
        long[] outShape = q.shape().clone(); // Q's shape with V's head size
        outShape[3] = attention.valueHeadDim();
        FloatArray expected = expect == null ? null : Npy.read(expect);
        if (expected != null && !Arrays.equals(expected.shape(), outShape)) {
            throw new BadInputException("--expect " + expect + ": shape " + expected.shapeText() + ", expected the "
                    + "output's " + Arrays.toString(outShape));
        }
        float[] o = new float[(int) FloatArray.elements("the output", outShape)];
        float[] lse = new float[attention.batch() * attention.heads() * attention.queryLength()];
        long[] nanos = new long[repeat];
        compute(attention, mask, cuQ, cuK, q, k, v, o, lse, bhsd, nanos);
        PrintWriter err = spec.commandLine().getErr();
        if (repeat > 1) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            err.printf(Locale.ROOT, "attention4j run: %d calls, latency min %.3f ms, median %.3f ms, max %.3f ms%n",
                    repeat, sorted[0] / 1e6, sorted[repeat / 2] / 1e6, sorted[repeat - 1] / 1e6);
            err.flush();
        }
        int code = Main.EXIT_OK;
        if (expected != null) {
            code = compare(o, expected, outShape, spec.commandLine().getOut());
        }
        if (out != null) {
            Npy.write(out, outShape, o);
        }
        if (lseFile != null) {
            Npy.write(lseFile, new long[] {attention.batch(), attention.heads(), attention.queryLength()}, lse);
        }
        return code;
    }

    /** Checks the options before any file is read; returns the {@code --kv-dtype} type, null for none. */
    private ElementType checkOptions() {
        boolean separate = qFile != null || kFile != null || vFile != null;
        if (input != null && separate) {
            throw new BadInputException("give either --input FILE.safetensors or --q/--k/--v, not both");
        }
        if (input == null && (qFile == null || kFile == null || vFile == null)) {
            throw new BadInputException("missing input: give --q Q.npy --k K.npy --v V.npy, or --input FILE.safetensors");
        }
        if (out == null && expect == null) {
            throw new BadInputException("nothing to do: give --out O.npy, --expect O.npy, or both");
        }
        layout.bhsd();
        if (!List.of("flash", "scalar", "reference").contains(kernel.toLowerCase(Locale.ROOT))) {
            throw new BadInputException("--kernel " + kernel + ": expected flash, scalar or reference");
        }
        if (repeat < 1) {
            throw new BadInputException("--repeat " + repeat + ": expected >= 1");
        }
        if (!(tolerance > 0)) {
            throw new BadInputException("--tolerance " + tolerance + ": expected a positive number");
        }
        if (threads != null && threads < 1) {
            throw new BadInputException("--threads " + threads + ": expected >= 1");
        }
        if ((cuSeqlensQ == null) != (cuSeqlensK == null)) {
            throw new BadInputException("give both --cu-seqlens-q and --cu-seqlens-k, or neither");
        }
        if (cuSeqlensQ != null && (variants.mask != null || variants.keyPadding != null || variants.blockSparse != null)) {
            throw new BadInputException("--cu-seqlens-q/-k with --mask, --key-padding or --block-sparse: expected none"
                    + " of those (packed sequences need no padding; masks and layouts are per length)");
        }
        if (cuSeqlensQ != null && kernel.equalsIgnoreCase("reference")) {
            throw new BadInputException("--cu-seqlens-q/-k with --kernel reference: expected flash or scalar");
        }
        OutputFiles.requireWritableDirectory("--out", out);
        OutputFiles.requireWritableDirectory("--lse", lseFile);
        return kvDtype == null ? null : KvDtype.parse(kvDtype);
    }

    /** The shapes must agree: names the files and the expected values. */
    private AttentionSpec spec(FloatArray q, TypedArray k, TypedArray v, boolean bhsd) {
        int[] window = band.window();
        AttentionSpec.Builder options = AttentionSpec.builder().causal(band.causal()).window(window[0], window[1]);
        if (scale != null) {
            options.scale(scale);
        }
        return AttentionInputs.spec(q.shape(), k.shape(), v.shape(), bhsd, name("q", qFile), name("k", kFile),
                name("v", vFile), options);
    }

    private String name(String tensor, Path file) {
        return file != null ? file.toString() : input + " (tensor " + tensor + ")";
    }

    /** Cumulative offsets from a 1-D .npy of whole numbers (any numeric dtype). */
    private static int[] offsets(String option, Path file) {
        FloatArray a = Npy.read(file);
        if (a.rank() != 1) {
            throw new BadInputException(option + " " + file + ": shape " + a.shapeText()
                    + ", expected 1-D [sequences + 1]");
        }
        int[] offsets = new int[a.data().length];
        for (int i = 0; i < offsets.length; i++) {
            float x = a.data()[i];
            if (x != Math.rint(x) || x < 0 || x > (1 << 24)) {
                throw new BadInputException(option + " " + file + ": element " + i + " = " + x
                        + ", expected a whole number in 0..16777216");
            }
            offsets[i] = (int) x;
        }
        return offsets;
    }

    private void compute(AttentionSpec s, AttentionMask mask, int[] cuQ, int[] cuK, FloatArray q, TypedArray k,
                         TypedArray v, float[] o, float[] lse, boolean bhsd, long[] nanos) {
        Tensor tq = view(q.data(), s.queryLength(), s.heads(), s.headDim(), bhsd);
        Tensor tk = k.view(bhsd), tv = v.view(bhsd); // in their type: the engine widens them as it reads
        Tensor to = view(o, s.queryLength(), s.heads(), s.valueHeadDim(), bhsd);
        Tensor tl = Tensor.lse(lse, s.heads(), s.queryLength());
        String which = kernel.toLowerCase(Locale.ROOT);
        if (which.equals("reference")) {
            for (int r = 0; r < nanos.length; r++) {
                long t0 = System.nanoTime();
                ReferenceAttention.Result ref = ReferenceAttention.compute(s, mask, tq, tk, tv);
                nanos[r] = System.nanoTime() - t0;
                copyReference(s, ref, o, lse, bhsd);
            }
            return;
        }
        Kernel kind = which.equals("scalar") ? Kernel.SCALAR : Kernel.AUTO;
        AttentionEngine.Builder builder = AttentionEngine.builder().kernel(kind);
        if (threads != null) {
            builder.threads(threads);
        }
        try (AttentionEngine engine = builder.build()) {
            for (int r = 0; r < nanos.length; r++) {
                long t0 = System.nanoTime();
                if (cuQ != null) {
                    engine.forwardVarlen(s, cuQ, cuK, tq, tk, tv, to, tl);
                } else {
                    engine.forward(s, tq, tk, tv, to, tl, mask, Long.MAX_VALUE);
                }
                nanos[r] = System.nanoTime() - t0;
            }
        }
    }

    private static Tensor view(float[] data, int seq, int heads, int dim, boolean bhsd) {
        return bhsd ? Tensor.bhsd(data, seq, heads, dim) : Tensor.bshd(data, seq, heads, dim);
    }

    private static void copyReference(AttentionSpec s, ReferenceAttention.Result ref, float[] o, float[] lse,
                                      boolean bhsd) {
        int lq = s.queryLength(), h = s.heads(), d = s.valueHeadDim();
        for (int b = 0; b < s.batch(); b++) {
            for (int i = 0; i < lq; i++) {
                for (int head = 0; head < h; head++) {
                    int at = bhsd ? ((b * h + head) * lq + i) * d : ((b * lq + i) * h + head) * d;
                    for (int x = 0; x < d; x++) {
                        o[at + x] = (float) ref.out(b, i, head, x);
                    }
                    lse[(b * h + head) * lq + i] = (float) ref.lse(b, head, i);
                }
            }
        }
    }

    /** Exit 0 when every element is within tolerance, else 1 with the worst position. */
    private int compare(float[] o, FloatArray expected, long[] shape, PrintWriter stdout) {
        float[] e = expected.data();
        double worst = -1;
        int worstAt = 0;
        for (int i = 0; i < o.length; i++) {
            double error = Math.abs((double) o[i] - e[i]) / Math.max(1, Math.abs(e[i]));
            if (Double.isNaN(error)) {
                error = Double.POSITIVE_INFINITY; // a NaN anywhere is the worst mismatch
            }
            if (error > worst) {
                worst = error;
                worstAt = i;
            }
        }
        long[] position = new long[shape.length];
        long rest = worstAt;
        for (int a = shape.length - 1; a >= 0; a--) {
            position[a] = rest % Math.max(1, shape[a]);
            rest /= Math.max(1, shape[a]);
        }
        String where = o.length == 0 ? "" : String.format(Locale.ROOT, " at %s: got %s, expected %s",
                Arrays.toString(position), o[worstAt], e[worstAt]);
        if (worst <= tolerance) {
            stdout.printf(Locale.ROOT, "matches %s: worst error %.3g (tolerance %.3g)%s%n", expect, Math.max(0, worst),
                    tolerance, where);
            stdout.flush();
            return Main.EXIT_OK;
        }
        stdout.printf(Locale.ROOT, "MISMATCH with %s: worst error %.3g > tolerance %.3g%s%n", expect, worst, tolerance,
                where);
        stdout.flush();
        return Main.EXIT_FAILED;
    }
}
