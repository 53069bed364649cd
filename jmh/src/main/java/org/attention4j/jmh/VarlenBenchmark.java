package org.attention4j.jmh;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A batch of 8 sequences of random lengths in 64..4096 (seeded; H = 8, D = 64, causal), computed packed
 * ({@code forwardVarlen}: each sequence attends within itself) or padded to the longest (batch 8 ×
 * max length, padded keys masked out, padded query rows computed and thrown away, as a padded batch
 * does). The setup prints both pair counts: the times should be in their proportion. Run:
 * {@code scripts/bench.sh --jmh VarlenBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class VarlenBenchmark {
    private static final int SEQUENCES = 8, HEADS = 8, DIM = 64;

    @Param({"packed", "padded"})
    public String mode;

    @Param({"1"})
    public int threads;

    private AttentionEngine engine;
    private AttentionSpec spec;
    private AttentionMask padding;
    private int[] offsets;
    private Tensor q, k, v, out;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        int[] lengths = new int[SEQUENCES];
        offsets = new int[SEQUENCES + 1];
        for (int s = 0; s < SEQUENCES; s++) {
            lengths[s] = 64 + random.nextInt(4096 - 64 + 1);
            offsets[s + 1] = offsets[s] + lengths[s];
        }
        int longest = Arrays.stream(lengths).max().orElseThrow();
        engine = AttentionEngine.create(threads);
        if (mode.equals("packed")) {
            spec = AttentionSpec.builder().length(offsets[SEQUENCES]).heads(HEADS).headDim(DIM).causal(true).build();
            long pairs = 0;
            for (int n : lengths) {
                pairs += (long) n * (n + 1) / 2 * HEADS;
            }
            System.out.printf("%nvarlen: lengths %s, %d tokens, %d useful pairs%n", Arrays.toString(lengths),
                    offsets[SEQUENCES], pairs);
        } else {
            spec = AttentionSpec.builder().batch(SEQUENCES).length(longest).heads(HEADS).headDim(DIM).causal(true).build();
            padding = AttentionMask.keyLengths(lengths, longest);
            System.out.printf("%npadded: %d × %d tokens, %d pairs visible through the padding mask, %d without it%n",
                    SEQUENCES, longest, spec.visiblePairs(padding), spec.visiblePairs());
        }
        int tokens = spec.batch() * spec.queryLength();
        float[] x = new float[tokens * HEADS * DIM];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        q = Tensor.bshd(x, spec.queryLength(), HEADS, DIM);
        k = q;
        v = q;
        out = Tensor.bshd(new float[x.length], spec.queryLength(), HEADS, DIM);
        Workload.warmUntilCompiled(this::forward);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public Tensor forward() {
        if (padding == null) {
            engine.forwardVarlen(spec, offsets, offsets, q, k, v, out, null);
        } else {
            engine.forward(spec, q, k, v, out, padding);
        }
        return out;
    }
}
