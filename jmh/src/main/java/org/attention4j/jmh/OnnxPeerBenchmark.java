package org.attention4j.jmh;

import ai.onnxruntime.OrtException;
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
 * The engine and ONNX Runtime side by side, same run, same inputs: one forward call of B = 1, H = 8
 * self-attention of length n, BSHD, seeded like {@link ForwardBenchmark}. {@code peer} picks who
 * computes it: the engine, ORT's contrib {@code com.microsoft:MultiHeadAttention}, or the standard
 * {@code Attention} of opset 23 (one-node graphs from {@link OnnxAttentionGraphs}, both fed the BSHD
 * arrays as [B, S, H·D] without a transpose). The {@code flops} counter is ForwardBenchmark's (useful
 * FLOPs, {@code spec.flops()}), so each peer's GFLOP/s and their ratio read off one JMH table.
 *
 * <p>Each trial first checks the engine against the float64 reference ({@link Workload#verify}), then
 * an ORT peer against the engine's whole output: max |ORT − engine| must stay within
 * {@value OrtPeer#TOLERANCE} × max |engine output|, else the trial throws and the peer is never timed. Every
 * param combination runs on ORT 1.29.0's CPU provider (MultiHeadAttention is causal through
 * {@code unidirectional = 1}); a combination ORT refused would fail its setup with ORT's message, never
 * print a number. Run: {@code scripts/bench.sh --jmh OnnxPeerBenchmark -p n=4096 -p headDim=64}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// ORT loads its JNI library with System.load: allowed, but JDK 25 warns about it without the last flag
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g", "--enable-native-access=ALL-UNNAMED"})
public class OnnxPeerBenchmark {
    public enum Peer { ATTENTION4J, ORT_MHA, ORT_ATTENTION23 }

    @Param({"1024", "4096", "8192", "3000"})
    public int n;
    @Param({"64", "128"})
    public int headDim;
    /** Value head size; 0 means {@code headDim} (e.g. {@code -p headDim=192 -p valueHeadDim=128}: MLA). */
    @Param({"0"})
    public int valueHeadDim;
    @Param({"false", "true"})
    public boolean causal;
    @Param({"1", "2"})
    public int threads;
    @Param({"ATTENTION4J", "ORT_MHA", "ORT_ATTENTION23"})
    public Peer peer;

    private Workload workload;
    private AttentionEngine engine;          // null for an ORT peer once it has been checked
    private OrtPeer ort;                     // null for ATTENTION4J

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        workload = new Workload(AttentionSpec.builder().length(n).heads(8).headDim(headDim)
                .valueHeadDim(valueHeadDim == 0 ? headDim : valueHeadDim).causal(causal).build(), 42);
        engine = Workload.engine(Kernel.VECTOR, threads);
        workload.verify(engine, 4); // the engine's output is the yardstick: it must be right first
        if (peer == Peer.ATTENTION4J) {
            workload.warm(engine);
            return;
        }
        float[] expected = workload.out.array().clone();
        engine.close();
        engine = null;
        byte[] graph = peer == Peer.ORT_MHA
                ? OnnxAttentionGraphs.multiHeadAttention(workload.spec)
                : OnnxAttentionGraphs.attention23(workload.spec);
        ort = new OrtPeer(peer.name(), graph, workload, threads);
        System.out.println(ort.check(expected)); // a wrong or mis-wired peer is never timed
        Workload.warmUntilCompiled(ort::run);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (ort != null) {
            ort.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Benchmark
    public Object forward(ForwardBenchmark.Work work) {
        Object result;
        if (ort == null) {
            engine.forward(workload.spec, workload.q, workload.k, workload.v, workload.out);
            result = workload.out;
        } else {
            result = ort.run();
        }
        work.flops += workload.spec.flops();
        return result;
    }
}
