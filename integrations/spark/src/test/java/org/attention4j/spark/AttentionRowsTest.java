package org.attention4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.junit.jupiter.api.Test;

/** Attention over a Dataset of (q, k, v) rows of different lengths, against the engine called here. */
class AttentionRowsTest {
    private static final int HEADS = 4, KV_HEADS = 2, DIM = 16;
    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType, false)
            .add("q", DataTypes.createArrayType(DataTypes.FloatType), true)
            .add("k", DataTypes.createArrayType(DataTypes.FloatType), true)
            .add("v", DataTypes.createArrayType(DataTypes.FloatType), true);

    private static List<Float> floats(SplittableRandom r, int n) {
        List<Float> x = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            x.add((float) (r.nextDouble() * 2 - 1));
        }
        return x;
    }

    private static float[] array(List<Float> x) {
        float[] a = new float[x.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = x.get(i);
        }
        return a;
    }

    @Test
    void eachRowGetsItsOwnAttentionWhateverItsLengths() {
        SplittableRandom r = new SplittableRandom(5);
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < 24; id++) {
            int queries = 1 + r.nextInt(40), keys = queries + r.nextInt(30);
            rows.add(RowFactory.create(id, floats(r, queries * HEADS * DIM), floats(r, keys * KV_HEADS * DIM),
                    floats(r, keys * KV_HEADS * DIM)));
        }
        rows.add(RowFactory.create(24, null, floats(r, KV_HEADS * DIM), floats(r, KV_HEADS * DIM)));
        Dataset<Row> in = LocalSpark.session().createDataFrame(rows, SCHEMA).repartition(3);
        List<Row> out = AttentionRows.forward(in, "q", "k", "v", "o", HEADS, KV_HEADS, DIM, true).collectAsList();
        assertEquals(rows.size(), out.size());
        try (AttentionEngine engine = AttentionEngine.create(1)) {
            for (Row row : out) {
                int id = row.getInt(0);
                if (id == 24) {
                    assertTrue(row.isNullAt(4), "a row without q gets no output");
                    continue;
                }
                float[] q = array(row.getList(1)), k = array(row.getList(2)), v = array(row.getList(3));
                int queries = q.length / (HEADS * DIM), keys = k.length / (KV_HEADS * DIM);
                AttentionSpec spec = AttentionSpec.builder().queryLength(queries).keyLength(keys).heads(HEADS)
                        .kvHeads(KV_HEADS).headDim(DIM).causal(true).build();
                float[] expected = new float[q.length];
                engine.forward(spec, Tensor.bshd(q, queries, HEADS, DIM), Tensor.bshd(k, keys, KV_HEADS, DIM),
                        Tensor.bshd(v, keys, KV_HEADS, DIM), Tensor.bshd(expected, queries, HEADS, DIM));
                assertArrayEquals(expected, array(row.getList(4)), 1e-6f, "row " + id);
            }
        }
    }

    @Test
    void columnsAndShapesAreChecked() {
        Dataset<Row> in = LocalSpark.session().createDataFrame(List.of(RowFactory.create(0, List.of(1f), List.of(1f),
                List.of(1f))), SCHEMA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttentionRows.forward(in, "q", "keys", "v", "o", HEADS, KV_HEADS, DIM, false));
        assertTrue(e.getMessage().startsWith("column keys: expected array<float>"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AttentionRows.forward(in, "q", "id", "v", "o", HEADS, KV_HEADS, DIM, false));
        assertTrue(e.getMessage().startsWith("column id: expected array<float>"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AttentionRows.forward(in, "q", "k", "v", "o", 4, 3, DIM, false));
        assertTrue(e.getMessage().contains("kvHeads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AttentionRows.attend(new float[65], new float[32], new float[32], HEADS, KV_HEADS, DIM, false));
        assertTrue(e.getMessage().startsWith("q holds 65 floats: not a whole number of positions of 64"), e.getMessage());
    }
}
