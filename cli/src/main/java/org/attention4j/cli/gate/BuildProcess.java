package org.attention4j.cli.gate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attention4j.cli.gate.runner.BuildRunner;

/**
 * One build of the engine in a JVM of its own, running {@link BuildRunner} (the parent's copy of it,
 * placed before the build's jar on the class path, so it is the same runner for an old build and a
 * new one). Requests go over the child's stdin, answers come back on its stdout; its stderr is
 * passed through to the parent's stderr, prefixed with the build's label.
 */
final class BuildProcess implements AutoCloseable {
    /**
     * The child's JVM options: the launcher's (scripts/attention4j) collector choice, for the reason
     * given there, and the Vector API module. The same for both builds.
     */
    private static final List<String> JVM_OPTIONS = List.of("--add-modules", "jdk.incubator.vector",
            "-XX:+UseSerialGC", "-XX:MaxNewSize=64m");

    private final String label;
    private final Process process;
    private final PrintWriter requests;
    private final BufferedReader answers;

    /**
     * @param runnerDir a class directory holding {@link BuildRunner} ({@link #extractRunner})
     * @param classPath the build's jar or class directories (a class path)
     * @param extraOptions further JVM options for this build only (e.g. an injected synthetic slowdown)
     */
    BuildProcess(String label, Path runnerDir, String classPath, List<String> extraOptions) throws IOException {
        this.label = label;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(extraOptions);
        command.add("-cp");
        command.add(runnerDir + java.io.File.pathSeparator + classPath);
        command.add(BuildRunner.class.getName());
        process = new ProcessBuilder(command).start();
        requests = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> forward(process.getErrorStream(), label));
    }

    /** Writes {@link BuildRunner}'s class file under {@code dir} (its package's directories included). */
    static Path extractRunner(Path dir) throws IOException {
        String resource = BuildRunner.class.getName().replace('.', '/') + ".class";
        Path file = dir.resolve(resource);
        Files.createDirectories(file.getParent());
        try (InputStream in = BuildRunner.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the CLI's own class file " + resource + " is missing");
            }
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    String label() {
        return label;
    }

    /** Sends one request and returns the answer's words; an {@code error} answer or a dead child throws. */
    String[] ask(String request) {
        requests.println(request);
        String line;
        try {
            line = answers.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (line == null) {
            throw new IllegalStateException("the " + label + " build's JVM ended (exit "
                    + exitCodeOrRunning() + ") on: " + request);
        }
        if (line.startsWith("error ")) {
            throw new IllegalStateException("the " + label + " build failed on '" + request + "': "
                    + line.substring(6));
        }
        return line.split(" ");
    }

    private String exitCodeOrRunning() {
        try {
            return process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) ? String.valueOf(process.exitValue())
                    : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static void forward(InputStream err, String label) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.equals("WARNING: Using incubator modules: jdk.incubator.vector")) {
                    System.err.println("[" + label + "] " + line);
                }
            }
        } catch (IOException e) {
            // the child ended
        }
    }

    @Override
    public void close() {
        requests.println("quit");
        requests.close();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
