/**
 * ONNX model files: a strict, bounded protobuf reader of the parts of an ONNX model a weight loader
 * needs ({@code OnnxModelFile}, package-private), and {@link org.attention4j.model.onnx.OnnxBertWeights},
 * the weights of a BERT-family ONNX export in the Hugging Face naming and layout.
 *
 * @since 0.1
 */
package org.attention4j.model.onnx;
