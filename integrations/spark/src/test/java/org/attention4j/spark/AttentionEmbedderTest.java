package org.attention4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.attention4j.model.MiniLmFiles;
import org.attention4j.model.SentenceEmbedder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformer on {@code local[2]} (two task threads in this JVM) against the encoder run alone on the same
 * texts: every row in its place, nulls and empty texts null, one encoder per JVM, save and load, bad parameters.
 */
class AttentionEmbedderTest {
    /** 8 ulps of 1: the vectors are unit length; the margin is the JIT's lane-sum order (docs/EMBEDDINGS.md). */
    private static final float TOLERANCE = 8 * Math.ulp(1f);
    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType, false)
            .add("text", DataTypes.StringType, true);

    static SparkSession spark;
    static SentenceEmbedder alone;

    @BeforeAll
    static void start() throws IOException {
        spark = LocalSpark.session();
        alone = SentenceEmbedder.builder(MiniLmFiles.model()).threads(1).build();
    }

    @AfterAll
    static void stop() {
        alone.close();
    }

    private static Dataset<Row> frame(List<String> texts, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        return spark.createDataFrame(rows, SCHEMA).repartition(partitions, functions.col("id").mod(partitions))
                .sortWithinPartitions("id");
    }

    private static AttentionEmbedder embedder() {
        return new AttentionEmbedder().setModelPath(MiniLmFiles.model().toString());
    }

    /** Checks {@code out} (id, text, embedding) against the encoder alone; returns the rows compared. */
    private static int assertSameAsAlone(List<String> texts, List<Row> out) {
        assertEquals(texts.size(), out.size());
        int inexact = 0;
        for (Row row : out) {
            int id = row.getInt(0);
            String text = texts.get(id);
            assertEquals(text, row.getString(1), "row " + id + " kept its text");
            if (text == null || text.isEmpty()) {
                assertNull(row.get(2), "row " + id + ": a null or empty text gets a null vector");
                continue;
            }
            List<Float> got = row.getList(2);
            float[] expected = alone.embed(text);
            assertEquals(expected.length, got.size());
            for (int j = 0; j < expected.length; j++) {
                float delta = Math.abs(expected[j] - got.get(j));
                assertTrue(delta <= TOLERANCE, "row " + id + " component " + j + ": " + got.get(j) + " vs " + expected[j]);
                inexact += delta > 0 ? 1 : 0;
            }
        }
        System.out.println("AttentionEmbedderTest: " + out.size() + " rows, " + inexact + " components not bit-equal");
        return out.size();
    }

    @Test
    void everyRowGetsTheVectorOfTheEncoderAloneInItsPlace() {
        List<String> texts = SparkTexts.mixed(250);
        int before = ExecutorEmbedders.created();
        Dataset<Row> in = frame(texts, 3);
        List<Row> out = embedder().transform(in).collectAsList();
        assertSameAsAlone(texts, out);
        // Row order: each partition's rows come out in the order they went in (sorted by id within it here).
        List<Row> input = in.collectAsList();
        for (int i = 0; i < out.size(); i++) {
            assertEquals(input.get(i).getInt(0), out.get(i).getInt(0), "position " + i);
        }
        embedder().transform(in).count(); // a second job: the same encoder
        assertEquals(1, ExecutorEmbedders.created() - before, "one encoder for this JVM and model");
    }

    @Test
    void savedAndLoadedItKeepsItsParametersAndItsVectors(@TempDir Path dir) throws IOException {
        AttentionEmbedder saved = embedder().setInputCol("text").setOutputCol("vector").setBatchTokens(256)
                .setPooling("MEAN").setThreadsPerTask(1);
        saved.write().overwrite().save(dir.resolve("stage").toString());
        AttentionEmbedder loaded = AttentionEmbedder.load(dir.resolve("stage").toString());
        assertEquals(saved.uid(), loaded.uid());
        assertEquals(saved.extractParamMap().toString(), loaded.extractParamMap().toString());
        List<String> texts = SparkTexts.mixed(20);
        List<Row> out = loaded.transform(frame(texts, 2)).collectAsList();
        assertEquals("vector", loaded.transform(frame(texts, 2)).columns()[2]);
        assertSameAsAlone(texts, out);
    }

    @Test
    void badParametersAreRefusedWithTheParameterNamed() {
        Dataset<Row> in = frame(List.of("a text"), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> embedder().setInputCol("body").transform(in));
        assertTrue(e.getMessage().startsWith("inputCol = body: no such column"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> embedder().setInputCol("id").transform(in));
        assertTrue(e.getMessage().contains("inputCol = id: a int column; expected string"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> embedder().setOutputCol("text").transform(in));
        assertTrue(e.getMessage().contains("outputCol = text: the column exists already"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AttentionEmbedder().transform(in));
        assertTrue(e.getMessage().startsWith("modelPath is not set"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> embedder().setPooling("max"));
        assertTrue(e.getMessage().contains("pooling"), e.getMessage());
        Exception job = assertThrows(Exception.class,
                () -> embedder().setModelPath("/no/such/model.onnx").transform(in).collectAsList());
        assertTrue(String.valueOf(job.getMessage()).contains("modelPath = /no/such/model.onnx: no such file"),
                job.getMessage());
    }
}
