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
 * Value heads of their own size (issue 26) at the prefill shape of multi-head latent attention: B = 1,
 * H = 16, n = 4096, query/key heads of 192 and value heads of 128 (DeepSeek), against the same call with
 * D = Dv = 128. The secondary metric {@code flops} is {@code 2·pairs·(D + Dv)} ({@link AttentionSpec#flops});
 * run it with {@code FmaPeakBenchmark.oneThread} (and {@code twoThreads}) so the ratio to the peak is
 * taken in the same run:
 * <pre>java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar 'ValueHeadDimBenchmark|FmaPeak'</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class ValueHeadDimBenchmark {
    /** {@code D/Dv}: MLA's 192/128, and 128/128 as the yardstick. */
    @Param({"192/128", "128/128"})
    public String dims;
    @Param({"4096"})
    public int n;
    @Param({"16"})
    public int heads;
    @Param({"false", "true"})
    public boolean causal;
    @Param({"1"})
    public int threads;

    private Workload workload;
    private AttentionEngine engine;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = dims.split("/");
        AttentionSpec spec = AttentionSpec.builder().length(n).heads(heads).headDim(Integer.parseInt(parts[0]))
                .valueHeadDim(Integer.parseInt(parts[1])).causal(causal).build();
        workload = new Workload(spec, 42);
        engine = Workload.engine(Kernel.VECTOR, threads);
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
