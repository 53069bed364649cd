package org.attention4j.spark;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@link Transformer} that adds a sentence-embedding column ({@code array<float>}, null for a null
 * or empty text) for a text column, with attention4j's BERT-family encoder ({@code attention4j-model}): an ONNX
 * export or a Hugging Face safetensors checkpoint, as {@code attention4j embed} takes it.
 * <pre>{@code
 * Dataset<Row> out = new AttentionEmbedder().setModelPath("/models/all-minilm-l6-v2.onnx")
 *         .setInputCol("text").setOutputCol("embedding").transform(texts);
 * }</pre>
 * <ul>
 *   <li>One encoder per executor JVM and model/options, loaded by the first task that needs it and shared by
 *       the later ones; the closure carries the path and the options, never the model. The model is read on
 *       the executors: a path they all see, or a file shipped with {@code --files} (named by its file name).</li>
 *   <li>In each partition, rows a chunk at a time: texts ordered by length and packed into variable-length
 *       batches of {@link #batchTokens} tokens, no padding; the vectors go back to their rows, in order.</li>
 *   <li>Each task runs its calls on {@link #threadsPerTask} threads (default 1: Spark already runs one task per
 *       core).</li>
 *   <li>Savable and loadable ({@link #write()}, {@link #load(String)}): the parameters, not the model.</li>
 * </ul>
 * The executors' JVMs need {@code --add-modules jdk.incubator.vector} for the SIMD kernels; Spark 4.2's
 * launcher adds it (docs/SPARK.md).
 */
public class AttentionEmbedder extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> modelPath;
    private final Param<String> tokenizerPath;
    private final IntParam maxLength;
    private final Param<String> pooling;
    private final BooleanParam normalize;
    private final IntParam threadsPerTask;
    private final IntParam batchTokens;

    /** A transformer with a random uid and the default parameters. */
    public AttentionEmbedder() {
        this(Identifiable.randomUID("attention4jEmbedder"));
    }

    /**
     * A transformer with this uid (the constructor {@link #load} uses).
     *
     * @param uid the stage's unique id
     */
    public AttentionEmbedder(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "the text column (string)");
        outputCol = new Param<>(this, "outputCol", "the embedding column to add (array<float>)");
        modelPath = new Param<>(this, "modelPath", "the .onnx / .safetensors file or folder on the executors, or "
                + "the name of a file shipped with --files");
        tokenizerPath = new Param<>(this, "tokenizerPath", "tokenizer.json on the executors; empty: beside the model");
        maxLength = new IntParam(this, "maxLength", "tokens per text at most (longer texts are truncated); 0: the "
                + "tokenizer file's limit", ParamValidators.gtEq(0));
        pooling = new Param<>(this, "pooling", "mean or cls", ParamValidators.inArray(new String[] {"mean", "cls"}));
        normalize = new BooleanParam(this, "normalize", "L2-normalize each vector");
        threadsPerTask = new IntParam(this, "threadsPerTask", "threads of each task's encoder calls",
                ParamValidators.gtEq(1));
        batchTokens = new IntParam(this, "batchTokens", "tokens per packed batch", ParamValidators.gtEq(1));
        setDefault(inputCol, "text");
        setDefault(outputCol, "embedding");
        setDefault(tokenizerPath, "");
        setDefault(maxLength, 0);
        setDefault(pooling, "mean");
        setDefault(normalize, true);
        setDefault(threadsPerTask, 1);
        setDefault(batchTokens, 512);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** {@return the text column parameter} */
    public Param<String> inputCol() { return inputCol; }

    /** {@return the embedding column parameter} */
    public Param<String> outputCol() { return outputCol; }

    /** {@return the model path parameter} (required) */
    public Param<String> modelPath() { return modelPath; }

    /** {@return the tokenizer path parameter} */
    public Param<String> tokenizerPath() { return tokenizerPath; }

    /** {@return the truncation parameter} */
    public IntParam maxLength() { return maxLength; }

    /** {@return the pooling parameter} */
    public Param<String> pooling() { return pooling; }

    /** {@return the normalization parameter} */
    public BooleanParam normalize() { return normalize; }

    /** {@return the threads-per-task parameter} */
    public IntParam threadsPerTask() { return threadsPerTask; }

    /** {@return the tokens-per-batch parameter} */
    public IntParam batchTokens() { return batchTokens; }

    /**
     * Sets {@link #inputCol()}.
     *
     * @param value the text column
     * @return this
     */
    public AttentionEmbedder setInputCol(String value) { set(inputCol, value); return this; }

    /**
     * Sets {@link #outputCol()}.
     *
     * @param value the embedding column to add
     * @return this
     */
    public AttentionEmbedder setOutputCol(String value) { set(outputCol, value); return this; }

    /**
     * Sets {@link #modelPath()}.
     *
     * @param value the model file or folder
     * @return this
     */
    public AttentionEmbedder setModelPath(String value) { set(modelPath, value); return this; }

    /**
     * Sets {@link #tokenizerPath()}.
     *
     * @param value the tokenizer.json
     * @return this
     */
    public AttentionEmbedder setTokenizerPath(String value) { set(tokenizerPath, value); return this; }

    /**
     * Sets {@link #maxLength()}.
     *
     * @param value tokens per text at most, 0 for the tokenizer's
     * @return this
     */
    public AttentionEmbedder setMaxLength(int value) { set(maxLength, value); return this; }

    /**
     * Sets {@link #pooling()}.
     *
     * @param value {@code mean} or {@code cls}
     * @return this
     */
    public AttentionEmbedder setPooling(String value) { set(pooling, value.toLowerCase(Locale.ROOT)); return this; }

    /**
     * Sets {@link #normalize()}.
     *
     * @param value L2-normalize
     * @return this
     */
    public AttentionEmbedder setNormalize(boolean value) { set(normalize, value); return this; }

    /**
     * Sets {@link #threadsPerTask()}.
     *
     * @param value threads of each task's calls
     * @return this
     */
    public AttentionEmbedder setThreadsPerTask(int value) { set(threadsPerTask, value); return this; }

    /**
     * Sets {@link #batchTokens()}.
     *
     * @param value tokens per packed batch
     * @return this
     */
    public AttentionEmbedder setBatchTokens(int value) { set(batchTokens, value); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        String in = $(inputCol), out = $(outputCol);
        if (!Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException("inputCol = " + in + ": no such column (the columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        if (!schema.apply(in).dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("inputCol = " + in + ": a " + schema.apply(in).dataType().simpleString()
                    + " column; expected string");
        }
        if (Arrays.asList(schema.fieldNames()).contains(out)) {
            throw new IllegalArgumentException("outputCol = " + out + ": the column exists already");
        }
        return schema.add(new StructField(out, DataTypes.createArrayType(DataTypes.FloatType, false), true,
                org.apache.spark.sql.types.Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema());
        if (!isDefined(modelPath) || $(modelPath).isBlank()) {
            throw new IllegalArgumentException("modelPath is not set: setModelPath(the .onnx / .safetensors file or "
                    + "folder, on the executors)");
        }
        EmbedderKey key = new EmbedderKey($(modelPath), $(tokenizerPath), (Integer) $(maxLength), $(pooling),
                (Boolean) $(normalize), (Integer) $(threadsPerTask), (Integer) $(batchTokens));
        int textColumn = dataset.schema().fieldIndex($(inputCol));
        JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitionsWithIndex(
                (partition, in) -> new PartitionEmbedder(ExecutorEmbedders.get(key), textColumn, partition, in,
                        PartitionEmbedder.CHUNK_ROWS), true);
        return dataset.sparkSession().createDataFrame(rows, schema);
    }

    @Override
    public AttentionEmbedder copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** {@return a reader of saved transformers} */
    public static MLReader<AttentionEmbedder> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * {@return the transformer saved at {@code path}} (its parameters; the model is read when it runs)
     *
     * @param path where {@link #write()}{@code .save(path)} put it
     */
    public static AttentionEmbedder load(String path) {
        return read().load(path);
    }
}
