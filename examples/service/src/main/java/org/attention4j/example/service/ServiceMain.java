package org.attention4j.example.service;

import java.nio.file.Path;
import java.time.Duration;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.cli.serve.AttentionService;
import org.attention4j.model.SentenceEmbedder;

/**
 * attention4j's HTTP server started from your own code — the server of {@code attention4j serve}
 * ({@link AttentionService}, in the cli module), with your own engine, model and limits:
 * {@code java --add-modules jdk.incubator.vector -cp ... ServiceMain [port] [model.onnx|folder]}.
 * Warms the engine (and the model) up first, so the first request does not pay for the JIT.
 */
public final class ServiceMain {
    private ServiceMain() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        Path model = args.length > 1 ? Path.of(args[1]) : null;
        AttentionEngine engine = AttentionEngine.builder()
                .memoryBudget(256L << 20)                         // reject shapes that need more workspace
                .listener((spec, kernel, threads, nanos, failure) -> { }) // hook metrics here
                .build();
        engine.warmUp(Duration.ofSeconds(2), AttentionSpec.builder().length(512).heads(8).headDim(64).build());
        AttentionService.Builder server = AttentionService.builder(engine)
                .port(port)
                .maxBodyBytes(64L << 20)                          // q, k, v of a few MiB each
                .deadline(Duration.ofSeconds(10))                 // per attention call: 503 beyond
                .queue(64);                                       // requests waiting or running: 429 beyond
        SentenceEmbedder embedder = null;
        if (model != null) {                                      // also serve POST /v1/embeddings
            embedder = SentenceEmbedder.builder(model).build();
            embedder.warmUp(Duration.ofSeconds(1));               // until the JIT is quiet: a fast first request
            server.embedder(embedder, model.getFileName().toString());
        }
        AttentionService service = server.build();
        SentenceEmbedder toClose = embedder;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {   // SIGTERM / Ctrl-C: finish what is in flight
            service.close();
            engine.close();
            if (toClose != null) {
                toClose.close();
            }
        }));
        service.start();
        System.out.println("attention4j example service on http://127.0.0.1:" + service.port()
                + (model != null ? " (/v1/attention, /v1/embeddings)" : " (/v1/attention)"));
    }
}
