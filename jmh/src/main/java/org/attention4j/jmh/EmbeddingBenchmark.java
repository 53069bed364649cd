package org.attention4j.jmh;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.attention4j.model.SentenceEmbedder;
import org.attention4j.model.internal.SyntheticTexts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sentence embeddings with all-MiniLM-L6-v2 (the checkpoint in LangChain4j's Maven Central jar), one
 * operation = {@code texts} texts of the seeded retrieval-like mix ({@link SyntheticTexts}), so the
 * score × texts is texts/s. {@code peer}: attention4j's {@link SentenceEmbedder}, or ONNX Runtime running
 * the same graph one text at a time as LangChain4j does ({@link OrtEmbedder}, intra-op threads =
 * {@code threads}). Each trial first checks the peer's vectors against attention4j's (cosine ≥ 0.99999).
 * For the side-by-side figures with alternating rounds and LangChain4j itself, see {@link EmbeddingRace}.
 * Run: {@code scripts/bench.sh --jmh EmbeddingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g", "--enable-native-access=ALL-UNNAMED"})
public class EmbeddingBenchmark {
    public enum Peer { ATTENTION4J, ORT_BATCH_1 }

    @Param({"1", "2"})
    public int threads;
    @Param({"200"})
    public int texts;
    @Param({"ATTENTION4J", "ORT_BATCH_1"})
    public Peer peer;

    private List<String> input;
    private SentenceEmbedder embedder;
    private OrtEmbedder ort;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        Path dir = Files.createTempDirectory("attention4j-embedding-bench");
        for (String name : List.of("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json")) {
            try (InputStream in = EmbeddingBenchmark.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException(name + " is not on the class path");
                }
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            dir.resolve(name).toFile().deleteOnExit();
        }
        Path model = dir.resolve("all-minilm-l6-v2.onnx");
        input = SyntheticTexts.mix(texts, 21);
        embedder = SentenceEmbedder.builder(model).threads(threads).build();
        float[][] expected = embedder.embed(input);
        if (peer == Peer.ORT_BATCH_1) {
            ort = new OrtEmbedder(model, dir.resolve("all-minilm-l6-v2-tokenizer.json"), threads, 128);
            float[][] actual = ort.embed(input);
            for (int t = 0; t < actual.length; t++) {
                double dot = 0;
                for (int j = 0; j < actual[t].length; j++) {
                    dot += actual[t][j] * expected[t][j];
                }
                if (dot < 0.99999) {
                    throw new IllegalStateException("text " + t + ": ORT and attention4j disagree (cosine " + dot + ")");
                }
            }
            embedder.close();
            embedder = null;
        }
    }

    @Benchmark
    public float[][] embed() throws OrtException {
        return peer == Peer.ATTENTION4J ? embedder.embed(input) : ort.embed(input);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (embedder != null) {
            embedder.close();
        }
        if (ort != null) {
            ort.close();
        }
    }
}
