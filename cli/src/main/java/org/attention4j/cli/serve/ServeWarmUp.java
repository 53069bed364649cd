package org.attention4j.cli.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.attention4j.model.SentenceEmbedder;

/**
 * Makes the first request after start-up as fast as the later ones, in two steps (the command runs the first):
 * <ol>
 * <li>the model: {@link SentenceEmbedder#warmUp} — one text and lists of several batches, for at
 *     least {@code min}, then until the JIT has compiled nothing for 0.3 s, at most 4 × {@code min} (on
 *     2 busy cores all-MiniLM-L6-v2 reached its steady speed after about 2 s);</li>
 * <li>{@link #requests}: a few real requests through the started server, over the loopback, so that the
 *     HTTP server, the JSON parser and writer and the model's own thread are loaded and compiled too
 *     (without it the first request took 230–330 ms, the next ones 12–22 ms).</li>
 * </ol>
 */
public final class ServeWarmUp {
    private static final int ROUNDS_THROUGH_HTTP = 3;

    private ServeWarmUp() {}

    /**
     * Requests to the server listening at {@code host:port} (a wildcard address: the loopback),
     * embeddings ones only when it has a model.
     *
     * @throws IOException when the server cannot be reached or answers an unexpected status
     */
    public static void requests(String host, int port, boolean embeddings) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (address.isAnyLocalAddress()) {
            address = InetAddress.getLoopbackAddress();
        }
        InetSocketAddress server = new InetSocketAddress(address, port);
        StringBuilder batch = new StringBuilder("{\"input\": [");
        List<String> texts = texts(32);   // the JSON writer's loops
        for (int i = 0; i < texts.size(); i++) {
            batch.append(i == 0 ? "\"" : ", \"").append(texts.get(i)).append('"');
        }
        String many = batch.append("], \"model\": \"warm-up\"}").toString();
        for (int round = 0; round < ROUNDS_THROUGH_HTTP; round++) {
            send(server, "GET", "/healthz", null, 200);
            if (embeddings) {
                send(server, "POST", "/v1/embeddings", "{\"input\": \"warm-up: one short text\"}", 200);
                send(server, "POST", "/v1/embeddings", many, 200);
                send(server, "POST", "/v1/embeddings",
                        "{\"input\": [\"warm-up\"], \"encoding_format\": \"base64\"}", 200);
                send(server, "POST", "/v1/embeddings", "{\"input\": [[101, 102]]}", 400);
            }
        }
    }

    /** One HTTP/1.1 exchange on a connection of its own. */
    private static void send(InetSocketAddress server, String method, String path, String json, int expected)
            throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.connect(server, 5_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String status = answer.lines().findFirst().orElse("");
            if (!status.startsWith("HTTP/1.1 " + expected + " ")) {
                throw new IOException(method + " " + path + " answered \"" + status + "\", expected " + expected);
            }
        }
    }

    private static List<String> texts(int n) {
        String[] words = {"attention", "vector", "model", "server", "the", "quick", "brown", "fox", "jumps", "over",
            "lazy", "dog", "embeddings", "of", "sentences", "are", "compared", "by", "cosine", "similarity"};
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int length = i == n - 1 ? 600 : 3 + (i * 7) % 40;   // the last one longer than any tokenizer's limit
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < length; w++) {
                text.append(w == 0 ? "" : " ").append(words[(i + w * 3) % words.length]);
            }
            texts.add(text.append('.').toString());
        }
        return texts;
    }
}
