package org.attention4j.jmh;

import java.util.concurrent.TimeUnit;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
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
 * Issue #7's sliding-window rate: causal attention with a window of {@code window} keys
 * ({@code window(window − 1, 0)}, Mistral's band) against full causal ({@code window = 0}), B = 1, H = 8,
 * BSHD. The {@code flops} counter counts only the pairs the band keeps, so the two rows' GFLOP/s are
 * the useful-pair rates the issue compares (target: band ≥ 0.85 × full causal at n = 4096). Run:
 * {@code scripts/bench.sh --jmh WindowBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class WindowBenchmark {
    @Param({"4096"})
    public int n;
    @Param({"64"})
    public int headDim;
    /** Keys each query sees (itself and the window − 1 before it); 0: full causal. */
    @Param({"0", "512"})
    public int window;
    @Param({"1", "2"})
    public int threads;

    private Workload workload;
    private AttentionEngine engine;

    @Setup(Level.Trial)
    public void setUp() {
        AttentionSpec.Builder spec = AttentionSpec.builder().length(n).heads(8).headDim(headDim).causal(true);
        if (window > 0) {
            spec.window(window - 1, 0);
        }
        workload = new Workload(spec.build(), 42);
        engine = Workload.engine(Kernel.VECTOR, threads);
        workload.verify(engine, 4); // a wrong kernel is never timed
        workload.warm(engine);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public Object forward(ForwardBenchmark.Work work) {
        engine.forward(workload.spec, workload.q, workload.k, workload.v, workload.out);
        work.flops += workload.spec.flops();
        return workload.out;
    }
}
