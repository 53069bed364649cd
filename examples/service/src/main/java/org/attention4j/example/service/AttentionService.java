package org.attention4j.example.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.attention4j.AttentionCancelledException;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.io.AttentionInputs;
import org.attention4j.cli.io.FloatArray;
import org.attention4j.cli.io.Npy;
import org.attention4j.cli.io.SafeTensors;

/**
 * attention4j behind HTTP, with the JDK's built-in server and one virtual thread per request.
 *
 * <pre>
 *   POST /v1/attention?causal=true&amp;layout=bshd&amp;scale=0.125&amp;window=255,0
 *        body: a safetensors file with tensors q, k, v        → 200, body: O as a float32 .npy
 *   GET  /health                                               → 200 "ok"
 * </pre>
 * Bad requests get a 4xx and a one-line message, never a 500 or a stack trace: 400 for malformed
 * tensors or options, 413 for a body over the limit or a shape over the memory budget, 405/404 for
 * the wrong method or path, 503 when a call passes the per-request deadline.
 */
public final class AttentionService implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final AttentionEngine engine;
    private final long maxBodyBytes;
    private final long deadlineNanos;

    /**
     * @param port 0 for any free port
     * @param engine shared by all requests (it is thread-safe); the service does not close it
     */
    public AttentionService(int port, AttentionEngine engine, long maxBodyBytes, long deadlineMillis)
            throws IOException {
        this.engine = engine;
        this.maxBodyBytes = maxBodyBytes;
        this.deadlineNanos = deadlineMillis * 1_000_000L;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(requests);
        server.createContext("/v1/attention", this::attention);
        server.createContext("/health", exchange -> reply(exchange, 200, "text/plain", bytes("ok\n")));
        server.createContext("/", exchange -> reply(exchange, 404, "text/plain",
                bytes("no such path: POST /v1/attention or GET /health\n")));
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void attention(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                reply(exchange, 405, "text/plain", bytes("use POST with a safetensors body holding q, k, v\n"));
                return;
            }
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                reply(exchange, 413, "text/plain", bytes("the body is larger than " + maxBodyBytes + " bytes\n"));
                return;
            }
            try {
                byte[] out = compute(body, query(exchange.getRequestURI().getRawQuery()));
                reply(exchange, 200, "application/octet-stream", out);
            } catch (BadInputException e) {
                reply(exchange, 400, "text/plain", bytes(e.getMessage() + "\n"));
            } catch (IllegalArgumentException e) {
                boolean budget = e.getMessage() != null && e.getMessage().contains("memory budget");
                reply(exchange, budget ? 413 : 400, "text/plain", bytes(e.getMessage() + "\n"));
            } catch (AttentionCancelledException e) {
                reply(exchange, 503, "text/plain", bytes("the call took longer than the service's deadline\n"));
            }
        }
    }

    private byte[] compute(byte[] body, Map<String, String> options) throws IOException {
        Map<String, FloatArray> t = SafeTensors.read(body, "request body", List.of("q", "k", "v"));
        String layout = options.getOrDefault("layout", "bshd");
        if (!layout.equals("bshd") && !layout.equals("bhsd")) {
            throw new BadInputException("layout=" + layout + ": expected bshd or bhsd");
        }
        boolean bhsd = layout.equals("bhsd");
        AttentionSpec.Builder b = AttentionSpec.builder().causal(Boolean.parseBoolean(options.get("causal")));
        try {
            if (options.containsKey("scale")) {
                b.scale(Float.parseFloat(options.get("scale")));
            }
            if (options.containsKey("window")) {
                String[] lr = options.get("window").split(",");
                b.window(Integer.parseInt(lr[0].trim()), Integer.parseInt(lr[1].trim()));
            }
        } catch (RuntimeException e) {
            throw new BadInputException("scale or window: expected a number and LEFT,RIGHT (" + e.getMessage() + ")");
        }
        FloatArray q = t.get("q"), k = t.get("k"), v = t.get("v");
        AttentionSpec spec = AttentionInputs.spec(q, k, v, bhsd, "q", "k", "v", b);
        float[] o = new float[q.data().length];
        engine.forward(spec, view(q.data(), spec.queryLength(), spec.heads(), spec.headDim(), bhsd),
                view(k.data(), spec.keyLength(), spec.kvHeads(), spec.headDim(), bhsd),
                view(v.data(), spec.keyLength(), spec.kvHeads(), spec.headDim(), bhsd),
                view(o, spec.queryLength(), spec.heads(), spec.headDim(), bhsd), null,
                System.nanoTime() + deadlineNanos);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 4 * o.length);
        Npy.writeTo(out, q.shape(), o);
        return out.toByteArray();
    }

    private static Tensor view(float[] data, int seq, int heads, int dim, boolean bhsd) {
        return bhsd ? Tensor.bhsd(data, seq, heads, dim) : Tensor.bshd(data, seq, heads, dim);
    }

    /** The body, or null when it is longer than the limit (read no further than that). */
    private byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        return body.length > maxBodyBytes ? null : body;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                m.put(key, eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static void reply(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
    }
}
