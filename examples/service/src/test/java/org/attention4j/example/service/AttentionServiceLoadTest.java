package org.attention4j.example.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.attention4j.cli.serve.AttentionService;
import org.attention4j.io.NpyFile;
import org.attention4j.io.SafeTensorsFile;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service under load: 16 concurrent clients, mixed shapes, one request in eight malformed. No wrong
 * answer (each checked against the float64 reference), no status but 200 and the expected 4xx, no heap
 * growth over the run; p50/p99 latency and throughput printed and written to target/load-test.txt.
 * {@code -Dattention4j.load.requests=N} sets the number of requests (CI runs 300).
 */
class AttentionServiceLoadTest {
    private static final int CLIENTS = 16;
    private static AttentionEngine engine;
    private static AttentionService service;
    private static HttpClient client;

    /** A request and what must come back. */
    private record Call(String query, byte[] body, int status, float[] expected, String why) {}

    @BeforeAll
    static void start() throws IOException {
        engine = AttentionEngine.builder().threads(2).memoryBudget(64L << 20).build();
        service = AttentionService.builder(engine).port(0).maxBodyBytes(16L << 20).deadline(Duration.ofSeconds(30))
                .queue(1024).build();
        service.start();
        client = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    @AfterAll
    static void stop() {
        service.close();
        engine.close();
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** A request body: q, k, v as one safetensors image. */
    private static byte[] safetensors(long[] qShape, float[] q, long[] kvShape, float[] k, float[] v) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensorsFile.write(out, Map.of("q", qShape, "k", kvShape, "v", kvShape), Map.of("q", q, "k", k, "v", v));
        return out.toByteArray();
    }

    /** A valid request of a random shape, with its expected output from the float64 reference. */
    private static Call valid(SplittableRandom r) throws IOException {
        int[] lengths = {1, 16, 63, 100, 256};
        int lq = lengths[r.nextInt(lengths.length)], lk = lengths[1 + r.nextInt(lengths.length - 1)];
        int kvHeads = 1 + r.nextInt(2), heads = kvHeads * (1 + r.nextInt(2)), dim = r.nextBoolean() ? 16 : 64;
        boolean causal = r.nextBoolean();
        AttentionSpec spec = AttentionSpec.builder().queryLength(lq).keyLength(lk).heads(heads).kvHeads(kvHeads)
                .headDim(dim).causal(causal).build();
        float[] q = random(r, lq * heads * dim), k = random(r, lk * kvHeads * dim), v = random(r, lk * kvHeads * dim);
        ReferenceAttention.Result ref = ReferenceAttention.compute(spec, Tensor.bshd(q, lq, heads, dim),
                Tensor.bshd(k, lk, kvHeads, dim), Tensor.bshd(v, lk, kvHeads, dim));
        float[] expected = new float[ref.out().length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (float) ref.out()[i];
        }
        byte[] body = safetensors(new long[] {1, lq, heads, dim}, q, new long[] {1, lk, kvHeads, dim}, k, v);
        return new Call(causal ? "causal=true" : "", body, 200, expected, spec.toString());
    }

    private static List<Call> malformed(SplittableRandom r) throws IOException {
        Call good = valid(r);
        float[] x = new float[2 * 3 * 4];
        List<Call> bad = new ArrayList<>();
        bad.add(new Call("", Arrays.copyOf(good.body(), good.body().length / 2), 400, null, "truncated body"));
        bad.add(new Call("", "not a safetensors file at all".getBytes(), 400, null, "garbage"));
        bad.add(new Call("", safetensors(new long[] {2, 3, 4}, x, new long[] {2, 3, 4}, x, x), 400, null, "3-D tensors"));
        bad.add(new Call("layout=hsbd", good.body(), 400, null, "bad layout"));
        bad.add(new Call("window=a,b", good.body(), 400, null, "bad window"));
        return bad;
    }

    @Test
    void manyClientsMixedShapesSomeMalformed() throws Exception {
        int requests = Integer.getInteger("attention4j.load.requests", 300);
        SplittableRandom r = new SplittableRandom(42);
        List<Call> valid = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            valid.add(valid(r));
        }
        List<Call> malformed = malformed(r);
        URI uri = URI.create("http://127.0.0.1:" + service.port() + "/v1/attention");

        run(uri, valid, malformed, Math.max(32, requests / 10), new ConcurrentLinkedQueue<>()); // warm-up
        long heapBefore = heapAfterGc();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated0 = threads.getTotalThreadAllocatedBytes();
        long t0 = System.nanoTime();
        int[] counts = run(uri, valid, malformed, requests, latencies);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long allocatedPerRequest = (threads.getTotalThreadAllocatedBytes() - allocated0) / requests;
        long heapAfter = heapAfterGc();

        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        String summary = String.format(java.util.Locale.ROOT, "load test: %d requests (%d valid, %d malformed), "
                        + "%d clients, %.1f requests/s, valid-request latency p50 %.2f ms, p99 %.2f ms, "
                        + "heap after GC %d -> %d KiB, %d KiB allocated per request (client and server, "
                        + "mean body %d KiB), %d wrong answers, %d unexpected statuses",
                requests, counts[0], counts[1], CLIENTS, requests / seconds, sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
                heapBefore >> 10, heapAfter >> 10, allocatedPerRequest >> 10,
                (long) valid.stream().mapToInt(c -> c.body().length).average().orElse(0) >> 10, counts[2], counts[3]);
        System.out.println(summary);
        Files.writeString(Path.of("target", "load-test.txt"), summary + "\n");
        assertEquals(0, counts[2], "wrong answers");
        assertEquals(0, counts[3], "unexpected statuses");
        assertTrue(heapAfter - heapBefore < 32L << 20, "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MiB");
    }

