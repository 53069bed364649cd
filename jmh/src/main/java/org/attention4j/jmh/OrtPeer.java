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
import org.attention4j.Tensor;

/**
 * ONNX Runtime running a one-node attention graph ({@link OnnxAttentionGraphs}) on a {@link Workload}'s
 * inputs: the peer every speed claim is a ratio to. Its inputs are the workload's numbers, copied once
 * into direct buffers ORT reads in place; each {@link #run} allocates ORT's output and frees it.
 */
final class OrtPeer implements AutoCloseable {
    /** Both compute in fp32 with different summation orders; 1e-4 of the output's scale is far above that. */
    static final double TOLERANCE = 1e-4;

    private final String name;
    private final Workload workload;
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new HashMap<>();

    OrtPeer(String name, byte[] graph, Workload workload, int threads) throws OrtException {
        this.name = name;
        this.workload = workload;
        try (OrtSession.SessionOptions options = sessionOptions(threads)) {
            session = OrtEnvironment.getEnvironment().createSession(graph, options);
        }
        List<Tensor> qkv = List.of(workload.q, workload.k, workload.v);
        for (int i = 0; i < qkv.size(); i++) {
            inputs.put(OnnxAttentionGraphs.INPUTS.get(i), input(qkv.get(i)));
        }
    }

    /**
     * {@code threads} intra-op threads (the calling thread plus threads − 1 in ORT's pool, like the
     * engine's caller plus threads − 1 workers), one inter-op thread and sequential execution (a one-node
     * graph has nothing to run in parallel), all graph optimizations. ORT's default pool spinning stays
     * on: it is what a user gets, and it helps ORT between back-to-back calls.
     */
    private static OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return options;
    }

    /** The tensor's numbers as [B, S, H·D] over a direct native-order buffer, which ORT reads in place. */
    private OnnxTensor input(Tensor t) throws OrtException {
        float[] data = t.array();
        FloatBuffer buffer = ByteBuffer.allocateDirect(data.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer().put(data).flip();
        long rows = data.length / (t.seqStride() * workload.spec.batch());
        long[] shape = {workload.spec.batch(), rows, t.seqStride()};
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), buffer, shape);
    }

    /**
     * Throws unless ORT's output is within {@value #TOLERANCE} × max |expected| of {@code expected} (the
     * engine's output, itself checked against the float64 reference): a mis-wired peer is never timed.
     * Returns a line stating the difference.
     */
    String check(float[] expected) throws OrtException {
        return check(expected, TOLERANCE);
    }

    /** {@link #check(float[])} within {@code tolerance} × max |expected| (tests hold ORT to 1e-5). */
    String check(float[] expected, double tolerance) throws OrtException {
        double maxOut = 0, maxDiff = 0;
        int worst = 0;
        try (OrtSession.Result result = session.run(inputs)) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            if (out.remaining() != expected.length) {
                throw new IllegalStateException(name + " returned " + out.remaining() + " floats, expected "
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
        int rowLength = workload.spec.heads() * workload.spec.valueHeadDim(); // the output's rows
        String where = "query " + worst / rowLength + ", head " + worst % rowLength / workload.spec.valueHeadDim();
        if (!(maxDiff <= tolerance * maxOut)) { // also throws on NaN
            throw new IllegalStateException(name + " disagrees with attention4j on " + workload.spec
                    + ": max |diff| " + maxDiff + " (" + where + ") > " + tolerance + " × max |out| " + maxOut);
        }
        return String.format("%s vs attention4j on %s: max |diff| %.3g (%s), max |out| %.3g", name, workload.spec,
                maxDiff, where, maxOut);
    }

    /** One ORT call; the output tensor it allocates is part of its cost, and freed here. */
    Object run() {
        try (OrtSession.Result result = session.run(inputs)) {
            return result;
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws OrtException {
        for (OnnxTensor input : inputs.values()) {
            input.close();
        }
        session.close();
    }
}
