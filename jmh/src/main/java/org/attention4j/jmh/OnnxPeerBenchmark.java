package org.attention4j.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
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
 * The engine and ONNX Runtime side by side, same run, same inputs: one forward call of B = 1, H = 8
 * self-attention of length n, BSHD, seeded like {@link ForwardBenchmark}. {@code peer} picks who
 * computes it: the engine, ORT's contrib {@code com.microsoft:MultiHeadAttention}, or the standard
 * {@code Attention} of opset 23 (one-node graphs from {@link OnnxAttentionGraphs}, both fed the BSHD
 * arrays as [B, S, H·D] without a transpose). The {@code flops} counter is ForwardBenchmark's (useful
 * FLOPs, {@code spec.flops()}), so each peer's GFLOP/s and their ratio read off one JMH table.
 *
 * <p>Each trial first checks the engine against the float64 reference ({@link Workload#verify}), then
 * an ORT peer against the engine's whole output: max |ORT − engine| must stay within
 * {@value #TOLERANCE} × max |engine output|, else the trial throws and the peer is never timed. Every
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
    /** Both compute in fp32 with different summation orders; 1e-4 of the output's scale is far above that. */
    static final double TOLERANCE = 1e-4;

    public enum Peer { ATTENTION4J, ORT_MHA, ORT_ATTENTION23 }

    @Param({"1024", "4096", "8192", "3000"})
    public int n;
    @Param({"64", "128"})
    public int headDim;
    @Param({"false", "true"})
    public boolean causal;
    @Param({"1", "2"})
    public int threads;
    @Param({"ATTENTION4J", "ORT_MHA", "ORT_ATTENTION23"})
    public Peer peer;

    private Workload workload;
    private AttentionEngine engine;          // null for an ORT peer once it has been checked
    private OrtSession session;              // null for ATTENTION4J
    private final Map<String, OnnxTensor> inputs = new HashMap<>();

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        workload = new Workload(AttentionSpec.of(1, n, 8, headDim, causal), 42);
        engine = Workload.engine(Kernel.VECTOR, threads);
        workload.verify(engine, 4); // the engine's output is the yardstick: it must be right first
        if (peer == Peer.ATTENTION4J) {
            workload.warm(engine);
            return;
        }
        float[] expected = workload.out.array().clone();
        engine.close();
        engine = null;
        try (OrtSession.SessionOptions options = sessionOptions()) {
            session = OrtEnvironment.getEnvironment().createSession(graph(), options);
        }
        List<Tensor> qkv = List.of(workload.q, workload.k, workload.v);
        for (int i = 0; i < qkv.size(); i++) {
            inputs.put(OnnxAttentionGraphs.INPUTS.get(i), ortInput(qkv.get(i)));
        }
        check(expected); // a wrong or mis-wired peer is never timed
        Workload.warmUntilCompiled(this::runOrt);
    }

    private byte[] graph() {
        return peer == Peer.ORT_MHA
                ? OnnxAttentionGraphs.multiHeadAttention(workload.spec)
                : OnnxAttentionGraphs.attention23(workload.spec);
    }

    /**
     * {@code threads} intra-op threads (the calling thread plus threads − 1 in ORT's pool, like the
     * engine's caller plus threads − 1 workers), one inter-op thread and sequential execution (a one-node graph has
     * nothing to run in parallel), all graph optimizations. ORT's default pool spinning stays on: it is
     * what a user gets, and it helps ORT between back-to-back calls.
     */
    private OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return options;
    }

    /**
     * The same numbers as the engine's input, as [B, S, H·D] over a direct native-order buffer, which
     * ORT reads in place: converting inputs is not part of a timed call.
     */
    private OnnxTensor ortInput(Tensor t) throws OrtException {
        float[] data = t.array();
        FloatBuffer buffer = ByteBuffer.allocateDirect(data.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer().put(data).flip();
        long rows = data.length / (t.seqStride() * workload.spec.batch());
        long[] shape = {workload.spec.batch(), rows, t.seqStride()};
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), buffer, shape);
    }

    private void check(float[] expected) throws OrtException {
        double maxOut = 0, maxDiff = 0;
        int worst = 0;
        try (OrtSession.Result result = session.run(inputs)) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            if (out.remaining() != expected.length) {
                throw new IllegalStateException(peer + " returned " + out.remaining() + " floats, expected "
                        + expected.length);
            }
            for (int i = 0; i < expected.length; i++) {
                maxOut = Math.max(maxOut, Math.abs(expected[i]));
                double diff = Math.abs(out.get(i) - expected[i]);
                if (diff > maxDiff) {
                    maxDiff = diff;
                    worst = i;
                }
            }
        }
        int rowLength = workload.spec.heads() * headDim;
        String where = "query " + worst / rowLength + ", head " + worst % rowLength / headDim;
        System.out.printf("%s vs attention4j on %s: max |diff| %.3g (%s), max |out| %.3g%n", peer, workload.spec,
                maxDiff, where, maxOut);
        if (!(maxDiff <= TOLERANCE * maxOut)) { // also throws on NaN
            throw new IllegalStateException(peer + " disagrees with attention4j on " + workload.spec
                    + ": max |diff| " + maxDiff + " (" + where + ") > " + TOLERANCE + " × max |out| " + maxOut);
        }
    }

    /** One ORT call; the output tensor it allocates is part of its cost, and freed here. */
    private Object runOrt() {
        try (OrtSession.Result result = session.run(inputs)) {
            return result;
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        for (OnnxTensor input : inputs.values()) {
            input.close();
        }
        if (session != null) {
            session.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Benchmark
    public Object forward(ForwardBenchmark.Work work) {
        Object result;
        if (session == null) {
            engine.forward(workload.spec, workload.q, workload.k, workload.v, workload.out);
            result = workload.out;
        } else {
            result = runOrt();
        }
        work.flops += workload.spec.flops();
        return result;
    }
}
