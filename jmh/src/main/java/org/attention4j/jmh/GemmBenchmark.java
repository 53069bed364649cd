package org.attention4j.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.attention4j.layer.Gemm;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * The layer's fp32 GEMM, C = A·B with m = n = k = {@code size}, on 1 or 2 threads; the {@code flops}
 * counter (2·m·n·k per call) divided by {@code FmaPeakBenchmark} of the same run gives % of peak:
 * {@code scripts/bench.sh --jmh 'GemmBenchmark|FmaPeakBenchmark'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"1024"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    private Gemm gemm;
    private float[] a, b, c;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public double flops;
    }

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(1);
        a = new float[size * size];
        b = new float[size * size];
        c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextDouble() - 0.5);
            b[i] = (float) (r.nextDouble() - 0.5);
        }
        gemm = Gemm.create(threads);
        Workload.warmUntilCompiled(() -> gemm.multiply(size, size, size, a, b, c));
    }

    @Benchmark
    public float[] multiply(Work work) {
        gemm.multiply(size, size, size, a, b, c);
        work.flops += 2.0 * size * size * size;
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gemm.close();
    }
}
