package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real launcher, as a user runs it, after {@code package} (failsafe): scripts/attention4j finds the
 * JDK, sees the jar is fresh, runs it with the Vector API module and keeps the JDK's incubator warning
 * out of both streams.
 */
class LauncherIT {
    private static final Path SCRIPT = Path.of("..", "scripts", "attention4j").toAbsolutePath().normalize();

    private record Result(int exit, String out, String err) {}

    private static Result launch(String... args) throws IOException, InterruptedException {
        return launchWith("", args);
    }

    private static Result launchWith(String javaOpts, String... args) throws IOException, InterruptedException {
        return launchScript(SCRIPT, javaOpts, args);
    }

    private static Result launchScript(Path script, String javaOpts, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", javaOpts);
        Path out = Files.createTempFile("launcher", ".out"), err = Files.createTempFile("launcher", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) { // a hang is a failure, not a time limit on speed
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish");
        }
        Thread.sleep(200); // the stderr filter may still be writing its last line
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void profileJsonIsCleanAndTheWarningIsGone() throws Exception {
        Result r = launch("profile", "--seq", "8,16", "--heads", "1", "--head-dim", "4", "--threads", "1",
                "--warmup", "0", "--iterations", "1", "--min-time", "0", "--format", "json", "-q");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(2, new ObjectMapper().readTree(r.out()).get("rows").size());
        assertFalse(r.err().contains("Using incubator modules"), r.err());
        assertFalse(r.out().contains("Using incubator modules"), r.out());
    }

    @Test
    void infoNamesTheVectorKernelAndBadUsageExitsTwo() throws Exception {
        Result info = launch("info", "--no-peak");
        assertEquals(0, info.exit(), info.toString());
        assertTrue(info.out().contains("Kernel:    vector-"), info.out());
        assertTrue(info.out().contains("GC:        Serial (young gen <= 64 MiB)"), info.out());
        Result bad = launch("profile", "--seq", "zero");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("--seq"), bad.err());
    }

    /**
     * The download's layout (scripts/dist.sh): bin/attention4j, lib/attention4j.jar, runtime/. Here the
     * runtime is this JDK rather than a jlink image: the launcher must run the jar with it and build nothing
     * (there is no source tree beside it to build from).
     */
    @Test
    void theLauncherOfTheDownloadRunsTheJarWithTheRuntimeBesideIt() throws Exception {
        Path dist = Files.createTempDirectory("attention4j-dist");
        Files.createDirectories(dist.resolve("bin"));
        Files.createDirectories(dist.resolve("lib"));
        Files.copy(SCRIPT, dist.resolve("bin/attention4j"));
        Files.createSymbolicLink(dist.resolve("lib/attention4j.jar"),
                Path.of("target", "attention4j.jar").toAbsolutePath());
        Files.createSymbolicLink(dist.resolve("runtime"), Path.of(System.getProperty("java.home")));
        try {
            Result info = launchScript(dist.resolve("bin/attention4j"), "", "info", "--no-peak");
            assertEquals(0, info.exit(), info.toString());
            assertTrue(info.out().contains("Kernel:    vector-"), info.out());
            assertFalse(info.err().contains("building"), info.err());
        } finally {
            for (String p : new String[] {"bin/attention4j", "bin", "lib/attention4j.jar", "lib", "runtime", ""}) {
                Files.delete(dist.resolve(p)); // the links, not what they point to
            }
        }
    }

    @Test
    void aCollectorInJavaOptsReplacesTheLaunchersOwn() throws Exception {
        // Two collectors on one command line would stop the JVM before it starts.
        Result info = launchWith("-XX:+UseG1GC", "info", "--no-peak");
        assertEquals(0, info.exit(), info.toString());
        assertTrue(info.out().contains("GC:        G1 ("), info.out());
    }
}
