package org.attention4j.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.attention4j.AttentionEngine;
import org.attention4j.model.SentenceEmbedder;

/**
 * attention4j behind HTTP, with the JDK's built-in server and one virtual thread per request: the server
 * of {@code attention4j serve}, and the class to start when you embed the server in your own code
 * ({@code examples/service}'s {@code ServiceMain} does).
 *
 * <pre>
 *   POST /v1/embeddings   {"input": ["a", "b"]}  → OpenAI's embeddings response (only with an embedder)
 *   POST /v1/attention?causal=true&amp;layout=bshd&amp;scale=0.125&amp;window=255,0
 *        body: a safetensors file with tensors q, k, v        → 200, body: O as a float32 .npy
 *   GET  /healthz (or /health)                                 → 200 "ok"
 * </pre>
 *
 * <p>It lived in {@code examples/service} until {@code attention4j serve} needed it: it moved into the cli
 * module (this package) so that the {@code attention4j} launcher can start it, and the example now uses
 * it from here (no copy left there).
 *
 * <p>Bad requests get a 4xx and a one-line message, never a 500 or a stack trace: see
 * {@link EmbeddingsHandler} and {@link AttentionHandler}. Both endpoints share one bounded
 * {@link ModelQueue}: at most {@link Builder#queue} requests waiting for or running on the model and
 * the engine at once, the next ones answered 429 at once. {@link #stop} is graceful: it stops
 * accepting, lets the requests in flight finish (a bounded wait) and returns.
 *
 * <p>The service does not close the engine or the embedder it was given.
 */
public final class AttentionService implements AutoCloseable {
    /** {@link #close}'s wait for the requests in flight. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private final HttpServer server;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final ModelQueue queue;
    private final EmbeddingsHandler embeddings;
    private final AttentionHandler attention;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean started, drained;

    private AttentionService(Builder b) throws IOException {
        InetSocketAddress address = new InetSocketAddress(b.host, b.port);
        if (address.isUnresolved()) {
            requests.close();
            throw new IllegalArgumentException("host " + b.host + ": cannot resolve it");
        }
        this.queue = new ModelQueue(b.queue);
        this.embeddings = new EmbeddingsHandler(b.embedder, b.modelName, queue, b.maxBodyBytes, b.maxInputs);
        this.attention = new AttentionHandler(b.engine, queue, b.maxBodyBytes, b.deadline.toNanos());
        try {
            this.server = HttpServer.create(address, 128);
        } catch (IOException e) {
            queue.close();
            requests.close();
            throw e;
        }
        server.setExecutor(requests);
        server.createContext("/", this::route);
    }

    /** A service computing attention with {@code engine} (thread-safe, shared by all requests). */
    public static Builder builder(AttentionEngine engine) {
        return new Builder(engine);
    }

    /** Starts answering; returns at once. */
    public void start() {
        server.start();
        started = true;
    }

    /** The port listened on (the chosen one when built with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void route(HttpExchange exchange) {
        try (exchange) {
            try {
                switch (exchange.getRequestURI().getPath()) {
                    case "/v1/embeddings" -> embeddings.handle(exchange);
                    case "/v1/attention" -> attention.handle(exchange);
                    case "/healthz", "/health" -> Exchanges.text(exchange, 200, "ok");
                    default -> Exchanges.error(exchange, 404, "no such path: " + exchange.getRequestURI().getPath()
                            + " (POST /v1/embeddings, POST /v1/attention, GET /healthz)");
                }
            } catch (IOException e) {
                // the client went away: nobody to answer
            } catch (RuntimeException | Error e) {
                if (stopping.get() && e instanceof IllegalStateException) {
                    // stopped by force (past the grace period) while it waited for the model
                    reply(exchange, 503, "the server is stopping");
                } else {
                    System.err.println("attention4j serve: " + exchange.getRequestMethod() + " "
                            + exchange.getRequestURI().getPath() + " failed: " + e);
                    e.printStackTrace();
                    reply(exchange, 500, "internal error: " + e);
                }
            }
        } catch (IOException e) {
            // could not even send the error
        }
    }

    /** An error answer, unless the handler has already sent its status. */
    private static void reply(HttpExchange exchange, int status, String message) throws IOException {
        if (exchange.getResponseCode() == -1) {
            Exchanges.error(exchange, status, message);
        }
    }

    /**
     * Stops accepting connections, waits up to {@code grace} for the requests in flight to be answered,
     * then lets go of the port. Returns whether all were; later calls wait for the first one to end.
     */
    public boolean stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            awaitStopUninterruptibly();
            return drained;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            // (an HttpServer never started would wait out the whole delay: nothing can be in flight there)
            server.stop(started ? (int) Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000) : 0);
            boolean done = queue.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            requests.shutdown();
            done &= requests.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            drained = done;
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            queue.close();
            requests.shutdownNow();
            stopped.countDown();
        }
    }

    /** Blocks until {@link #stop} has ended. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    private void awaitStopUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #stop} with {@link #DEFAULT_GRACE}. */
    @Override
    public void close() {
        stop(DEFAULT_GRACE);
    }

    /** For tests: the queue in front of the model. */
    ModelQueue queue() {
        return queue;
    }

    /** Options; only the engine is required. */
    public static final class Builder {
        private final AttentionEngine engine;
        private String host = "127.0.0.1";
        private int port = 8080;
        private SentenceEmbedder embedder;
        private String modelName;
        private long maxBodyBytes = 1L << 20;
        private int maxInputs = 256;
        private int queue = 64;
        private Duration deadline = Duration.ofSeconds(10);

        private Builder(AttentionEngine engine) {
            if (engine == null) {
                throw new IllegalArgumentException("engine = null");
            }
            this.engine = engine;
        }

        /** The address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for all interfaces). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Default 8080; 0 picks a free port ({@link #port()} tells which). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port = " + port + ": expected 0..65535");
            }
            this.port = port;
            return this;
        }

        /** Serve {@code POST /v1/embeddings} with this model, named {@code name} in responses. */
        public Builder embedder(SentenceEmbedder embedder, String name) {
            this.embedder = embedder;
            this.modelName = name;
            return this;
        }

        /** Request bodies larger than this get a 413 (default 1 MiB). */
        public Builder maxBodyBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes = " + bytes + ": expected >= 1");
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** Texts per embeddings request at most (default 256). */
        public Builder maxInputs(int inputs) {
            if (inputs < 1) {
                throw new IllegalArgumentException("maxInputs = " + inputs + ": expected >= 1");
            }
            this.maxInputs = inputs;
            return this;
        }

        /** Requests waiting for or running on the model at once at most (default 64); more get a 429. */
        public Builder queue(int requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("queue = " + requests + ": expected >= 1");
            }
            this.queue = requests;
            return this;
        }

        /** An attention call running longer than this gets a 503 (default 10 s). */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /**
         * Binds the port (requests wait until {@link #start}).
         *
         * @throws java.net.BindException when the port is taken
         */
        public AttentionService build() throws IOException {
            return new AttentionService(this);
        }
    }
}
