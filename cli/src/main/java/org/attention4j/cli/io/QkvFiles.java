package org.attention4j.cli.io;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.attention4j.cli.BadInputException;
import org.attention4j.io.SafeTensorsFile;

/**
 * Q, K and V as {@code run} reads them: Q as float32 (float16 and bfloat16 widened, exactly), K and V in
 * their file's element type, not widened: the engine takes float16, bfloat16 and int8 keys and values as
 * they are. From three {@code .npy} files ({@code <f4}, {@code <f8}, {@code <f2}; NumPy has no bfloat16)
 * or one safetensors file read with the engine's strict reader, where I8 keys and values come with their
 * scales: a tensor {@code k_scale} (or {@code v_scale}) of K's shape without its last axis, one scale per
 * row, {@code k ≈ k_int8 · k_scale}; a trailing axis of 1 (PyTorch's {@code keepdim=True}) is accepted.
 *
 * @param q queries, float32
 * @param k keys, as stored
 * @param v values, as stored
 */
public record QkvFiles(FloatArray q, TypedArray k, TypedArray v) {
    /** The suffix of the tensor holding an I8 tensor's scales: {@code k_scale} for {@code k}. */
    private static final String SCALE_SUFFIX = "_scale";

    /** Reads three .npy files. */
    public static QkvFiles fromNpy(Path q, Path k, Path v) {
        return new QkvFiles(Npy.readTensor(q).widened(), Npy.readTensor(k), Npy.readTensor(v));
    }

    /** Reads tensors {@code q}, {@code k}, {@code v} (and the scales of an I8 {@code k} or {@code v}). */
    public static QkvFiles fromSafetensors(Path file) {
        try {
            SafeTensorsFile f = SafeTensorsFile.open(file);
            return new QkvFiles(query(f), stored(f, "k"), stored(f, "v"));
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) { // the reader's own (a file cut short) name the file and the tensor
            String m = String.valueOf(e.getMessage());
            throw new BadInputException(m.startsWith(file.toString()) ? m : file + ": cannot read: " + m);
        } catch (IllegalArgumentException e) { // the reader's messages name the file and the tensor
            throw new BadInputException(e.getMessage(), e);
        }
    }

    private static FloatArray query(SafeTensorsFile f) throws IOException {
        SafeTensorsFile.Entry e = f.entry("q");
        if (e != null && e.dtype().equals("I8")) {
            throw new BadInputException(f.file() + ": tensor 'q': dtype I8: expected F32, F64, F16 or BF16 (queries "
                    + "are float32; only k and v may be I8, with k_scale and v_scale)");
        }
        float[] data = f.read("q"); // names a missing tensor and the dtypes it reads
        return new FloatArray("q", e.shape(), data);
    }

    private static TypedArray stored(SafeTensorsFile f, String name) throws IOException {
        SafeTensorsFile.Entry e = f.entry(name);
        if (e == null) {
            f.read(name); // throws, naming the tensors the file has
        }
        String scaleName = name + SCALE_SUFFIX;
        SafeTensorsFile.Entry scale = f.entry(scaleName);
        String at = f.file() + ": tensor '" + name + "'";
        switch (e.dtype()) {
            case "F32", "F64" -> requireNoScale(f, e, scale);
            case "F16", "BF16" -> {
                requireNoScale(f, e, scale);
                return TypedArray.halves(name, e.shape(), e.elementType(), f.readShorts(name));
            }
            case "I8" -> {
                if (scale == null) {
                    throw new BadInputException(at + ": dtype I8 needs its scales: a tensor '" + scaleName
                            + "' of shape " + Arrays.toString(rowShape(e.shape())) + " (one float32 scale per row, "
                            + name + " = " + name + "_int8 · " + scaleName + "); the file has "
                            + String.join(", ", f.names()));
                }
                return TypedArray.int8(name, e.shape(), f.readBytes(name), scales(f, e, scale));
            }
            default -> throw new BadInputException(at + ": dtype " + e.dtype() + ": expected F32, F64, F16, BF16 "
                    + "or I8 (with '" + scaleName + "')");
        }
        return TypedArray.of(new FloatArray(name, e.shape(), f.read(name)));
    }

    private static void requireNoScale(SafeTensorsFile f, SafeTensorsFile.Entry e, SafeTensorsFile.Entry scale) {
        if (scale != null) {
            throw new BadInputException(f.file() + ": tensor '" + scale.name() + "' is given but '" + e.name()
                    + "' is " + e.dtype() + ": expected scales only with I8, or no '" + scale.name() + "'");
        }
    }

    /** The scales of the I8 tensor {@code e}: checked (shape, finite) and converted to float32. */
    private static float[] scales(SafeTensorsFile f, SafeTensorsFile.Entry e, SafeTensorsFile.Entry scale)
            throws IOException {
        long[] rows = rowShape(e.shape());
        long[] keepdim = Arrays.copyOf(rows, rows.length + 1);
        keepdim[rows.length] = 1;
        String at = f.file() + ": tensor '" + scale.name() + "'";
        if (!Arrays.equals(scale.shape(), rows) && !Arrays.equals(scale.shape(), keepdim)) {
            throw new BadInputException(at + ": shape " + Arrays.toString(scale.shape()) + ", expected "
                    + Arrays.toString(rows) + ": one scale per row of '" + e.name() + "' " + Arrays.toString(e.shape()));
        }
        float[] s = f.read(scale.name());
        for (int i = 0; i < s.length; i++) {
            if (!Float.isFinite(s[i])) {
                throw new BadInputException(at + ": element " + i + " is " + s[i] + ", expected finite scales");
            }
        }
        return s;
    }

    /** {@code shape} without its last axis: one element per row (a scalar is one row). */
    private static long[] rowShape(long[] shape) {
        return Arrays.copyOf(shape, Math.max(0, shape.length - 1));
    }
}
