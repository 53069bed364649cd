package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.attention4j.reference.ReferenceAttention;

/** Shared by the engine tests: seeded inputs in every layout and storage, and the reference check. */
@SuppressWarnings("exports") // compare takes the oracle's result; the reference package is not exported to all
public final class TestSupport {
    /** Pass rule of the issue: max |O − O_ref| / (max |O_ref| + 1e-6) per (b, h), and LSE, both ≤ 1e-5. */
    public static final double TOLERANCE = 1e-5;

    /**
     * For ×10 ("peaky") inputs the rule is 1e-4. The scores then reach a few hundred, and a float32
     * score of 300 is itself only defined to ±1.5e-5 (half an ulp), before any arithmetic: every
     * float32 kernel (ours, PyTorch's, ONNX Runtime's) moves the softmax weights, and so O, by a few
     * 1e-5 there (we see up to 3.4e-5 on both kernels). 1e-5 would test float32, not the kernel.
     */
    public static final double PEAKY_TOLERANCE = 1e-4;

    public static double tolerance(Case c) {
        return c.inputScale() > 1 ? PEAKY_TOLERANCE : TOLERANCE;
    }

    private TestSupport() {}

    public enum Layout { BSHD, BHSD }

    public enum Storage { ARRAY, HEAP_SEGMENT, NATIVE_SEGMENT }

    /** One test problem: spec plus how its tensors are laid out and stored. */
    public record Case(AttentionSpec spec, Layout layout, Storage storage, boolean withLse, float inputScale,
                       long seed) {
        @Override
        public String toString() {
            return "B" + spec.batch() + " Lq" + spec.queryLength() + " Lk" + spec.keyLength() + " H" + spec.heads()
                    + "/" + spec.kvHeads() + " D" + spec.headDim()
                    + (spec.valueHeadDim() != spec.headDim() ? " Dv" + spec.valueHeadDim() : "") + (spec.causal() ? " causal" : "") + " " + layout
                    + " " + storage + (withLse ? " +lse" : "") + (inputScale != 1f ? " x" + inputScale : "");
        }
    }

    /** Tensors of one case; {@code out} and {@code lse} are pre-filled with NaN so unwritten rows show. */
    public static final class Problem {
        public final Case c;
        public final Tensor q, k, v, out, lse;

        Problem(Case c, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse) {
            this.c = c;
            this.q = q;
            this.k = k;
            this.v = v;
            this.out = out;
            this.lse = lse;
        }
    }

    public static Problem problem(Case c) {
        AttentionSpec s = c.spec();
        SplittableRandom random = new SplittableRandom(c.seed());
        Tensor q = tensor(c, s.queryLength(), s.heads(), s.headDim(), random, c.inputScale());
        Tensor k = tensor(c, s.keyLength(), s.kvHeads(), s.headDim(), random, c.inputScale());
        Tensor v = tensor(c, s.keyLength(), s.kvHeads(), s.valueHeadDim(), random, 1f);
        Tensor out = tensor(c, s.queryLength(), s.heads(), s.valueHeadDim(), null, Float.NaN);
        Tensor lse = null;
        if (c.withLse()) {
            int n = s.batch() * s.heads() * s.queryLength();
            lse = Tensor.lse(fill(segment(c.storage(), n), null, Float.NaN), s.heads(), s.queryLength());
        }
        return new Problem(c, q, k, v, out, lse);
    }

    private static Tensor tensor(Case c, int seq, int heads, int d, SplittableRandom random, float scale) {
        int n = c.spec().batch() * seq * heads * d;
        MemorySegment data = fill(segment(c.storage(), n), random, scale);
        if (c.storage() == Storage.ARRAY) {
            float[] array = data.toArray(ValueLayout.JAVA_FLOAT);
            return c.layout() == Layout.BSHD ? Tensor.bshd(array, seq, heads, d) : Tensor.bhsd(array, seq, heads, d);
        }
        return c.layout() == Layout.BSHD ? Tensor.bshd(data, seq, heads, d) : Tensor.bhsd(data, seq, heads, d);
    }

