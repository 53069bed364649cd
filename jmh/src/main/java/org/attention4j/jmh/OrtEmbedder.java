package org.attention4j.jmh;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The peer as LangChain4j's in-process models run it, with the thread count under our control: DJL's
 * Hugging Face tokenizer, one ONNX Runtime {@code session.run} per text (batch 1, no padding), mean
 * pooling over the tokens and L2 normalization in Java. {@code threads} intra-op threads, all graph
 * optimizations.
 */
final class OrtEmbedder implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final OrtSession session;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    OrtEmbedder(Path model, Path tokenizerJson, int threads, int maxLength) throws IOException, OrtException {
        tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("padding", "false", "truncation", "true",
                "maxLength", "" + maxLength));
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model.toString(), options);
        }
    }

    float[][] embed(List<String> texts) throws OrtException {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = embed(texts.get(i));
        }
        return out;
    }

    float[] embed(String text) throws OrtException {
        Encoding e = tokenizer.encode(text);
        long[] shape = {1, e.getIds().length};
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getIds()), shape);
             OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getAttentionMask()), shape);
             OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getTypeIds()), shape);
             OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                     "token_type_ids", types))) {
            float[][] states = ((float[][][]) result.get(0).getValue())[0];
            float[] v = new float[states[0].length];
            for (float[] row : states) {
                for (int j = 0; j < v.length; j++) {
                    v[j] += row[j];
                }
            }
            double norm = 0;
            for (int j = 0; j < v.length; j++) {
                v[j] /= states.length;
                norm += v[j] * v[j];
            }
            for (int j = 0; j < v.length; j++) {
                v[j] /= (float) Math.sqrt(norm);
            }
            return v;
        }
    }

    int tokens(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    @Override
    public void close() throws OrtException {
        session.close();
        tokenizer.close();
    }
}
