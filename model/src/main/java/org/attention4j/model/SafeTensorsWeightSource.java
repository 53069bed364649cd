package org.attention4j.model;

import java.io.IOException;
import java.nio.file.Path;
import org.attention4j.io.SafeTensorsFile;

/**
 * A Hugging Face safetensors checkpoint as a {@link WeightSource}, through the engine's strict reader
 * (a repeated name, overlapping data or a lying header is refused). F16, BF16 and F64 tensors are widened
 * or rounded to float32 on read.
 *
 * @since 0.1
 */
public final class SafeTensorsWeightSource implements WeightSource {
    private final SafeTensorsFile file;

    private SafeTensorsWeightSource(SafeTensorsFile file) {
        this.file = file;
    }

    /**
     * Reads and checks the header of {@code file}; tensors are read when asked for.
     *
     * @param file a {@code .safetensors} checkpoint
     * @return the source
     * @throws IllegalArgumentException when the header is not a valid safetensors header
     * @throws IOException when the file cannot be read
     */
    public static SafeTensorsWeightSource open(Path file) throws IOException {
        return new SafeTensorsWeightSource(SafeTensorsFile.open(file));
    }

    @Override
    public String description() {
        return file.file().toString();
    }

    @Override
    public boolean contains(String name) {
        return file.entry(name) != null;
    }

    @Override
    public long[] shape(String name) {
        SafeTensorsFile.Entry e = file.entry(name);
        if (e == null) {
            throw new IllegalArgumentException(description() + ": no tensor '" + name + "'");
        }
        return e.shape().clone();
    }

    @Override
    public float[] read(String name) throws IOException {
        return file.read(name);
    }
}
