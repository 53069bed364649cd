package org.attention4j.spark;

import java.io.Serializable;

/**
 * What identifies one encoder on an executor: the files and every option that changes its vectors or its
 * threads. Travels in the task closure instead of the model (a few strings and numbers), and keys the
 * executor's holder ({@link ExecutorEmbedders}), so tasks that ask for the same model share one encoder.
 *
 * @param modelPath the {@code .onnx} / {@code .safetensors} file or folder, on a path every executor reads,
 *     or the file name of one shipped with {@code --files} ({@code SparkFiles})
 * @param tokenizerPath the {@code tokenizer.json}, likewise; empty: the one beside the model
 * @param maxLength tokens per text at most; 0: the tokenizer file's truncation
 * @param pooling {@code mean} or {@code cls}
 * @param normalize L2-normalize each vector
 * @param threads threads of each call (a task's share of the executor's cores)
 * @param batchTokens tokens per packed batch
 */
record EmbedderKey(String modelPath, String tokenizerPath, int maxLength, String pooling, boolean normalize,
                   int threads, int batchTokens) implements Serializable {
}
