package org.attention4j.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** The JDK's HttpClient with the few calls the serve tests make, and readers of the answers. */
final class ServeClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** An embeddings response, read strictly (an unknown field fails). */
    record Response(String object, List<Item> data, String model, Usage usage) {}

    record Item(String object, int index, float[] embedding) {}

    record Usage(int prompt_tokens, int total_tokens) {}

    private final URI base;

    ServeClient(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    URI uri(String path) {
        return base.resolve(path);
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return post(path, json.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(String path, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** A POST whose answer is binary (an .npy). */
    HttpResponse<byte[]> postForBytes(String path, byte[] body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A 200 embeddings answer, float format. */
    static Response embeddings(HttpResponse<String> response) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        Response r = JSON.readValue(response.body(), Response.class);
        assertEquals("list", r.object());
        for (int i = 0; i < r.data().size(); i++) {
            assertEquals("embedding", r.data().get(i).object());
            assertEquals(i, r.data().get(i).index());
        }
        return r;
    }

    /** The vectors of a 200 embeddings answer in base64 format. */
    static float[][] base64Vectors(HttpResponse<String> response) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        JsonNode data = JSON.readTree(response.body()).get("data");
        float[][] vectors = new float[data.size()][];
        for (int i = 0; i < vectors.length; i++) {
            assertEquals(i, data.get(i).get("index").intValue());
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(data.get(i).get("embedding").textValue()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            vectors[i] = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(vectors[i]);
        }
        return vectors;
    }

    /**
     * Checks an error answer: the status, and OpenAI's error shape on one line, with a message that is
     * not a stack trace. Returns the message.
     */
    static String error(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        String body = response.body();
        assertTrue(body.endsWith("\n") && body.indexOf('\n') == body.length() - 1, "not one line: " + body);
        JsonNode error = JSON.readTree(body).get("error");
        assertEquals("invalid_request_error", error.get("type").textValue(), body);
        String message = error.get("message").textValue();
        assertFalse(message.isBlank(), body);
        assertFalse(message.contains("Exception") || message.contains("\tat "), body);
        return message;
    }
}
