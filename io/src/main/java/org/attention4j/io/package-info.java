/**
 * Strict readers of model and tensor files from anywhere, and bytes in memory (request bodies):
 * {@link org.attention4j.io.SafeTensorsFile} checks a safetensors header whole (bounded size, strict JSON,
 * dtypes, shapes and byte ranges that fit the file and do not overlap) before reading a tensor, and reads
 * F32, F64, F16 and BF16 as float32, or F16, BF16 and I8 as they are stored (keys and values of the
 * engine's smaller element types); {@link org.attention4j.io.NpyFile} does the same for NumPy {@code .npy}
 * files and writes them. A malformed file is an {@link java.lang.IllegalArgumentException} naming the file
 * (and the tensor).
 *
 * @since 0.1
 */
package org.attention4j.io;
