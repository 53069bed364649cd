package org.attention4j.spark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.attention4j.model.MiniLmFiles;
import org.attention4j.model.SentenceEmbedder;
import org.attention4j.model.internal.SyntheticTexts;
import org.junit.jupiter.api.Test;

/**
 * Texts per second of three ways to embed the same texts on the same two cores, alternating in one JVM
 * (docs/SPARK.md, "Speed"): the Spark job ({@code local[2]}, {@link AttentionEmbedder}, one task per core), the
 * encoder alone ({@code SentenceEmbedder.embed} of the whole list on 2 threads, what {@code attention4j embed}
 * runs), the Spark job written one text per call with attention4j's encoder, and the same with DJL's tokenizer
 * and ONNX Runtime (what DJL's Spark {@code TextEmbedder} runs per row). Opt-in, it
 * takes minutes: {@code ./mvnw -pl integrations/spark test -Dtest=SparkEmbedRace -Dattention4j.sparkRace=20000}
 * (texts; the one-text-per-call jobs run on a fifth of them).
 */
class SparkEmbedRace {
    @Test
    void race() throws IOException {
        int n = Integer.getInteger("attention4j.sparkRace", 0);
        assumeTrue(n > 0, "opt-in: -Dattention4j.sparkRace=TEXTS");
        int rounds = Integer.getInteger("attention4j.sparkRace.rounds", 2);
        List<String> texts = SyntheticTexts.mix(n, 21);
        SparkSession spark = LocalSpark.builder("local[2]", "attention4j-spark-race").getOrCreate();
        try (SentenceEmbedder alone = SentenceEmbedder.builder(MiniLmFiles.model()).threads(2).build()) {
            StructType schema = new StructType().add("text", DataTypes.StringType, true);
            List<Row> rows = new ArrayList<>();
            texts.forEach(t -> rows.add(RowFactory.create(t)));
            Dataset<Row> all = spark.createDataFrame(rows, schema).repartition(2).cache();
            Dataset<Row> fifth = all.limit(n / 5).repartition(2).cache();
            all.count();
            fifth.count();
            AttentionEmbedder embedder = new AttentionEmbedder().setModelPath(MiniLmFiles.model().toString());
            EmbedderKey key = new EmbedderKey(MiniLmFiles.model().toString(), "", 0, "mean", true, 1, 512);
            long tokens = 0;
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                lengths[i] = alone.countTokens(texts.get(i));
                tokens += lengths[i];
            }
            Arrays.sort(lengths);
            System.out.printf("SparkEmbedRace: %d texts, %d tokens (per text: median %d, p90 %d, max %d); packed "
                    + "without padding, so computed tokens = real tokens%n", n, tokens, lengths[n / 2],
                    lengths[n * 9 / 10], lengths[n - 1]);
            alone.warmUp(java.time.Duration.ofSeconds(2));
            sumOfSizes(embedder.transform(fifth)); // warm-up: the executor's encoder loads, the JIT compiles
            sumOfSizes(oneTextPerCall(fifth, key));
            sumOfSizes(djlWay(fifth));
            double bestSpark = 0, bestAlone = 0, bestPerCall = 0, bestDjl = 0;
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                sumOfSizes(embedder.transform(all));
                double spark1 = n / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                alone.embed(texts);
                double alone1 = n / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                sumOfSizes(oneTextPerCall(fifth, key));
                double perCall1 = (n / 5) / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                sumOfSizes(djlWay(fifth));
                double djl1 = (n / 5) / ((System.nanoTime() - t0) / 1e9);
                System.out.printf("SparkEmbedRace round %d: Spark job %.1f texts/s, encoder alone %.1f, one text "
                        + "per call %.1f, DJL's way (LangChain4j: DJL tokenizer + ONNX Runtime) %.1f%n", round + 1,
                        spark1, alone1, perCall1, djl1);
                bestSpark = Math.max(bestSpark, spark1);
                bestAlone = Math.max(bestAlone, alone1);
                bestPerCall = Math.max(bestPerCall, perCall1);
                bestDjl = Math.max(bestDjl, djl1);
            }
            System.out.printf("SparkEmbedRace best: Spark job %.1f texts/s = %.2f x the encoder alone (%.1f), "
                    + "%.2f x one text per call (%.1f), %.2f x DJL's way (%.1f)%n", bestSpark, bestSpark / bestAlone,
                    bestAlone, bestSpark / bestPerCall, bestPerCall, bestSpark / bestDjl, bestDjl);
        } finally {
            spark.stop();
        }
    }

    /** Forces every vector to be computed (a count alone could skip the column). */
    private static long sumOfSizes(Dataset<Row> embedded) {
        return embedded.agg(functions.sum(functions.size(functions.col(embedded.columns()[1]))))
                .first().getLong(0);
    }

    private static AllMiniLmL6V2EmbeddingModel onnxRuntime;

    private static synchronized AllMiniLmL6V2EmbeddingModel onnxRuntime() {
        if (onnxRuntime == null) { // one per executor JVM, as DJL's ModelLoader keeps its predictor's model
            onnxRuntime = new AllMiniLmL6V2EmbeddingModel();
        }
        return onnxRuntime;
    }

    /**
     * The job as DJL's Spark {@code TextEmbedder} runs it: per row, the Hugging Face tokenizer (DJL's) and one
     * ONNX Runtime call of batch 1; here through LangChain4j's in-process all-MiniLM-L6-v2, which is exactly DJL's
     * tokenizer and ONNX Runtime (DJL's Spark extension itself downloads its engine at run time).
     */
    private static Dataset<Row> djlWay(Dataset<Row> texts) {
        JavaRDD<Row> rows = texts.toDF().javaRDD().mapPartitions(in -> {
            AllMiniLmL6V2EmbeddingModel model = onnxRuntime();
            List<Row> out = new ArrayList<>();
            while (in.hasNext()) {
                String text = in.next().getString(0);
                out.add(RowFactory.create(text, model.embed(text).content().vector()));
            }
            return out.iterator();
        });
        return texts.sparkSession().createDataFrame(rows, new StructType().add("text", DataTypes.StringType, true)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true));
    }

    /** The job with DJL's shape (one encoder call per row) but attention4j's encoder. */
    private static Dataset<Row> oneTextPerCall(Dataset<Row> texts, EmbedderKey key) {
        JavaRDD<Row> rows = texts.toDF().javaRDD().mapPartitions(in -> {
            SentenceEmbedder embedder = ExecutorEmbedders.get(key);
            List<Row> out = new ArrayList<>();
            while (in.hasNext()) {
                String text = in.next().getString(0);
                out.add(RowFactory.create(text, embedder.embed(text)));
            }
            return out.iterator();
        });
        return texts.sparkSession().createDataFrame(rows, new StructType().add("text", DataTypes.StringType, true)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true));
    }
}
