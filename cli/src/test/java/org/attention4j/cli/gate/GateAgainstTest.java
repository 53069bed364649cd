package org.attention4j.cli.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.attention4j.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gate check --against}: the plumbing (two child JVMs, the runner on either build, reports) on a
 * tiny configuration, with this build's own engine classes as the baseline; and the bad inputs.
 */
class GateAgainstTest {
    @TempDir
    Path dir;

    @Test
    void againstItsOwnBuildPassesAndTheMarkdownNamesBothBuilds() throws Exception {
        Path scenarios = dir.resolve("scenarios.json");
        // A synthetic scenario, a tiny attention one with a sliding window and a tiny encoder (the runner's
        // reflective paths: the engine's API, the model module's through a WeightSource proxy).
        Files.writeString(scenarios, "[{\"name\": \"spin\", \"kind\": \"synthetic\", \"work\": 100000},"
                + " {\"name\": \"tiny\", \"seq\": 64, \"heads\": 2, \"headDim\": 16, \"causal\": true, \"window\": 16},"
                + " {\"name\": \"enc\", \"kind\": \"encoder\", \"layers\": 1, \"heads\": 2, \"hidden\": 16,"
                + " \"sequences\": 3, \"tokens\": 24}]");
        Path self = dir.resolve("self-classes"); // this build's engine and model classes in one class directory
        for (String entry : BaselineBuild.candidate().classPath().split(java.io.File.pathSeparator)) {
            copyTree(Path.of(entry), self);
        }
        Path md = dir.resolve("gate.md"), xml = dir.resolve("gate.xml"), json = dir.resolve("gate.json");
        // 6 rounds: a regression needs the signed-rank test at p < 0.01, impossible with 6 pairs (p >= 1/64),
        // so this asserts the plumbing, never the machine's noise. Two JVM pairs of 3 rounds each.
        CliRun run = CliRun.of("gate", "check", "--against", self.toString(), "--scenarios", scenarios.toString(),
                "--rounds", "6", "--forks", "2", "--sample-millis", "5", "--warmup-millis", "0", "--markdown", md.toString(),
                "--junit-xml", xml.toString(), "--json", json.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("spin") && run.out().contains("tiny") && run.out().contains("enc"), run.out());
        assertTrue(!run.err().contains("not checked"), run.err());
        String markdown = Files.readString(md);
        assertTrue(markdown.contains("Baseline build: jar " + self.toAbsolutePath()), markdown);
        assertTrue(markdown.contains("Current build: "), markdown);
        assertTrue(markdown.contains("Machine: "), markdown);
        assertTrue(markdown.contains("| `tiny` |"), markdown);
        assertTrue(Files.readString(xml).contains("tests=\"3\""), Files.readString(xml));
        JsonNode tiny = new ObjectMapper().readTree(json.toFile()).path("scenarios").path(1);
        assertEquals("tiny", tiny.path("scenario").asText());
        assertEquals(6, tiny.path("baselineNanosPerCallByRound").size(), tiny.toString());
        assertEquals(6, tiny.path("currentNanosPerCallByRound").size(), tiny.toString());
    }

    /** Copies a class directory, or unpacks a jar (Maven's reactor puts the modules' jars on the path), into {@code to}. */
    private static void copyTree(Path from, Path to) throws java.io.IOException {
        if (!Files.isDirectory(from)) {
            try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(from.toFile())) {
                for (java.util.zip.ZipEntry e : java.util.Collections.list(jar.entries())) {
                    Path target = to.resolve(e.getName());
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (!Files.exists(target)) {
                        Files.createDirectories(target.getParent());
                        try (java.io.InputStream in = jar.getInputStream(e)) {
                            Files.copy(in, target);
                        }
                    }
                }
            }
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target)) {
                    Files.copy(f, target);
                }
            }
        }
    }

    @Test
    void anUnknownRefIsBadInputNamingAgainst() {
        CliRun run = CliRun.of("gate", "check", "--against", "no-such-ref-4711");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--against no-such-ref-4711"), run.err());
    }

    @Test
    void aMissingJarIsBadInputNamingAgainst() {
        String jar = dir.resolve("missing/attention4j.jar").toString();
        CliRun run = CliRun.of("gate", "check", "--against", jar);
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--against " + jar + ": no such jar"), run.err());
    }

    @Test
    void aJarThatIsNotABuildIsBadInputNamingAgainst() throws Exception {
        Path notABuild = Files.writeString(dir.resolve("empty.jar"), "not a jar");
        Path scenarios = Files.writeString(dir.resolve("s.json"), "[{\"name\": \"tiny\", \"seq\": 32}]");
        CliRun run = CliRun.of("gate", "check", "--against", notABuild.toString(), "--scenarios", scenarios.toString(),
                "--rounds", "5", "--forks", "1");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--against: the baseline build cannot run scenario tiny"), run.err());
    }

    @Test
    void exactlyOneOfAgainstAndBaseline() {
        CliRun neither = CliRun.of("gate", "check");
        assertEquals(2, neither.exitCode(), neither.toString());
        assertTrue(neither.err().contains("--against"), neither.err());
        CliRun both = CliRun.of("gate", "check", "--against", "HEAD", "--baseline", dir.resolve("b.json").toString());
        assertEquals(2, both.exitCode(), both.toString());
    }

    @Test
    void tooFewRoundsIsBadInput() {
        CliRun run = CliRun.of("gate", "check", "--against", "HEAD", "--rounds", "2");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--rounds 2"), run.err());
    }
}
