package org.attention4j.jmh;

import java.util.concurrent.TimeUnit;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.attention4j.layer.linear.ApproximateAttention;
import org.attention4j.layer.linear.LinformerAttention;
import org.attention4j.layer.linear.PerformerAttention;
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
 * Linear attention (issue #8) against the exact flash kernel, one forward call: B = 1, H = 8, D = 64,
 * self-attention of length n, 1 thread. {@code method} is {@code flash}, {@code performer-<m>} or
 * {@code linformer-<k_proj>}; {@code causal} applies to flash and the Performer (Linformer rejects it,
 * that pair is skipped). Exact attention grows like n², the approximations like n:
 * {@code scripts/bench.sh --jmh LinearAttentionBenchmark}. Their error is not timed here; see
 * {@code LinearAttentionErrorTable}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class LinearAttentionBenchmark {
    @Param({"1024", "4096", "16384"})
    public int n;
    @Param({"flash", "performer-256", "linformer-256"})
    public String method;
    @Param({"false", "true"})
    public boolean causal;

    private Workload workload;
    private AttentionEngine engine;
    private ApproximateAttention approximation;
    private AutoCloseable closeable;

    @Setup(Level.Trial)
    public void setUp() {
        workload = new Workload(AttentionSpec.of(1, n, 8, 64, causal), 42);
        if (method.equals("flash")) {
            engine = Workload.engine(Kernel.VECTOR, 1);
            workload.verify(engine, 4); // a wrong kernel is never timed
            closeable = engine;
            workload.warm(engine);
            return;
        }
        int size = Integer.parseInt(method.substring(method.indexOf('-') + 1));
        if (method.startsWith("performer-")) {
            PerformerAttention performer = PerformerAttention.create(size, 64, 1);
            approximation = performer;
            closeable = performer;
        } else if (method.startsWith("linformer-")) {
            if (causal) {
                throw new IllegalStateException("Linformer cannot be causal: skipping this pair");
            }
            LinformerAttention linformer = LinformerAttention.create(size, n,
                    LinformerAttention.randomProjection(size, n, 1), LinformerAttention.randomProjection(size, n, 2));
            approximation = linformer;
            closeable = linformer;
        } else {
            throw new IllegalArgumentException("method = " + method + ": expected flash, performer-<m> or linformer-<k>");
        }
        approximation.forward(workload.spec, workload.q, workload.k, workload.v, workload.out);
        if (!Float.isFinite(workload.out.get(0, n - 1, 7, 63))) {
            throw new IllegalStateException(method + " wrote a non-finite output");
        }
        Workload.warmUntilCompiled(() -> approximation.forward(workload.spec, workload.q, workload.k, workload.v,
                workload.out));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        closeable.close();
    }

    @Benchmark
    public Object forward() {
        if (engine != null) {
            engine.forward(workload.spec, workload.q, workload.k, workload.v, workload.out);
        } else {
            approximation.forward(workload.spec, workload.q, workload.k, workload.v, workload.out);
        }
        return workload.out;
    }
}
