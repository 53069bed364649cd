package org.attention4j.jmh;

import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.attention4j.AttentionEngine;
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
 * What the per-call JFR event costs: a short call (n = 128, so a fixed cost would show) with the
 * {@code org.attention4j.Forward} event recorded or not. Run:
 * {@code scripts/bench.sh --jmh JfrOverheadBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class JfrOverheadBenchmark {
    @Param({"false", "true"})
    public boolean jfr;

    private AttentionEngine engine;
    private AttentionSpec spec;
    private Tensor q, out;
    private Recording recording;

    @Setup(Level.Trial)
    public void setUp() {
        spec = AttentionSpec.builder().length(128).heads(4).headDim(64).build();
        int n = Tensor.elements(1, 128, 4, 64);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        q = Tensor.bshd(x, 128, 4, 64);
        out = Tensor.bshd(new float[n], 128, 4, 64);
        engine = AttentionEngine.create(1);
        if (jfr) {
            recording = new Recording();
            recording.enable("org.attention4j.Forward");
            recording.start();
        }
    }

    @Benchmark
    public Tensor forward() {
        engine.forward(spec, q, q, q, out);
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (recording != null) {
            recording.stop();
            recording.close();
        }
        engine.close();
    }
}