    @Test
    void wrongMethodsAndPathsAreClientErrors() throws Exception {
        URI base = URI.create("http://127.0.0.1:" + service.port());
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(base.resolve("/v1/attention")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(base.resolve("/nope")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("ok\n", health.body());
        byte[] huge = new byte[(16 << 20) + 10];
        HttpResponse<String> big = client.send(HttpRequest.newBuilder(base.resolve("/v1/attention"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, big.statusCode());
    }

    /** Sends {@code n} requests from {@link #CLIENTS} threads; returns {valid, malformed, wrong, unexpected}. */
    private static int[] run(URI uri, List<Call> valid, List<Call> malformed, int n, ConcurrentLinkedQueue<Long> latencies)
            throws Exception {
        AtomicInteger next = new AtomicInteger(), validCount = new AtomicInteger(), badCount = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger(), unexpected = new AtomicInteger();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            done.add(clients.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    Call call = i % 8 == 7 ? malformed.get(i / 8 % malformed.size()) : valid.get(i % valid.size());
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
                            URI.create(uri + (call.query().isEmpty() ? "" : "?" + call.query())))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(call.body())).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    long nanos = System.nanoTime() - t0;
                    if (response.statusCode() != call.status()) {
                        unexpected.incrementAndGet();
                        problems.add(call.why() + ": status " + response.statusCode() + " "
                                + new String(response.body()));
                        continue;
                    }
                    if (call.expected() == null) {
                        badCount.incrementAndGet();
                        String message = new String(response.body());
                        if (message.isBlank() || message.contains("Exception") || message.contains("\tat ")) {
                            problems.add(call.why() + ": unclear message " + message);
                            unexpected.incrementAndGet();
                        }
                        continue;
                    }
                    validCount.incrementAndGet();
                    latencies.add(nanos);
                    float[] got = NpyFile.of(response.body(), "response").readFloats();
                    if (!close(got, call.expected())) {
                        wrong.incrementAndGet();
                        problems.add(call.why() + ": wrong answer");
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.MINUTES); // a hang guard, not a speed limit
        }
        clients.shutdown();
        assertFalse(problems.size() > 0, "first problems: " + problems.stream().limit(3).toList());
        return new int[] {validCount.get(), badCount.get(), wrong.get(), unexpected.get()};
    }

    private static boolean close(float[] got, float[] expected) {
        if (got.length != expected.length) {
            return false;
        }
        double maxRef = 0, maxDiff = 0;
        for (int i = 0; i < got.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
            maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
        }
        return maxDiff <= 1e-5 * Math.max(1e-6, maxRef) + 1e-6;
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
