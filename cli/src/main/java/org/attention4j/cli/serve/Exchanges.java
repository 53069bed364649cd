package org.attention4j.cli.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** What every endpoint does with an exchange: read a bounded body, send a reply or a one-line error. */
final class Exchanges {
    private static final JsonFactory JSON = new JsonFactory();
    /** What a 413 reads and drops of a body over the limit at most, before it closes the connection. */
    static final long DISCARD_BYTES = 64L << 20;

    private Exchanges() {}

    /**
     * The request body, or null when it is longer than {@code maxBytes}: one whose declared length is over
     * the limit is not read at all, one without a length no further than the limit (answer with
     * {@link #tooLarge}).
     */
    static byte[] readBody(HttpExchange exchange, long maxBytes) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBytes) {
                    return null;
                }
            } catch (NumberFormatException e) {
                // the server has already refused a malformed length; read as usual
            }
        }
        byte[] body = exchange.getRequestBody().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        return body.length > maxBytes ? null : body;
    }

    /** Sends {@code body} with {@code status}; no body for HEAD requests. */
    static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static void text(HttpExchange exchange, int status, String line) throws IOException {
        reply(exchange, status, "text/plain; charset=utf-8", (line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * OpenAI's error shape on one line: {@code {"error": {"message": ..., "type": ...}}}, type
     * {@code invalid_request_error} for 4xx, {@code server_error} for 5xx.
     */
    static void error(HttpExchange exchange, int status, String message) throws IOException {
        if (status == 413) {
            tooLarge(exchange, "application/json", errorJson(status, message));
        } else {
            reply(exchange, status, "application/json", errorJson(status, message));
        }
    }

    /**
     * A 413 for a body over the limit: sends the answer first (clients that read early stop sending),
     * then reads and drops what is left of the body, up to {@link #DISCARD_BYTES}, before closing the
     * connection. Closing it with unread bytes would reset it, and a client still sending (the JDK's
     * HttpClient does) would see "connection reset" instead of the 413.
     */
    static void tooLarge(HttpExchange exchange, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(413, body.length);
        try (OutputStream out = exchange.getResponseBody()) {  // closing it ends the exchange: drop first
            out.write(body);
            out.flush();
            InputStream in = exchange.getRequestBody();
            byte[] sink = new byte[64 << 10];
            for (long left = DISCARD_BYTES; left > 0; ) {
                int n = in.read(sink, 0, (int) Math.min(sink.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        }
    }

    static byte[] errorJson(int status, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + message.length());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", oneLine(message));
            g.writeStringField("type", status >= 500 ? "server_error" : "invalid_request_error");
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
