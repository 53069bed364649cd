package org.attention4j.example.service;

import java.time.Duration;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;

/**
 * Starts the example service: {@code java --add-modules jdk.incubator.vector -cp ... ServiceMain [port]}.
 * Warms the engine up on a typical shape first, so the first request does not pay for the JIT.
 */
public final class ServiceMain {
    private ServiceMain() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        AttentionEngine engine = AttentionEngine.builder()
                .memoryBudget(256L << 20)                         // reject shapes that need more workspace
                .listener((spec, kernel, threads, nanos, failure) -> { }) // hook metrics here
                .build();
        engine.warmUp(Duration.ofSeconds(2), AttentionSpec.builder().length(512).heads(8).headDim(64).build());
        AttentionService service = new AttentionService(port, engine, 64L << 20, 10_000);
        service.start();
        System.out.println("attention4j example service on http://127.0.0.1:" + service.port() + "/v1/attention");
    }
}
