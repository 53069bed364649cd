package org.attention4j.jmh;

import java.util.concurrent.TimeUnit;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
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
 * One forward call of the engine: B = 1, H = 8 (MHA), self-attention of length n. The secondary
 * metric {@code flops} is the useful work rate: 2·(D + Dv) per unmasked query–key pair
 * (AttentionSpec#flops), so causal rows count only the pairs the mask keeps. Scalar is slow: keep it to
 * small n. Multi-head latent attention's prefill (value heads of their own size, issue 26), with the
 * peak in the same run:
 * {@code scripts/bench.sh --jmh 'ForwardBenchmark.forward|FmaPeakBenchmark.oneThread' -p n=4096 -p heads=16
 * -p headDim=192,128 -p valueHeadDim=128 -p threads=1} (or {@code ValueHeadDimRace}: both in one JVM).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class ForwardBenchmark {
    @Param({"512", "1024", "2048", "4096", "8192", "3000"})
    public int n;
    @Param({"64", "128"})
    public int headDim;
    /** Value head size; 0 means {@code headDim}. */
    @Param({"0"})
    public int valueHeadDim;
    @Param({"8"})
    public int heads;
    @Param({"false", "true"})
    public boolean causal;
    @Param({"1", "2"})
    public int threads;
    @Param({"VECTOR"})
    public Kernel kernel;

    private Workload workload;
    private AttentionEngine engine;

    @Setup(Level.Trial)
    public void setUp() {
        workload = new Workload(AttentionSpec.builder().length(n).heads(heads).headDim(headDim)
                .valueHeadDim(valueHeadDim == 0 ? headDim : valueHeadDim).causal(causal).build(), 42);
        engine = Workload.engine(kernel, threads);
        workload.verify(engine, 4); // a wrong kernel is never timed
        workload.warm(engine);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    /** Counts the useful FLOPs, so JMH reports them as a rate next to calls per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public double flops;
    }

    @Benchmark
    public Object forward(Work work) {
        engine.forward(workload.spec, workload.q, workload.k, workload.v, workload.out);
        work.flops += workload.spec.flops();
        return workload.out;
    }
}
