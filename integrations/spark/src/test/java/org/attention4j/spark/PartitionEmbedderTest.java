package org.attention4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.attention4j.model.MiniLmFiles;
import org.attention4j.model.SentenceEmbedder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A partition's rows through chunks smaller than the partition, without Spark running: order, nulls, values. */
class PartitionEmbedderTest {
    static SentenceEmbedder embedder;

    @BeforeAll
    static void load() throws IOException {
        embedder = SentenceEmbedder.builder(MiniLmFiles.model()).threads(1).build();
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void everyRowKeepsItsPlaceAndGetsItsOwnVectorAcrossChunks() {
        List<String> texts = SparkTexts.mixed(40);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        Iterator<Row> out = new PartitionEmbedder(embedder, 1, 0, rows.iterator(), 7); // 7: many chunks, a short last
        for (int i = 0; i < texts.size(); i++) {
            Row row = out.next();
            assertEquals(3, row.size());
            assertEquals(i, row.getInt(0));
            assertSame(texts.get(i), row.getString(1));
            String text = texts.get(i);
            if (text == null || text.isEmpty()) {
                assertNull(row.get(2), "row " + i);
            } else {
                // Packing does not change a row's arithmetic (varlen attention, row-wise GEMMs and LayerNorm); the
                // margin is for the JIT: a Vector API lane sum adds in another order interpreted than compiled
                // (docs/EMBEDDINGS.md), a few ulps of a unit vector's components.
                assertArrayEquals(embedder.embed(text), (float[]) row.get(2), 1e-6f, "row " + i);
            }
        }
        assertFalse(out.hasNext());
    }
}
