package org.attention4j.jmh;

import java.util.concurrent.TimeUnit;
import org.attention4j.Kernel;
import org.attention4j.bench.FmaPeak;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's fp32 FMA peak from Java, on the widest vectors the engine uses (12 independent
 * accumulator chains, engine's own calibration loop), 1 and 2 threads: the denominator of "% of peak",
 * measured in the same run as the kernels.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class FmaPeakBenchmark {
    private static final long ITERATIONS = 100_000;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public double flops;
    }

    @Benchmark
    @Threads(1)
    public float oneThread(Work work) {
        return chains(work);
    }

    @Benchmark
    @Threads(2)
    public float twoThreads(Work work) {
        return chains(work);
    }

    private static float chains(Work work) {
        float result = FmaPeak.chains(Kernel.VECTOR, ITERATIONS);
        work.flops += (double) ITERATIONS * FmaPeak.flopsPerIteration(Kernel.VECTOR);
        return result;
    }
}
