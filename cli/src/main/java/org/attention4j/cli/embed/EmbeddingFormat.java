package org.attention4j.cli.embed;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.io.Npy;

/** The file formats of {@code embed --output}, chosen by extension before any work starts. */
enum EmbeddingFormat {
    NPY, JSONL;

    static EmbeddingFormat of(String option, Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".npy")) {
            return NPY;
        }
        if (name.endsWith(".jsonl")) {
            return JSONL;
        }
        throw new BadInputException(option + " " + file + ": expected a .npy or .jsonl file name");
    }

    void write(OutputStream out, float[] vectors, int rows, int dimension) throws IOException {
        if (this == NPY) {
            Npy.writeTo(out, new long[] {rows, dimension}, vectors);
            return;
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            line.setLength(0);
            line.append("{\"index\":").append(i).append(",\"embedding\":[");
            for (int j = 0; j < dimension; j++) {
                line.append(j == 0 ? "" : ",").append(vectors[i * dimension + j]);
            }
            out.write(line.append("]}\n").toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
