package org.attention4j.jmh;

import java.time.Duration;
import java.util.SplittableRandom;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.attention4j.Tensor;
import org.attention4j.internal.JitQuiet;
import org.attention4j.internal.SeededFloats;
import org.attention4j.reference.ReferenceAttention;

/** Seeded BSHD inputs for one spec, and the pre-timing check that a kernel's output is right. */
final class Workload {
    final AttentionSpec spec;
    final Tensor q, k, v, out;
    private final float[] outData;

    Workload(AttentionSpec spec, long seed) {
        this.spec = spec;
        int n = spec.queryLength(), h = spec.heads(), d = spec.headDim(), dv = spec.valueHeadDim();
        SplittableRandom random = new SplittableRandom(seed);
        q = Tensor.bshd(SeededFloats.gaussian(Tensor.elements(spec.batch(), n, h, d), random), n, h, d);
        k = Tensor.bshd(SeededFloats.gaussian(Tensor.elements(spec.batch(), spec.keyLength(), spec.kvHeads(), d), random),
                spec.keyLength(), spec.kvHeads(), d);
        v = Tensor.bshd(SeededFloats.gaussian(Tensor.elements(spec.batch(), spec.keyLength(), spec.kvHeads(), dv), random),
                spec.keyLength(), spec.kvHeads(), dv);
        outData = new float[Tensor.elements(spec.batch(), n, h, dv)];
        out = Tensor.bshd(outData, n, h, dv);
    }

    /**
     * Runs {@code engine} once and compares its last {@code rows} query rows with the float64 reference,
     * computed on a view of just those rows (bottom-right causal alignment makes that the same problem),
     * so the check stays cheap at n = 8192. Throws if the kernel is wrong: nothing gets timed then.
     */
    void verify(AttentionEngine engine, int rows) {
        engine.forward(spec, q, k, v, out);
        int n = spec.queryLength(), h = spec.heads(), d = spec.headDim(), dv = spec.valueHeadDim();
        int first = n - Math.min(rows, n);
        AttentionSpec tail = spec.toBuilder().queryLength(n - first).build();
        Tensor tailQ = Tensor.of(qData(), (long) first * h * d, 0, (long) h * d, d);
        ReferenceAttention.Result ref = ReferenceAttention.compute(tail, tailQ, k, v);
        double maxRef = 0, maxDiff = 0;
        for (int i = 0; i < tail.queryLength(); i++) {
            for (int head = 0; head < h; head++) {
                for (int x = 0; x < dv; x++) {
                    double expected = ref.out(0, i, head, x);
                    maxRef = Math.max(maxRef, Math.abs(expected));
                    maxDiff = Math.max(maxDiff, Math.abs(out.get(0, first + i, head, x) - expected));
                }
            }
        }
        if (maxDiff / (maxRef + 1e-6) > 1e-5) {
            throw new IllegalStateException(engine.kernelName() + " disagrees with the reference on " + spec
                    + ": relative error " + maxDiff / (maxRef + 1e-6));
        }
    }

    /**
     * Warms {@code engine} up on this spec until C2 is done with it ({@link AttentionEngine#warmUp}: at
     * least 1 s, then until the JIT has been idle for 0.3 s, at most 4 s), so JMH's own warm-up
     * iterations start from compiled code: on a busy machine they could end while the kernel still ran
     * C1 code, 3–45× slower.
     */
    void warm(AttentionEngine engine) {
        engine.warmUp(Duration.ofSeconds(1), spec);
    }

    /**
     * The same rule for any benchmark body: runs {@code call} for at least 1 s, then until the JIT has
     * been idle for 0.3 s, at most 4 s ({@link JitQuiet#stillWarming}), before JMH's own warm-up.
     */
    static void warmUntilCompiled(Runnable call) {
        JitQuiet.runUntilCompiled(call, 1, 1_000_000_000L, 4_000_000_000L, 300_000_000L);
    }

    private float[] qData() {
        return (float[]) q.segment().heapBase().orElseThrow();
    }

    static AttentionEngine engine(Kernel kernel, int threads) {
        return AttentionEngine.builder().kernel(kernel).threads(threads).build();
    }
}
