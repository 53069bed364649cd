package org.attention4j.example.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.attention4j.model.MiniLmFiles;
import org.attention4j.model.SentenceEmbedder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example job end to end on local[2]: JSON lines in, Parquet out, read back and checked. */
class EmbedJobTest {
    @Test
    void jsonLinesInParquetOutEveryRowEmbedded(@TempDir Path dir) throws IOException {
        List<String> texts = List.of("The first document.", "Ein zweites Dokument, auf Deutsch.", "",
                "a third one, a little longer than the others, with punctuation: (yes) [no] {maybe}!");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            lines.add("{\"id\": " + i + ", \"text\": \"" + texts.get(i) + "\"}");
        }
        lines.add("{\"id\": 4}"); // no text: a null embedding
        Path input = Files.write(dir.resolve("texts.jsonl"), lines);
        Path output = dir.resolve("embeddings.parquet");
        SparkSession spark = SparkSession.builder().master("local[2]").appName("attention4j-example")
                .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        try (SentenceEmbedder alone = SentenceEmbedder.builder(MiniLmFiles.model()).threads(1).build()) {
            long written = EmbedJob.run(spark, EmbedJob.parse(new String[] {"--input", input.toString(),
                    "--output", output.toString(), "--model", MiniLmFiles.model().toString(), "--partitions", "2"}));
            assertEquals(5, written);
            List<Row> back = spark.read().parquet(output.toString()).orderBy("id").collectAsList();
            assertEquals(5, back.size());
            for (Row row : back) {
                int id = (int) row.getLong(row.fieldIndex("id"));
                String text = id < texts.size() ? texts.get(id) : null;
                int at = row.fieldIndex("embedding");
                if (text == null || text.isEmpty()) {
                    assertTrue(row.isNullAt(at), "row " + id);
                    continue;
                }
                List<Float> got = row.getList(at);
                float[] vector = new float[got.size()];
                for (int j = 0; j < vector.length; j++) {
                    vector[j] = got.get(j);
                }
                assertArrayEquals(alone.embed(text), vector, 8 * Math.ulp(1f), "row " + id);
            }
        } finally {
            spark.stop();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbedJob.parse(new String[] {"--input", "x.jsonl", "--output", "y.parquet"}));
        assertEquals("--model is required", e.getMessage());
    }
}
