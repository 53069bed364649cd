package org.attention4j.cli.serve;

import org.attention4j.model.MiniLmFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.attention4j.AttentionEngine;
import org.attention4j.model.SentenceEmbedder;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/embeddings} under load: 8 clients on virtual threads send requests of 1 to 32 texts
 * (float and base64), one in eight malformed; every answer is checked against a direct
 * {@link SentenceEmbedder#embed} call on the same texts (after a warm-up) to within {@link #TOLERANCE}, every malformed one
 * must be a 400. Prints p50/p99 latency and throughput, also written to target/serve-load-test.txt.
 *
 * <p>Why not bit for bit: the same call is not bit-reproducible across JIT states. A Vector API
 * {@code reduceLanes(ADD)} adds its lanes one after another when it runs interpreted (before compilation, or for a
 * moment after a deoptimization) and as a tree once C2 compiled it; on 1,000 random 16-lane vectors the two orders
 * gave different float32 sums in 665 (JDK 25, AVX-512). A request served while some method deoptimized differed from
 * the direct call by 6e-8 in CI. An answer to the wrong texts, or a torn one, differs by far more than the tolerance.
 * {@code -Dattention4j.serve.load.requests=N} sets the number of requests (default 96: light, for CI).
 */
class ServeEmbeddingsLoadTest {
    private static final int CLIENTS = 8;
    /** Largest |difference| accepted per number: 8 float32 ulps of 1 (the vectors are L2-normalized, so |x| <= 1). */
    private static final double TOLERANCE = 8 * Math.ulp(1f);

    /** A request and what must come back: the vectors of its texts, or (texts null) a 400. */
    private record Call(String body, boolean base64, List<String> texts, float[][][] expected) {
        float[][] vectors() {
            return expected[0];
        }
    }

    @Test
    void concurrentClientsGetExactlyTheDirectAnswers() throws Exception {
        int requests = Integer.getInteger("attention4j.serve.load.requests", 96);
        try (SentenceEmbedder embedder = SentenceEmbedder.builder(MiniLmFiles.model()).threads(2).build();
             AttentionEngine engine = AttentionEngine.create(1);
             AttentionService service = AttentionService.builder(engine).port(0).embedder(embedder, "minilm").build()) {
            service.start();
            ServeClient client = new ServeClient(service.port());
            List<Call> valid = new ArrayList<>();
            int[] sizes = {1, 1, 1, 2, 3, 5, 8, 13, 16, 32};
            for (int i = 0; i < sizes.length * 2; i++) {
                List<String> texts = new ArrayList<>();
                for (int t = 0; t < sizes[i % sizes.length]; t++) {
                    texts.add("request " + i + ", text " + t + ": " + "words of a sentence ".repeat((i * 7 + t * 3) % 30));
                }
                boolean base64 = i % 3 == 0;
                String body = ServeClient.JSON.writeValueAsString(base64
                        ? Map.of("input", texts, "encoding_format", "base64") : Map.of("input", texts));
                valid.add(new Call(body, base64, texts, new float[1][][]));
            }
            List<Call> malformed = List.of(new Call("{\"input\": [[1, 2]]}", false, null, null),
                    new Call("{\"input\": \"a\", \"dimensions\": 8}", false, null, null),
                    new Call("{\"input\": [", false, null, null), new Call("{\"input\": []}", false, null, null));

            // The expected answers from compiled code, as the server's mostly are: warm up, run every request, then
            // call directly.
            embedder.warmUp(Duration.ofSeconds(1));
            run(client, valid, malformed, 2 * valid.size(), new ConcurrentLinkedQueue<>());
            for (Call call : valid) {
                call.expected()[0] = embedder.embed(call.texts());
            }
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            long t0 = System.nanoTime();
            int[] counts = run(client, valid, malformed, requests, latencies);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            String summary = String.format(Locale.ROOT, "serve load test: %d requests (%d valid, %d malformed), %d clients, "
                            + "%.1f requests/s, valid-request latency p50 %.1f ms, p99 %.1f ms, %d wrong answers, "
                            + "%d unexpected statuses, %d answers equal within %.1e but not bit for bit", requests, counts[0],
                    counts[1], CLIENTS, requests / seconds, sorted[sorted.length / 2] / 1e6,
                    sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6, counts[2],
                    counts[3], counts[4], TOLERANCE);
            System.out.println(summary);
            Files.writeString(Path.of("target", "serve-load-test.txt"), summary + "\n");
            assertEquals(0, counts[2], "wrong answers");
            assertEquals(0, counts[3], "unexpected statuses");
            assertEquals(0, service.queue().busy());
        }
    }

    /** The largest |difference| between two sets of vectors; infinite when their shapes differ. */
    private static double difference(float[][] got, float[][] expected) {
        if (got.length != expected.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            if (got[i].length != expected[i].length) {
                return Double.POSITIVE_INFINITY;
            }
            for (int j = 0; j < got[i].length; j++) {
                max = Math.max(max, Math.abs(got[i][j] - expected[i][j]));
            }
        }
        return max;
    }

    /**
     * Sends {@code n} requests from {@link #CLIENTS} virtual threads; returns {valid, malformed, wrong,
     * unexpected, inexact}. An answer must equal the expected vectors to within {@link #TOLERANCE} (inexact: not bit
     * for bit); before the expected vectors are known (warm-up), only the statuses are checked.
     */
    private static int[] run(ServeClient client, List<Call> valid, List<Call> malformed,
            int n, ConcurrentLinkedQueue<Long> latencies) throws Exception {
        AtomicInteger next = new AtomicInteger(), validCount = new AtomicInteger(), badCount = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger(), unexpected = new AtomicInteger(), inexact = new AtomicInteger();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < CLIENTS; c++) {
                done.add(clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        Call call = i % 8 == 7 ? malformed.get(i / 8 % malformed.size()) : valid.get(i % valid.size());
                        long t0 = System.nanoTime();
                        HttpResponse<String> response = client.post("/v1/embeddings", call.body());
                        long nanos = System.nanoTime() - t0;
                        if (call.texts() == null) {
                            badCount.incrementAndGet();
                            if (response.statusCode() != 400) {
                                unexpected.incrementAndGet();
                                problems.add(call.body() + ": status " + response.statusCode() + " " + response.body());
                            }
                            continue;
                        }
                        if (response.statusCode() != 200) {
                            unexpected.incrementAndGet();
                            problems.add("status " + response.statusCode() + " " + response.body());
                            continue;
                        }
                        validCount.incrementAndGet();
                        latencies.add(nanos);
                        float[][] got = call.base64() ? ServeClient.base64Vectors(response)
                                : ServeClient.embeddings(response).data().stream().map(ServeClient.Item::embedding)
                                        .toArray(float[][]::new);
                        if (call.vectors() == null || Arrays.deepEquals(got, call.vectors())) {
                            continue;
                        }
                        double difference = difference(got, call.vectors());
                        if (difference <= TOLERANCE) {
                            inexact.incrementAndGet();
                        } else {
                            wrong.incrementAndGet();
                            problems.add("wrong answer to request " + i + ": " + (got.length == call.vectors().length
                                    ? "max |difference| " + difference : got.length + " vectors, expected "
                                    + call.vectors().length));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.MINUTES); // a hang guard, not a speed limit
            }
        }
        assertTrue(problems.isEmpty(), "first problems: " + problems.stream().limit(3).toList());
        return new int[] {validCount.get(), badCount.get(), wrong.get(), unexpected.get(), inexact.get()};
    }
}
