package org.attention4j.cli.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.attention4j.ElementType;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.OutputFiles;
import org.attention4j.io.NpyFile;

/**
 * NumPy {@code .npy} files for the CLI and the service, through the engine's strict reader and writer
 * ({@link NpyFile}: versions 1.0–3.0, {@code <f4}/{@code <f8}/{@code <f2} tensors, bool and integer masks and
 * offsets, C order; written as {@code <f4}, version 1.0). Its errors become one-line
 * {@link BadInputException}s naming the file, raised before any allocation the header asks for.
 */
public final class Npy {
    private Npy() {}

    /** What to make of a checked file. */
    private interface Body<T> {
        T read(NpyFile f, String name) throws IOException;
    }

    /** Reads a file as float32 (every dtype {@link NpyFile#readFloats} converts). */
    public static FloatArray read(Path file) {
        return read(file, (f, name) -> new FloatArray(name, f.shape(), f.readFloats()));
    }

    /**
     * Reads a float tensor keeping float16 as it is: {@code <f2} gives FLOAT16 bit patterns, {@code <f4}
     * and {@code <f8} float32 (f8 rounded); other dtypes (integers, bool: a mask or offsets) are refused.
     * For the keys and values of {@code run}, which the engine takes in their type.
     */
    public static TypedArray readTensor(Path file) {
        return read(file, (f, name) -> switch (f.dtype()) {
            case "<f2" -> TypedArray.halves(name, f.shape(), ElementType.FLOAT16, f.readHalves());
            case "<f4", "<f8" -> TypedArray.of(new FloatArray(name, f.shape(), f.readFloats()));
            default -> throw new BadInputException(f.source() + ": dtype '" + f.dtype() + "': expected a float "
                    + "tensor, '<f4', '<f8' or '<f2' (numpy: a.astype('<f4')); int8 keys and values need a scale "
                    + "per row: give them as I8 with k_scale/v_scale in a safetensors file (--input)");
        });
    }

    /** Reads an .npy image held in memory (e.g. an HTTP body); {@code where} names it in errors. */
    public static FloatArray read(byte[] bytes, String where) {
        try {
            NpyFile f = NpyFile.of(bytes, where);
            return new FloatArray(where, f.shape(), f.readFloats());
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    private static <T> T read(Path file, Body<T> body) {
        String where = file.toString();
        try {
            return body.read(NpyFile.open(file), file.getFileName().toString());
        } catch (NoSuchFileException e) {
            throw new BadInputException(where + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** Writes {@code data} with {@code shape} as a version 1.0 {@code <f4} C-order .npy file, atomically. */
    public static void write(Path file, long[] shape, float[] data) throws IOException {
        FloatArray.elements(file.toString(), shape);
        OutputFiles.write(file, out -> NpyFile.write(out, shape, data));
    }

    /** The same .npy image, to a stream (e.g. an HTTP response). */
    public static void writeTo(OutputStream out, long[] shape, float[] data) throws IOException {
        NpyFile.write(out, shape, data);
    }

    /** The dtype string of a .npy file's header (e.g. {@code "|b1"}), or "" when it is not a readable one. */
    public static String dtype(Path file) {
        try {
            return NpyFile.open(file).dtype();
        } catch (IOException | IllegalArgumentException e) {
            return "";
        }
    }
}
