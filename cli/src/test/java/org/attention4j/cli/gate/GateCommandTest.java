package org.attention4j.cli.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.attention4j.cli.CliRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The gate end to end on a synthetic workload whose cost the test controls. */
class GateCommandTest {
    @TempDir
    Path dir;

    @AfterEach
    void noSlowdown() {
        System.clearProperty(Workload.SLOWDOWN_PROPERTY);
    }

    private Path scenarios() throws IOException {
        Path file = dir.resolve("scenarios.json");
        Files.writeString(file, "[{\"name\": \"spin\", \"kind\": \"synthetic\", \"work\": 2000000}]");
        return file;
    }

    private Path record() throws IOException {
        Path baseline = dir.resolve("baseline.json");
        CliRun run = CliRun.of("gate", "record", "--out", baseline.toString(), "--scenarios", scenarios().toString(),
                "--samples", "15");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("spin"), run.out());
        return baseline;
    }

    @Test
    void noSlowdownPassesAndAFiftyPercentSlowdownFails() throws Exception {
        Path baseline = record();
        Path xml = dir.resolve("gate.xml"), md = dir.resolve("gate.md"), json = dir.resolve("gate.json");
        CliRun same = CliRun.of("gate", "check", "--baseline", baseline.toString(), "--junit-xml", xml.toString(),
                "--markdown", md.toString(), "--json", json.toString());
        assertEquals(0, same.exitCode(), same.toString());
        assertFalse(same.out().contains("regression  "), same.out());

        // 3×, not the 15 % the gate catches on a quiet machine (docs/GATE.md): this test checks the plumbing
        // (exit codes, reports, --warn-only) and must not fail when CI shares the machine with other builds
        // (1.5× once read as a pass: the baseline had been recorded while two other builds ran).
        System.setProperty(Workload.SLOWDOWN_PROPERTY, "3");
        CliRun slower = CliRun.of("gate", "check", "--baseline", baseline.toString(), "--junit-xml", xml.toString(),
                "--markdown", md.toString());
        assertEquals(1, slower.exitCode(), slower.toString());
        assertTrue(slower.out().contains("regression"), slower.out());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        assertEquals("1", doc.getDocumentElement().getAttribute("failures"));
        assertEquals(1, doc.getElementsByTagName("failure").getLength());
        assertTrue(Files.readString(md).contains("**Regression**"), Files.readString(md));

        CliRun warned = CliRun.of("gate", "check", "--baseline", baseline.toString(), "--warn-only");
        assertEquals(0, warned.exitCode(), warned.toString());
        assertTrue(warned.err().contains("WARNING: attention4j gate: 1 scenario(s) regressed"), warned.err());
    }

    @Test
    void updateReplacesOnlyTheNamedScenarios() throws Exception {
        Path baseline = record();
        Path more = dir.resolve("more.json");
        Files.writeString(more, "[{\"name\": \"spin2\", \"kind\": \"synthetic\", \"work\": 1000000}]");
        CliRun run = CliRun.of("gate", "record", "--out", baseline.toString(), "--scenarios", more.toString(),
                "--samples", "5", "--update");
        assertEquals(0, run.exitCode(), run.toString());
        Baseline b = Baseline.read(baseline);
        assertEquals(2, b.scenarios().size());
        assertEquals(15, b.entry("spin").normalized().length);
        assertEquals(5, b.entry("spin2").normalized().length);
    }

    @Test
    void badBaselinesAndMismatchedScenariosExitTwo() throws Exception {
        CliRun missing = CliRun.of("gate", "check", "--baseline", dir.resolve("nope.json").toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("does not exist: record one with"), missing.err());

        Path corrupt = dir.resolve("corrupt.json");
        Files.writeString(corrupt, "{\"schema\": \"attention4j-gate-baseline/1\", \"scenarios\": [{\"scenario\": ");
        CliRun bad = CliRun.of("gate", "check", "--baseline", corrupt.toString());
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("is not valid JSON"), bad.err());

        Files.writeString(corrupt, "{\"schema\": \"something-else\"}");
        assertEquals(2, CliRun.of("gate", "check", "--baseline", corrupt.toString()).exitCode());

        Files.writeString(corrupt, "{\"schema\": \"attention4j-gate-baseline/1\", \"calibration\": \"yardstick/1\"}");
        CliRun old = CliRun.of("gate", "check", "--baseline", corrupt.toString());
        assertEquals(2, old.exitCode());
        assertTrue(old.err().contains("normalized by another yardstick"), old.err());

        Path baseline = record();
        Path other = dir.resolve("other.json");
        Files.writeString(other, "[{\"name\": \"elsewhere\", \"kind\": \"synthetic\", \"work\": 10}]");
        CliRun mismatch = CliRun.of("gate", "check", "--baseline", baseline.toString(), "--scenarios", other.toString());
        assertEquals(2, mismatch.exitCode(), mismatch.toString());
        assertTrue(mismatch.err().contains("not in the baseline: elsewhere"), mismatch.err());

        CliRun percent = CliRun.of("gate", "check", "--baseline", baseline.toString(), "--max-regression", "ten");
        assertEquals(2, percent.exitCode());
        assertTrue(percent.err().contains("--max-regression ten"), percent.err());
    }

    /** A copy of {@code baseline} that claims another fingerprint, and (when {@code cpu} is set) another CPU. */
    private Path recordedElsewhere(Path baseline, String name, String fingerprint, String cpu) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(baseline.toFile());
        root.put("fingerprint", fingerprint);
        if (cpu != null) {
            ((ObjectNode) root.get("machine")).put("cpu", cpu);
        }
        Path copy = dir.resolve(name);
        json.writeValue(copy.toFile(), root);
        return copy;
    }

    @Test
    void severalBaselinesUseTheOneRecordedOnThisMachine() throws Exception {
        Path here = record();
        Path elsewhere = recordedElsewhere(here, "elsewhere.json", "Another CPU | 64 cores | Some JVM | vector-128",
                "Another CPU");
        Path otherJdk = recordedElsewhere(here, "other-jdk.json", "same CPU and kernel, another JDK build", null);

        CliRun exact = CliRun.of("gate", "check", "--baseline", elsewhere.toString(), "--baseline", otherJdk.toString(),
                "--baseline", here.toString(), "--max-samples", "10");
        assertEquals(0, exact.exitCode(), exact.toString());
        assertTrue(exact.err().contains("using " + here), exact.err());
        assertFalse(exact.err().contains("WARNING: the baseline was recorded on"), exact.err());

        CliRun sameKind = CliRun.of("gate", "check", "--baseline", elsewhere.toString(), "--baseline",
                otherJdk.toString(), "--max-samples", "10");
        assertEquals(0, sameKind.exitCode(), sameKind.toString());
        assertTrue(sameKind.err().contains("using " + otherJdk), sameKind.err());
        assertTrue(sameKind.err().contains("WARNING: the baseline was recorded on same CPU and kernel"), sameKind.err());

        CliRun missing = CliRun.of("gate", "check", "--baseline", here.toString(), "--baseline",
                dir.resolve("nope.json").toString());
        assertEquals(2, missing.exitCode(), "every --baseline must be readable: " + missing);
    }

    @Test
    void compareDecidesOnJmhFiles() throws Exception {
        Path old = jmh("old.json", 10.0, "avgt"), same = jmh("same.json", 10.0, "avgt"), slow = jmh("slow.json", 12.5, "avgt");
        assertEquals(0, CliRun.of("gate", "compare", "--baseline", old.toString(), "--current", same.toString())
                .exitCode());
        CliRun r = CliRun.of("gate", "compare", "--baseline", old.toString(), "--current", slow.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("demo.Bench.run:n=4096"), r.out());
        // throughput: fewer ops/s is slower
        Path fast = jmh("tp-old.json", 100.0, "thrpt"), lower = jmh("tp-new.json", 75.0, "thrpt");
        assertEquals(1, CliRun.of("gate", "compare", "--baseline", fast.toString(), "--current", lower.toString())
                .exitCode());
        Path otherSet = dir.resolve("other.json");
        Files.writeString(otherSet, Files.readString(old).replace("demo.Bench.run", "demo.Bench.other"));
        CliRun mismatch = CliRun.of("gate", "compare", "--baseline", old.toString(), "--current", otherSet.toString());
        assertEquals(2, mismatch.exitCode());
        assertTrue(mismatch.err().contains("only in --baseline: demo.Bench.run:n=4096"), mismatch.err());
    }

    /** A JMH -rf json file: one benchmark, 2 forks × 10 iterations around {@code center} (±3 %). */
    private Path jmh(String name, double center, String mode) throws IOException {
        StringBuilder raw = new StringBuilder("[");
        java.util.SplittableRandom r = new java.util.SplittableRandom(name.hashCode());
        for (int f = 0; f < 2; f++) {
            raw.append(f == 0 ? "[" : ",[");
            for (int i = 0; i < 10; i++) {
                raw.append(i == 0 ? "" : ",").append(center * (1 + 0.03 * (r.nextDouble() * 2 - 1)));
            }
            raw.append(']');
        }
        raw.append(']');
        Path file = dir.resolve(name);
        Files.writeString(file, "[{\"benchmark\": \"demo.Bench.run\", \"mode\": \"" + mode + "\", "
                + "\"params\": {\"n\": \"4096\"}, \"primaryMetric\": {\"score\": " + center
                + ", \"scoreUnit\": \"ms/op\", \"rawData\": " + raw + "}}]");
        return file;
    }
}