    private static MemorySegment segment(Storage storage, int floats) {
        return switch (storage) {
            case ARRAY, HEAP_SEGMENT -> MemorySegment.ofArray(new float[floats]);
            case NATIVE_SEGMENT -> Arena.ofAuto().allocate((long) floats * Float.BYTES, 64);
        };
    }

    /** N(0,1)·scale when random is set, else the constant {@code scale}. */
    private static MemorySegment fill(MemorySegment segment, SplittableRandom random, float scale) {
        long n = segment.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            float value = random == null ? scale : (float) (gaussian(random) * scale);
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, value);
        }
        return segment;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble(Double.MIN_VALUE, 1.0);
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** Runs {@code engine} on the case and checks it against the float64 reference; returns the worst error. */
    public static double checkAgainstReference(AttentionEngine engine, Case c) {
        Problem p = problem(c);
        engine.forward(c.spec(), p.q, p.k, p.v, p.out, p.lse);
        return compare(p, ReferenceAttention.compute(c.spec(), p.q, p.k, p.v));
    }

    /** As {@link #checkAgainstReference(AttentionEngine, Case)} under a call's masks. */
    public static double checkAgainstReference(AttentionEngine engine, Case c, AttentionMask mask) {
        Problem p = problem(c);
        engine.forward(c.spec(), p.q, p.k, p.v, p.out, p.lse, mask, Long.MAX_VALUE);
        return compare(p, ReferenceAttention.compute(c.spec(), mask, p.q, p.k, p.v));
    }

    /**
     * Asserts the pass rule per (b, h); the LSE error is taken relative to max(1, |LSE|) (a float32 LSE of
     * a few hundred has an ulp above 1e-5). Returns the worst relative error seen.
     */
    public static double compare(Problem p, ReferenceAttention.Result ref) {
        AttentionSpec s = p.c.spec();
        double worst = 0;
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                double maxRef = 0, maxDiff = 0;
                for (int i = 0; i < s.queryLength(); i++) {
                    for (int d = 0; d < s.valueHeadDim(); d++) {
                        float got = p.out.get(b, i, h, d);
                        if (!Float.isFinite(got)) {
                            fail(p.c + ": out[" + b + "," + i + "," + h + "," + d + "] = " + got);
                        }
                        maxRef = Math.max(maxRef, Math.abs(ref.out(b, i, h, d)));
                        maxDiff = Math.max(maxDiff, Math.abs(got - ref.out(b, i, h, d)));
                    }
                    if (p.lse != null) {
                        worst = Math.max(worst, checkLse(p, ref, b, h, i));
                    }
                }
                double relative = maxDiff / (maxRef + 1e-6);
                assertTrue(relative <= tolerance(p.c), p.c + ": (b,h)=(" + b + "," + h + ") relative error " + relative);
                worst = Math.max(worst, relative);
            }
        }
        return worst;
    }

    private static double checkLse(Problem p, ReferenceAttention.Result ref, int b, int h, int i) {
        double expected = ref.lse(b, h, i);
        float got = p.lse.get(b, i, h, 0);
        if (expected == Double.NEGATIVE_INFINITY) {
            assertEquals(Float.NEGATIVE_INFINITY, got, p.c + ": lse of a fully masked row");
            return 0;
        }
        double error = Math.abs(got - expected);
        assertTrue(error <= tolerance(p.c) * Math.max(1, Math.abs(expected)), p.c + ": lse[" + b + "," + h + "," + i
                + "] = " + got + ", expected " + expected);
        return error / Math.max(1, Math.abs(expected));
    }

    /** Engines for every kernel this JVM can run (vector only with the incubator module). */
    public static Kernel[] kernels() {
        return org.attention4j.kernel.KernelProvider.vectorAvailable()
                ? new Kernel[] {Kernel.VECTOR, Kernel.SCALAR} : new Kernel[] {Kernel.SCALAR};
    }
}
