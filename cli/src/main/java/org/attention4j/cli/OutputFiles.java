package org.attention4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Output files written atomically: into a temporary file beside the target, then renamed over it, so
 * a reader (or a CI step) never sees a half-written file, and a failure leaves no file at all.
 */
public final class OutputFiles {
    private OutputFiles() {}

    /** Writes the bytes {@code body} produces to a stream. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        // Not Files.createTempFile: its 0600 permissions would end up on the target. This name is
        // created new (it fails rather than writing into a file someone else made) and takes the umask.
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(temp,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
                body.writeTo(out);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Checks before a long run that {@code file}'s directory exists and is writable, and that
     * {@code file} is not a directory: a run must not end with "cannot write". Null is fine (no file).
     */
    public static void requireWritableDirectory(String option, Path file) {
        if (file == null) {
            return;
        }
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new BadInputException(option + " " + file + ": is a directory; expected a file name");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new BadInputException(option + " " + file + ": directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new BadInputException(option + " " + file + ": directory " + dir + " is not writable");
        }
    }
}
