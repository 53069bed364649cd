package org.attention4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkFiles;
import org.attention4j.model.Pooling;
import org.attention4j.model.SentenceEmbedder;

/**
 * One {@link SentenceEmbedder} per executor JVM and {@link EmbedderKey}, created by the first task that needs
 * it and shared by every later task of any job (it is thread-safe; the weights are read once, and the JIT
 * warms up once). Never closed: it lives as long as the executor, as a cached model should; its helper
 * threads are daemons.
 */
final class ExecutorEmbedders {
    private static final Map<EmbedderKey, SentenceEmbedder> EMBEDDERS = new ConcurrentHashMap<>();
    private static final AtomicInteger CREATED = new AtomicInteger();

    private ExecutorEmbedders() {}

    /** {@return this JVM's embedder for {@code key}, loading the model the first time} */
    static SentenceEmbedder get(EmbedderKey key) {
        return EMBEDDERS.computeIfAbsent(key, ExecutorEmbedders::load);
    }

    /** {@return how many embedders this JVM has loaded} (the tests count them: one per model and JVM) */
    static int created() {
        return CREATED.get();
    }

    private static SentenceEmbedder load(EmbedderKey key) {
        try {
            SentenceEmbedder.Builder b = SentenceEmbedder.builder(locate("modelPath", key.modelPath()))
                    .pooling(Pooling.valueOf(key.pooling().toUpperCase(Locale.ROOT)))
                    .normalize(key.normalize()).threads(key.threads()).batchTokens(key.batchTokens());
            if (!key.tokenizerPath().isEmpty()) {
                b.tokenizer(locate("tokenizerPath", key.tokenizerPath()));
            }
            if (key.maxLength() > 0) {
                b.maxLength(key.maxLength());
            }
            SentenceEmbedder embedder = b.build();
            CREATED.incrementAndGet();
            return embedder;
        } catch (IOException e) {
            throw new UncheckedIOException("attention4j: cannot read the model " + key.modelPath() + ": "
                    + e.getMessage(), e);
        }
    }

    /** A path every executor reads, else a file shipped with {@code --files} / {@code SparkContext.addFile}. */
    private static Path locate(String param, String path) {
        Path direct = Path.of(path);
        if (Files.exists(direct)) {
            return direct;
        }
        String shipped;
        try {
            shipped = SparkFiles.get(direct.getFileName().toString());
        } catch (RuntimeException e) { // no SparkEnv: not inside Spark
            shipped = null;
        }
        if (shipped != null && Files.exists(Path.of(shipped))) {
            return Path.of(shipped);
        }
        throw new IllegalArgumentException(param + " = " + path + ": no such file or folder on this executor, nor "
                + "shipped with --files (SparkFiles.get gave " + shipped + "): put the model on a path every "
                + "executor reads, or ship it with --files / SparkContext.addFile");
    }
}
