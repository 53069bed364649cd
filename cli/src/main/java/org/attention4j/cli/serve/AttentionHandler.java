package org.attention4j.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * {@code POST /v1/attention?causal=true&layout=bshd&scale=0.125&window=255,0}: the body a safetensors
 * file with tensors q, k, v; the answer O as a float32 .npy. Errors are one line of plain text: 400 for
 * malformed tensors or options, 413 for a body over the limit or a shape over the engine's memory
 * budget, 405 for a method but POST, 429 when the {@link ModelQueue} is full, 503 when a call passes the
 * per-request deadline.
 */
final class AttentionHandler {
    private final AttentionEngine engine;
    private final ModelQueue queue;
    private final long maxBodyBytes;
    private final long deadlineNanos;

    AttentionHandler(AttentionEngine engine, ModelQueue queue, long maxBodyBytes, long deadlineNanos) {
        this.engine = engine;
        this.queue = queue;
        this.maxBodyBytes = maxBodyBytes;
        this.deadlineNanos = deadlineNanos;
    }

    /** A parsed request: what {@link AttentionEngine#forward} needs. */
    private record Call(AttentionSpec spec, FloatArray q, FloatArray k, FloatArray v, boolean bhsd) {}

    void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            Exchanges.text(exchange, 405, "use POST with a safetensors body holding q, k, v");
            return;
        }
        byte[] body = Exchanges.readBody(exchange, maxBodyBytes);
        if (body == null) {
            Exchanges.tooLarge(exchange, "text/plain; charset=utf-8",
                    ("the body is larger than " + maxBodyBytes + " bytes\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        try {
            Call call = parse(body, query(exchange.getRequestURI().getRawQuery()));
            Exchanges.reply(exchange, 200, "application/octet-stream", queue.run(() -> forward(call)));
        } catch (BadInputException e) {
            Exchanges.text(exchange, 400, e.getMessage());
        } catch (IllegalArgumentException e) {
            boolean budget = e.getMessage() != null && e.getMessage().contains("memory budget");
            Exchanges.text(exchange, budget ? 413 : 400, e.getMessage());
        } catch (AttentionCancelledException e) {
            Exchanges.text(exchange, 503, "the call took longer than the service's deadline");
        } catch (ModelQueue.Full e) {
            Exchanges.text(exchange, 429, e.getMessage());
        }
    }

    private static Call parse(byte[] body, Map<String, String> options) {
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
        return new Call(AttentionInputs.spec(q, k, v, bhsd, "q", "k", "v", b), q, k, v, bhsd);
    }

    private byte[] forward(Call c) {
        AttentionSpec spec = c.spec();
        long[] outShape = c.q().shape().clone(); // Q's shape with V's head size
        outShape[3] = spec.valueHeadDim();
        float[] o = new float[(int) FloatArray.elements("the output", outShape)];
        engine.forward(spec, view(c.q().data(), spec.queryLength(), spec.heads(), spec.headDim(), c.bhsd()),
                view(c.k().data(), spec.keyLength(), spec.kvHeads(), spec.headDim(), c.bhsd()),
                view(c.v().data(), spec.keyLength(), spec.kvHeads(), spec.valueHeadDim(), c.bhsd()),
                view(o, spec.queryLength(), spec.heads(), spec.valueHeadDim(), c.bhsd()), null,
                System.nanoTime() + deadlineNanos);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 4 * o.length);
        try {
            Npy.writeTo(out, outShape, o);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static Tensor view(float[] data, int seq, int heads, int dim, boolean bhsd) {
        return bhsd ? Tensor.bhsd(data, seq, heads, dim) : Tensor.bshd(data, seq, heads, dim);
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
}
