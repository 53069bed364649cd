package org.attention4j.example.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.attention4j.spark.AttentionEmbedder;

/**
 * Reads texts (JSON lines with a text field, or Parquet), adds an embedding column with attention4j, writes
 * Parquet. For spark-submit (docs/SPARK.md, "Submitting a job"):
 * <pre>
 *   spark-submit --master local[*] --class org.attention4j.example.spark.EmbedJob \
 *     --jars attention4j-spark-0.1.0-SNAPSHOT-all.jar --files all-minilm-l6-v2.onnx,all-minilm-l6-v2-tokenizer.json \
 *     attention4j-example-spark-0.1.0-SNAPSHOT.jar \
 *     --input texts.jsonl --output embeddings.parquet --model all-minilm-l6-v2.onnx
 * </pre>
 * Options: {@code --input} (required; {@code .parquet} or a folder of Parquet files, else JSON lines),
 * {@code --output} (required, Parquet, replaced), {@code --model} (required), {@code --text-column} (default
 * {@code text}), {@code --batch-tokens} (default 512), {@code --partitions} (default: as read).
 */
public final class EmbedJob {
    private EmbedJob() {}

    public static void main(String[] args) {
        Map<String, String> options = parse(args);
        SparkSession spark = SparkSession.builder().appName("attention4j embed").getOrCreate();
        try {
            run(spark, options);
        } finally {
            spark.stop();
        }
    }

    /** The job on a session the caller owns; returns the rows written. */
    static long run(SparkSession spark, Map<String, String> options) {
        String input = options.get("input");
        Dataset<Row> texts = input.endsWith(".parquet") || !input.contains(".")
                ? spark.read().parquet(input) : spark.read().json(input);
        if (options.containsKey("partitions")) {
            texts = texts.repartition(Integer.parseInt(options.get("partitions")));
        }
        AttentionEmbedder embedder = new AttentionEmbedder().setModelPath(options.get("model"))
                .setInputCol(options.getOrDefault("text-column", "text")).setOutputCol("embedding")
                .setBatchTokens(Integer.parseInt(options.getOrDefault("batch-tokens", "512")));
        Dataset<Row> embedded = embedder.transform(texts).cache();
        embedded.write().mode(SaveMode.Overwrite).parquet(options.get("output"));
        long rows = embedded.count();
        embedded.unpersist();
        return rows;
    }

    /** {@code --name value} pairs; the three required ones checked. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'; usage: "
                        + "--input texts.jsonl|texts.parquet --output out.parquet --model model.onnx "
                        + "[--text-column text] [--batch-tokens 512] [--partitions N]");
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        for (String required : new String[] {"input", "output", "model"}) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        return options;
    }
}
