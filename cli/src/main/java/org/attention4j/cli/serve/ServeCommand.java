package org.attention4j.cli.serve;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.attention4j.AttentionEngine;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.embed.EmbedderOptions;
import org.attention4j.cli.VersionProvider;
import org.attention4j.model.SentenceEmbedder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code attention4j serve}: an embeddings server in one command. Loads and warms up the model
 * ({@link ServeWarmUp}) before announcing that it listens (a bad model: exit 2, one line), prints {@code attention4j serve: http://HOST:PORT (model …,
 * dimension …)} on stdout once listening, then serves until stopped: SIGTERM or Ctrl-C stop it gracefully
 * (no new connections, the requests in flight answered within {@link AttentionService#DEFAULT_GRACE},
 * then the model closed). Interrupting the thread running the command (tests, in-process) does the same.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = {"Serve sentence embeddings over HTTP in the shape of OpenAI's embeddings API (POST /v1/embeddings), "
                + "and attention (POST /v1/attention). Without --model, only /v1/attention is served.",
            "Example: attention4j serve --model all-minilm-l6-v2.onnx --port 8080"})
public final class ServeCommand implements Callable<Integer> {
    /** Warm-up: at least this long, then until the JIT is quiet, at most 4 × this. */
    private static final Duration WARM_UP_MIN = Duration.ofSeconds(1);
    private static final long ATTENTION_MEMORY_BUDGET = 256L << 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE|DIR",
            description = "A .onnx or .safetensors file, or a folder holding one (with config.json and tokenizer.json). "
                    + "Without it, /v1/embeddings answers 404.")
    Path model;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
            description = "Port to listen on; 0 picks a free one (printed). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE} (this machine only).")
    String host;

    @Mixin
    EmbedderOptions embedderOptions;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", paramLabel = "N",
            description = "Larger request bodies get a 413. Default: ${DEFAULT-VALUE} (1 MiB).")
    long maxBodyBytes;

    @Option(names = "--max-inputs", defaultValue = "256", paramLabel = "N",
            description = "Texts per embeddings request at most (more: 400). Default: ${DEFAULT-VALUE}.")
    int maxInputs;

    @Option(names = "--queue", defaultValue = "64", paramLabel = "N",
            description = "Requests waiting for or running on the model at once at most (more: 429). Default: ${DEFAULT-VALUE}.")
    int queue;

    @Override
    public Integer call() {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        SentenceEmbedder embedder = model == null ? null : embedderOptions.load(model);
        AttentionEngine engine = null;
        Runnable shutdown = null;
        try {
            long t0 = System.nanoTime();
            if (embedder != null) {
                embedder.warmUp(WARM_UP_MIN);
            }
            engine = AttentionEngine.builder().threads(threadCount()).memoryBudget(ATTENTION_MEMORY_BUDGET).build();
            AttentionService service = listen(engine, embedder);
            shutdown = once(service, engine, embedder, err);
            long t1 = System.nanoTime();
            try {
                ServeWarmUp.requests(host, service.port(), embedder != null);
            } catch (IOException e) {
                err.println("attention4j serve: warning: the warm-up requests failed (" + e.getMessage() + ")");
            }
            if (embedder != null) {
                err.printf(Locale.ROOT, "attention4j serve: %s, warmed up in %.1f s (%.1f s through HTTP)%n", embedder,
                        (System.nanoTime() - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
            }
            err.flush();
            Thread hook = Thread.ofPlatform().name("attention4j-serve-shutdown").unstarted(shutdown);
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("attention4j serve: http://" + urlHost() + ":" + service.port() + (embedder == null
                    ? " (no model: /v1/attention only; start with --model FILE|DIR to serve /v1/embeddings)"
                    : " (model " + modelName() + ", dimension " + embedder.dimension() + ")"));
            out.flush();
            try {
                service.awaitStop();          // until SIGTERM / Ctrl-C (the hook) ...
            } catch (InterruptedException e) {
                // ... or an interrupt of this thread: stop below
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is stopping the server
            }
        } finally {
            if (shutdown != null) {
                shutdown.run();
            } else {
                if (engine != null) {
                    engine.close();
                }
                if (embedder != null) {
                    embedder.close();
                }
            }
        }
        return 0;
    }

    /** Stops the server gracefully, then closes the engine and the model; runs once, whoever calls it first. */
    private static Runnable once(AttentionService service, AttentionEngine engine, SentenceEmbedder embedder,
            PrintWriter err) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            int busy = service.queue().busy();
            if (busy > 0) {
                err.println("attention4j serve: stopping; waiting up to " + AttentionService.DEFAULT_GRACE.toSeconds()
                        + " s for " + busy + " requests in flight");
                err.flush();
            }
            boolean drained = service.stop(AttentionService.DEFAULT_GRACE);
            engine.close();
            if (embedder != null) {
                embedder.close();
            }
            err.println("attention4j serve: stopped" + (drained ? "" : " (some requests were still running)"));
            err.flush();
        };
    }

    private void checkOptions() {
        if (port < 0 || port > 65535) {
            throw new BadInputException("--port " + port + ": expected 0..65535");
        }
        if (maxBodyBytes < 1) {
            throw new BadInputException("--max-body-bytes " + maxBodyBytes + ": expected >= 1");
        }
        if (maxInputs < 1) {
            throw new BadInputException("--max-inputs " + maxInputs + ": expected >= 1");
        }
        if (queue < 1) {
            throw new BadInputException("--queue " + queue + ": expected >= 1");
        }
        if (model == null && embedderOptions.tokenizer != null) {
            throw new BadInputException("--tokenizer without --model: give the model too");
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new BadInputException("--host " + host + ": unknown host");
        }
        embedderOptions.check();
    }

    private AttentionService listen(AttentionEngine engine, SentenceEmbedder embedder) {
        AttentionService.Builder b = AttentionService.builder(engine).host(host).port(port)
                .maxBodyBytes(maxBodyBytes).maxInputs(maxInputs).queue(queue);
        if (embedder != null) {
            b.embedder(embedder, modelName());
        }
        try {
            AttentionService service = b.build();
            service.start();
            return service;
        } catch (IOException e) {
            throw new BadInputException("--host " + host + " --port " + port + ": cannot listen there ("
                    + e.getMessage() + ")", e);
        }
    }

    private int threadCount() {
        return embedderOptions.threadCount();
    }

    /** The name responses carry: the model file's name without its extension, or its folder's name. */
    String modelName() {
        Path m = model.toAbsolutePath().normalize();
        String name = m.getFileName() == null ? m.toString() : m.getFileName().toString();
        if (Files.isDirectory(m)) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return stem.equals("model") && m.getParent() != null && m.getParent().getFileName() != null
                ? m.getParent().getFileName().toString() : stem;
    }

    private String urlHost() {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
