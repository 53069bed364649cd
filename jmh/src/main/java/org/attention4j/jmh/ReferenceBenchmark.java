package org.attention4j.jmh;

import java.util.concurrent.TimeUnit;
import org.attention4j.AttentionSpec;
import org.attention4j.reference.ReferenceAttention;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The float64 reference, for scale: small n only (it is O(n²·D) with no tiling or SIMD). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ReferenceBenchmark {
    @Param({"512"})
    public int n;
    @Param({"64"})
    public int headDim;

    private Workload workload;

    @Setup
    public void setUp() {
        workload = new Workload(AttentionSpec.of(1, n, 8, headDim, false), 42);
    }

    @Benchmark
    public Object reference() {
        return ReferenceAttention.compute(workload.spec, workload.q, workload.k, workload.v);
    }
}
