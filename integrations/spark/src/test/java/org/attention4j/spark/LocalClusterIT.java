package org.attention4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.attention4j.model.MiniLmFiles;
import org.junit.jupiter.api.Test;

/**
 * The transformer on {@code local-cluster[2,1,1024]}: two executor JVMs besides this driver, as on a cluster. Every
 * row gets its vector, and each executor JVM loads the model once for two jobs (counted in the executors
 * themselves). Runs in a surefire execution of its own (SPARK_TESTING=1 and the class path handed to the
 * executors: pom.xml).
 */
class LocalClusterIT {
    @Test
    void eachExecutorJvmLoadsTheModelOnceAndEveryRowIsEmbedded() throws Exception {
        // local-cluster is Spark's own test mode: its workers want a Spark home (an empty one will do: the
        // executors' class path is this JVM's, below) and SPARK_TESTING=1 in the environment (pom.xml).
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", Files.createTempDirectory("spark-test-home").toString());
        SparkSession spark = LocalSpark.builder("local-cluster[2,1,1024]", "attention4j-cluster")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .getOrCreate();
        try {
            List<String> texts = SparkTexts.mixed(30);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                rows.add(RowFactory.create(i, texts.get(i)));
            }
            StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                    .add("text", DataTypes.StringType, true);
            Dataset<Row> in = spark.createDataFrame(rows, schema).repartition(4);
            AttentionEmbedder embedder = new AttentionEmbedder().setModelPath(MiniLmFiles.model().toString());
            for (int job = 0; job < 2; job++) {
                List<Row> out = embedder.transform(in).collectAsList();
                assertEquals(texts.size(), out.size());
                for (Row row : out) {
                    String text = texts.get(row.getInt(0));
                    assertEquals(text == null || text.isEmpty(), row.isNullAt(2), "row " + row.getInt(0));
                }
            }
            // What each executor JVM counted (its pid → encoders loaded), asked on the executors themselves.
            JavaRDD<Row> counts = in.javaRDD().mapPartitions(it -> List.of(RowFactory.create(
                    ProcessHandle.current().pid(), ExecutorEmbedders.created())).iterator());
            Map<Long, Integer> perJvm = new TreeMap<>();
            for (Row r : counts.collect()) {
                perJvm.put(r.getLong(0), r.getInt(1));
            }
            System.out.println("LocalClusterIT: encoders loaded per executor JVM (pid=count): " + perJvm);
            assertTrue(perJvm.size() >= 1 && !perJvm.containsKey(ProcessHandle.current().pid()),
                    "the partitions ran in executor JVMs, not the driver: " + perJvm);
            perJvm.values().forEach(n -> assertEquals(1, n, "one encoder per executor JVM: " + perJvm));
        } finally {
            spark.stop();
        }
    }
}
