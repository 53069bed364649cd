package org.attention4j.model;

import java.io.IOException;

/**
 * Named float32 tensors of a checkpoint in the Hugging Face layout and naming: BERT names such as
 * {@code encoder.layer.0.attention.self.query.weight}, and {@code nn.Linear} weights stored
 * {@code [out, in]}. A safetensors file is one directly; an ONNX export becomes one after its anonymous
 * MatMul weights are named after the graph nodes that use them (and transposed from {@code [in, out]}).
 *
 * @since 0.1
 */
public interface WeightSource {
    /** {@return where the tensors come from, for messages} (e.g. the file) */
    String description();

    /**
     * {@return whether a tensor of this name exists}
     *
     * @param name the tensor's name, in the Hugging Face naming
     */
    boolean contains(String name);

    /**
     * {@return the shape of a tensor}, outermost dimension first (do not modify it)
     *
     * @param name the tensor's name, in the Hugging Face naming
     * @throws IllegalArgumentException naming the tensor when it does not exist
     */
    long[] shape(String name);

    /**
     * {@return the tensor's elements in row-major order, as float32}
     *
     * @param name the tensor's name, in the Hugging Face naming
     * @throws IllegalArgumentException naming the tensor when it does not exist or is not float data
     * @throws IOException when the file cannot be read
     */
    float[] read(String name) throws IOException;
}
