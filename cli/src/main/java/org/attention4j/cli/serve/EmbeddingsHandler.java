package org.attention4j.cli.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.attention4j.model.SentenceEmbedder;

/**
 * {@code POST /v1/embeddings}, in the shape of OpenAI's embeddings API so that its clients work
 * unchanged:
 * <pre>
 *   {"input": "text" | ["a", "b"], "model": "any (echoed)", "encoding_format": "float" | "base64"}
 *   → {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.01, ...]}, ...],
 *      "model": "...", "usage": {"prompt_tokens": N, "total_tokens": N}}
 * </pre>
 * {@code base64} is each vector's little-endian float32 bytes, base64-encoded (as OpenAI sends them);
 * tokens are counted after truncation, [CLS] and [SEP] included. Statuses: 404 without a model, 405 for
 * a method but POST, 413 for a body over the limit, 400 for a request {@link EmbeddingsRequest} refuses,
 * 429 when the {@link ModelQueue} is full; each with a one-line JSON error.
 */
final class EmbeddingsHandler {
    private static final JsonFactory JSON = new JsonFactory();

    private final SentenceEmbedder embedder;
    private final String modelName;
    private final ModelQueue queue;
    private final long maxBodyBytes;
    private final int maxInputs;

    /** @param embedder null: no model, every request gets a 404 saying how to start with one */
    EmbeddingsHandler(SentenceEmbedder embedder, String modelName, ModelQueue queue, long maxBodyBytes, int maxInputs) {
        this.embedder = embedder;
        this.modelName = modelName;
        this.queue = queue;
        this.maxBodyBytes = maxBodyBytes;
        this.maxInputs = maxInputs;
    }

    private record Vectors(float[] flat, int tokens) {}

    void handle(HttpExchange exchange) throws IOException {
        if (embedder == null) {
            Exchanges.error(exchange, 404, "no model loaded: start the server with --model FILE|DIR "
                    + "(e.g. attention4j serve --model all-minilm-l6-v2.onnx) to serve /v1/embeddings");
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            Exchanges.error(exchange, 405, exchange.getRequestMethod() + " /v1/embeddings: use POST with a JSON body "
                    + "such as {\"input\": [\"some text\"]}");
            return;
        }
        byte[] body = Exchanges.readBody(exchange, maxBodyBytes);
        if (body == null) {
            Exchanges.error(exchange, 413, "the body is larger than " + maxBodyBytes + " bytes (--max-body-bytes)");
            return;
        }
        EmbeddingsRequest request;
        Vectors vectors;
        try {
            request = EmbeddingsRequest.parse(body, maxInputs);
            vectors = queue.run(() -> embed(request.input()));
        } catch (EmbeddingsRequest.Invalid e) {
            Exchanges.error(exchange, 400, e.getMessage());
            return;
        } catch (ModelQueue.Full e) {
            Exchanges.error(exchange, 429, e.getMessage());
            return;
        }
        String model = request.model() != null ? request.model() : modelName;
        Exchanges.reply(exchange, 200, "application/json", json(vectors, request.input().size(), model, request.base64()));
    }

    private Vectors embed(List<String> texts) {
        float[] flat = new float[texts.size() * embedder.dimension()];
        embedder.embed(texts, flat);
        int tokens = 0;
        for (String text : texts) {
            tokens += embedder.countTokens(text);
        }
        return new Vectors(flat, tokens);
    }

    private byte[] json(Vectors vectors, int n, String model, boolean base64) throws IOException {
        int d = embedder.dimension();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + n * d * (base64 ? 6 : 12));
        ByteBuffer bytes = ByteBuffer.allocate(4 * d).order(ByteOrder.LITTLE_ENDIAN);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < n; i++) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                g.writeFieldName("embedding");
                if (base64) {
                    bytes.clear();
                    bytes.asFloatBuffer().put(vectors.flat(), i * d, d);
                    g.writeString(Base64.getEncoder().encodeToString(bytes.array()));
                } else {
                    g.writeStartArray();
                    for (int j = i * d; j < (i + 1) * d; j++) {
                        g.writeNumber(vectors.flat()[j]); // Float.toString: the shortest text that reads back exactly
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", vectors.tokens());
            g.writeNumberField("total_tokens", vectors.tokens());
            g.writeEndObject();
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }
}
