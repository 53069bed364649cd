package org.attention4j.cli.io;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.OutputFiles;
import org.attention4j.io.SafeTensorsFile;

/**
 * safetensors files for the CLI and the service: reading goes through the engine's strict reader
 * ({@link SafeTensorsFile}: F32, F64, F16 and BF16 converted to float; the header checked whole before any
 * data is read: repeated names, overlapping or out-of-range tensors, a header that is not JSON, a header
 * length beyond the file), whose errors become one-line {@link BadInputException}s naming the file;
 * writing is the same class's F32 writer, made atomic.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** Reads the tensors named in {@code names} (all of them must exist), in that order. */
    public static Map<String, FloatArray> read(Path file, List<String> names) {
        String where = file.toString();
        try {
            return read(SafeTensorsFile.open(file), names);
        } catch (NoSuchFileException e) {
            throw new BadInputException(where + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(named(where, e.getMessage()));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** Reads tensors from a safetensors image held in memory (e.g. an HTTP body). */
    public static Map<String, FloatArray> read(byte[] bytes, String where, List<String> names) {
        try {
            return read(SafeTensorsFile.of(bytes, where), names);
        } catch (IOException e) {
            throw new BadInputException(named(where, e.getMessage()));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** A read error's message naming the source once (the engine's messages about a tensor already do). */
    private static String named(String where, String message) {
        return message != null && message.startsWith(where) ? message : where + ": cannot read: " + message;
    }

    private static Map<String, FloatArray> read(SafeTensorsFile file, List<String> names) throws IOException {
        Map<String, FloatArray> out = new LinkedHashMap<>();
        for (String name : names) {
            float[] values = file.read(name); // names the file and the tensors it has when there is no such one
            out.put(name, new FloatArray(name, file.entry(name).shape().clone(), values));
        }
        return out;
    }

    /** Writes {@code tensors} as F32 ({@link SafeTensorsFile#write}: names sorted, header padded), atomically. */
    public static void write(Path file, Map<String, FloatArray> tensors) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, FloatArray> t : tensors.entrySet()) {
            shapes.put(t.getKey(), t.getValue().shape());
            values.put(t.getKey(), t.getValue().data());
        }
        OutputFiles.write(file, out -> SafeTensorsFile.write(out, shapes, values));
    }
}
