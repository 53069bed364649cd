package org.attention4j.spark;

import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * The attention operator over a Dataset whose rows hold tensors: each row's {@code q}, {@code k}, {@code v}
 * columns ({@code array<float>}, BSHD {@code [length, heads, headDim]} flattened) give one problem, its lengths
 * read off the arrays' sizes, and the output ({@code [queries, heads, headDim]}) is added as a column. For users
 * with their own tensors (features computed upstream, a model's activations dumped to Parquet); one engine per
 * executor JVM, one thread per task.
 * <pre>{@code
 * Dataset<Row> out = AttentionRows.forward(rows, "q", "k", "v", "o", 8, 2, 64, true);
 * }</pre>
 */
public final class AttentionRows {
    private static AttentionEngine engine;

    private AttentionRows() {}

    private static synchronized AttentionEngine engine() {
        if (engine == null) { // one per executor JVM, never closed: it lives as long as the executor
            engine = AttentionEngine.create(1);
        }
        return engine;
    }

    /**
     * {@return {@code rows} with an output column added}: each row's attention, null when q, k or v is null
     *
     * @param rows the rows
     * @param q the queries' column
     * @param k the keys' column
     * @param v the values' column
     * @param out the output column to add
     * @param heads query heads
     * @param kvHeads key/value heads (a divisor of {@code heads})
     * @param headDim floats per head
     * @param causal causal mask (bottom-right aligned when the lengths differ)
     * @throws IllegalArgumentException when a column is missing or not {@code array<float>}, or the shape is
     *     impossible; a row whose arrays do not hold whole positions fails its task, naming the row's values
     */
    public static Dataset<Row> forward(Dataset<Row> rows, String q, String k, String v, String out, int heads,
                                       int kvHeads, int headDim, boolean causal) {
        StructType schema = rows.schema();
        int[] at = new int[3];
        String[] names = {q, k, v};
        for (int i = 0; i < 3; i++) {
            if (!Arrays.asList(schema.fieldNames()).contains(names[i])
                    || !(schema.apply(names[i]).dataType() instanceof ArrayType a && a.elementType() == DataTypes.FloatType)) {
                throw new IllegalArgumentException("column " + names[i] + ": expected array<float> (the columns: "
                        + schema.simpleString() + ")");
            }
            at[i] = schema.fieldIndex(names[i]);
        }
        AttentionSpec.builder().length(1).heads(heads).kvHeads(kvHeads).headDim(headDim).build(); // checks the shape
        StructType withOut = schema.add(out, DataTypes.createArrayType(DataTypes.FloatType, false), true);
        JavaRDD<Row> result = rows.javaRDD().map(row -> {
            Object[] values = new Object[row.size() + 1];
            for (int i = 0; i < row.size(); i++) {
                values[i] = row.get(i);
            }
            if (!row.isNullAt(at[0]) && !row.isNullAt(at[1]) && !row.isNullAt(at[2])) {
                values[row.size()] = attend(floats(row, at[0]), floats(row, at[1]), floats(row, at[2]), heads, kvHeads,
                        headDim, causal);
            }
            return RowFactory.create(values);
        });
        return rows.sparkSession().createDataFrame(result, withOut);
    }

    private static float[] floats(Row row, int column) {
        java.util.List<Float> list = row.getList(column);
        float[] x = new float[list.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = list.get(i);
        }
        return x;
    }

    /** One row's problem: lengths from the sizes. */
    static float[] attend(float[] q, float[] k, float[] v, int heads, int kvHeads, int headDim, boolean causal) {
        int queries = whole("q", q.length, heads * headDim), keys = whole("k", k.length, kvHeads * headDim);
        if (v.length != k.length) {
            throw new IllegalArgumentException("v holds " + v.length + " floats, k " + k.length + ": expected the same");
        }
        AttentionSpec spec = AttentionSpec.builder().queryLength(queries).keyLength(keys).heads(heads)
                .kvHeads(kvHeads).headDim(headDim).causal(causal).build();
        float[] o = new float[q.length];
        engine().forward(spec, Tensor.bshd(q, queries, heads, headDim), Tensor.bshd(k, keys, kvHeads, headDim),
                Tensor.bshd(v, keys, kvHeads, headDim), Tensor.bshd(o, queries, heads, headDim));
        return o;
    }

    private static int whole(String name, int floats, int perPosition) {
        if (floats % perPosition != 0) {
            throw new IllegalArgumentException(name + " holds " + floats + " floats: not a whole number of positions of "
                    + perPosition + " (heads × headDim)");
        }
        return floats / perPosition;
    }
}
