package org.attention4j.cli.serve;

import org.attention4j.model.MiniLmFiles;
import static org.attention4j.cli.serve.ServeClient.base64Vectors;
import static org.attention4j.cli.serve.ServeClient.embeddings;
import static org.attention4j.cli.serve.ServeClient.error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.attention4j.AttentionEngine;
import org.attention4j.model.SentenceEmbedder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code attention4j serve --model all-minilm-l6-v2.onnx --port 0 --threads 2}, started in-process with
 * the real model: its answers are the vectors {@link SentenceEmbedder#embed} gives when called directly
 * (bit for bit), in OpenAI's response shape, and every bound answers its status with a one-line error.
 * (To 1e-6: bit for bit once the JIT has compiled both paths, see {@link #SAME}.)
 */
class ServeEmbeddingsTest {
    private static final String LONG_TEXT = "a long text, " + "far beyond the tokenizer's limit of 128 tokens, ".repeat(40);

    private static ServeRun server;
    private static ServeClient client;
    private static SentenceEmbedder direct;
    /**
     * The server's vectors and the direct call's: the same code on the same inputs, equal to the last bit
     * once both paths run C2 code; while a method of one path is still at an earlier JIT tier, the Vector
     * API's Java fallback sums lanes in another order (last-bit differences, 6e-8 seen). A wrong text, order
     * or option moves a component by far more than this.
     */
    private static final float SAME = 1e-6f;

    @BeforeAll
    static void start() throws Exception {
        server = ServeRun.start("serve", "--model", MiniLmFiles.model().toString(), "--port", "0", "--threads", "2");
        client = new ServeClient(server.port());
        direct = SentenceEmbedder.builder(MiniLmFiles.model()).threads(2).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), server.err());
            assertTrue(server.err().contains("attention4j serve: stopped"), server.err());
        }
        if (direct != null) {
            direct.close();
        }
    }

    private static String json(Object value) throws IOException {
        return ServeClient.JSON.writeValueAsString(value);
    }

    private static int tokens(List<String> texts) {
        return texts.stream().mapToInt(direct::countTokens).sum();
    }

    @Test
    void announcesItsAddressModelAndDimensionOnOneLine() {
        assertTrue(server.line().matches("attention4j serve: http://127\\.0\\.0\\.1:\\d+ "
                + "\\(model all-minilm-l6-v2, dimension 384\\)"), server.line());
        assertTrue(server.err().contains("warmed up in"), server.err());
    }

    @Test
    void aStringInputIsOneVectorBitIdenticalToADirectCall() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog.";
        ServeClient.Response r = embeddings(client.post("/v1/embeddings", "{\"input\": " + json(text) + "}"));
        assertEquals(1, r.data().size());
        assertArrayEquals(direct.embed(List.of(text))[0], r.data().get(0).embedding(), SAME);
        assertEquals("all-minilm-l6-v2", r.model(), "the model's name when the request names none");
        assertEquals(direct.countTokens(text), r.usage().prompt_tokens());
        assertEquals(r.usage().prompt_tokens(), r.usage().total_tokens());
    }

    @Test
    void aListInputIsVectorsInOrderBitIdenticalToADirectCall() throws Exception {
        List<String> texts = new ArrayList<>(List.of("first text", "", "Ünïcödé, 日本語のテキスト, emoji 🙂",
                LONG_TEXT, "first text", "  spaces\tand\nnew lines  "));
        for (int i = 0; i < 26; i++) {
            texts.add("sentence number " + i + " of a batch of thirty-two, " + "more words ".repeat(i));
        }
        ServeClient.Response r = embeddings(client.post("/v1/embeddings",
                json(java.util.Map.of("input", texts, "model", "text-embedding-3-small"))));
        float[][] expected = direct.embed(texts);
        assertEquals(texts.size(), r.data().size());
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(expected[i], r.data().get(i).embedding(), SAME, "text " + i);
        }
        assertEquals("text-embedding-3-small", r.model(), "the request's model is echoed");
        assertEquals(tokens(texts), r.usage().prompt_tokens());
        assertEquals(tokens(texts), r.usage().total_tokens());
    }

    @Test
    void base64IsTheLittleEndianFloat32BytesOfTheSameVectors() throws Exception {
        List<String> texts = List.of("hello world", "base64 is what OpenAI's Python client asks for by default");
        float[][] vectors = base64Vectors(client.post("/v1/embeddings",
                "{\"input\": " + json(texts) + ", \"encoding_format\": \"base64\"}"));
        float[][] expected = direct.embed(texts);
        assertEquals(2, vectors.length);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(expected[i], vectors[i], SAME);
        }
        ServeClient.Response floats = embeddings(client.post("/v1/embeddings",
                "{\"input\": " + json(texts) + ", \"encoding_format\": \"float\"}"));
        assertArrayEquals(floats.data().get(1).embedding(), vectors[1], SAME);
    }

    @Test
    void usageCountsTokensAfterTruncation() throws Exception {
        ServeClient.Response r = embeddings(client.post("/v1/embeddings", "{\"input\": [" + json(LONG_TEXT) + "]}"));
        assertEquals(128, r.usage().prompt_tokens(), "all-MiniLM-L6-v2's tokenizer.json truncates at 128");
        assertEquals(direct.countTokens(LONG_TEXT), r.usage().prompt_tokens());
        assertArrayEquals(direct.embed(LONG_TEXT), r.data().get(0).embedding(), SAME);
    }

    @Test
    void aBodyOverTheLimitIs413AndOneAtTheLimitIsServed() throws Exception {
        int limit = 1 << 20;
        String small = "{\"input\": \"x\"}";
        byte[] atLimit = (small + " ".repeat(limit - small.length())).getBytes(StandardCharsets.US_ASCII);
        assertEquals(1, embeddings(client.post("/v1/embeddings", atLimit)).data().size());

        // Again and again: a client still sending when the answer comes must get the 413, not a reset.
        for (int round = 0; round < 10; round++) {
            for (int size : new int[] {limit + 1, 8 * limit}) {
                byte[] over = new byte[size];
                Arrays.fill(over, (byte) ' ');
                String declared = error(client.post("/v1/embeddings", over), 413);
                assertTrue(declared.contains("1048576 bytes"), declared);
            }
            // without a Content-Length (chunked): read up to the limit, then refused
            HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(client.uri("/v1/embeddings"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[2 * limit])))
                    .build());
            error(chunked, 413);
        }
        assertEquals(200, client.get("/healthz").statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"input\": [\"a\"", "not json", "", "{\"input\": \"a\"} {\"input\": \"b\"}",
        "{\"input\": \"a\", \"input\": \"b\"}", "[\"a\"]", "\"a\"", "null", "{\"input\": [\"a\",]}", "{input: \"a\"}",
        "{\"input\": [\"\\ud83d\"], \"model\": 1}", "{\"input\": null}", "{\"model\": \"m\"}", "{\"input\": {\"text\": \"a\"}}",
        "{\"input\": [\"a\", null]}", "{\"input\": [true]}", "{\"input\": \"a\", \"encoding_format\": \"int8\"}"})
    void malformedRequestsAre400WithOneLine(String body) throws Exception {
        error(client.post("/v1/embeddings", body), 400);
    }

    @Test
    void invalidUtf8Is400() throws Exception {
        byte[] body = {'{', '"', 'i', 'n', 'p', 'u', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        error(client.post("/v1/embeddings", body), 400);
    }

    @Test
    void tokenArraysAre400SayingOnlyStringsAreSupported() throws Exception {
        for (String input : List.of("[[101, 7592, 102]]", "[101, 7592, 102]", "[\"a\", [1, 2]]")) {
            String message = error(client.post("/v1/embeddings", "{\"input\": " + input + "}"), 400);
            assertTrue(message.contains("only strings are supported"), message);
        }
    }

    @Test
    void anUnknownFieldIs400NamingIt() throws Exception {
        String dimensions = error(client.post("/v1/embeddings", "{\"input\": \"a\", \"dimensions\": 256}"), 400);
        assertTrue(dimensions.contains("'dimensions'"), dimensions);
        String other = error(client.post("/v1/embeddings", "{\"input\": \"a\", \"temperature\": 0}"), 400);
        assertTrue(other.contains("'temperature'"), other);
        // OpenAI's optional "user" is accepted
        assertEquals(1, embeddings(client.post("/v1/embeddings", "{\"input\": \"a\", \"user\": \"u-1\"}")).data().size());
    }

    @Test
    void anEmptyListAndMoreThanMaxInputsAre400() throws Exception {
        assertTrue(error(client.post("/v1/embeddings", "{\"input\": []}"), 400).contains("empty"));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            many.add("t" + i);
        }
        assertEquals(256, embeddings(client.post("/v1/embeddings", "{\"input\": " + json(many) + "}")).data().size());
        many.add("one too many");
        String message = error(client.post("/v1/embeddings", "{\"input\": " + json(many) + "}"), 400);
        assertTrue(message.contains("257") && message.contains("256"), message);
    }

    @Test
    void aMethodButPostIs405AndAnUnknownPathIs404() throws Exception {
        HttpResponse<String> get = client.get("/v1/embeddings");
        error(get, 405);
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        error(client.send(HttpRequest.newBuilder(client.uri("/v1/embeddings"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"input\": \"a\"}")).build()), 405);
        error(client.get("/v1/embedding"), 404);
        error(client.post("/v1/embeddings/", "{\"input\": \"a\"}"), 404);
    }

    @Test
    void healthzAndHealthAnswerOk() throws Exception {
        for (String path : List.of("/healthz", "/health")) {
            HttpResponse<String> r = client.get(path);
            assertEquals(200, r.statusCode());
            assertEquals("ok\n", r.body());
        }
    }

    /** The queue: with --queue 1 and its one place taken, the next request is refused at once. */
    @Test
    void aFullQueueIs429AtOnce() throws Exception {
        try (AttentionEngine engine = AttentionEngine.create(1);
             AttentionService service = AttentionService.builder(engine).port(0).queue(1)
                     .embedder(direct, "minilm").build()) {
            service.start();
            ServeClient c = new ServeClient(service.port());
            assertTrue(service.queue().tryHold());
            try {
                long t0 = System.nanoTime();
                String message = error(c.post("/v1/embeddings", "{\"input\": \"a\"}"), 429);
                assertTrue(message.contains("--queue"), message);
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "429 must not wait");
                assertEquals(200, c.get("/healthz").statusCode(), "health checks do not queue");
            } finally {
                service.queue().release();
            }
            assertEquals(1, embeddings(c.post("/v1/embeddings", "{\"input\": \"a\"}")).data().size());
            assertEquals(0, service.queue().busy());
        }
    }

    /** Stopping lets the request in flight finish, then refuses connections. */
    @Test
    void stopLetsTheRequestsInFlightFinish() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            texts.add(i + " " + "a slow request of many words, ".repeat(12));
        }
        try (AttentionEngine engine = AttentionEngine.create(1)) {
            AttentionService service = AttentionService.builder(engine).port(0).embedder(direct, "minilm").build();
            service.start();
            ServeClient c = new ServeClient(service.port());
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.post("/v1/embeddings", json(java.util.Map.of("input", texts)));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (service.queue().busy() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(1, service.queue().busy(), "the request never reached the model");
            assertTrue(service.stop(Duration.ofSeconds(60)), "the request in flight did not finish");
            ServeClient.Response r = embeddings(inFlight.get(1, TimeUnit.MINUTES));
            assertEquals(texts.size(), r.data().size());
            assertThrows(IOException.class, () -> c.get("/healthz"), "still accepting after stop");
        }
    }
}
