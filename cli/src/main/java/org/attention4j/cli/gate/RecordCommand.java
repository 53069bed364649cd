package org.attention4j.cli.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.OutputFiles;
import org.attention4j.cli.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gate record}: measure the scenarios and write a baseline. */
@Command(name = "record", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Measure the scenarios (built-in, or --scenarios FILE) and write a baseline for 'gate check'.")
public final class RecordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The baseline to write (atomically).")
    Path out;

    @Option(names = "--scenarios", paramLabel = "FILE",
            description = "A JSON array of scenarios (docs/GATE.md); default: the built-in set.")
    Path scenariosFile;

    @Option(names = "--update", description = "Replace (or add) only these scenarios in an existing --out baseline.")
    boolean update;

    @Option(names = "--samples", defaultValue = "20", description = "Samples per scenario. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the sampling order. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (samples < Comparison.MIN_SAMPLES || samples > 10_000) {
            throw new BadInputException("--samples " + samples + ": expected " + Comparison.MIN_SAMPLES + " .. 10000");
        }
        OutputFiles.requireWritableDirectory("--out", out);
        Baseline previous = update ? Baseline.read(out) : null;
        List<Scenario> scenarios = scenariosFile == null ? Scenario.defaults() : readScenarios(scenariosFile);
        PrintWriter err = spec.commandLine().getErr();
        err.println("attention4j gate record: " + scenarios.size() + " scenarios, " + samples + " samples each");
        err.flush();
        Map<String, Sampler.Samples> measured;
        try (Sampler sampler = new Sampler(scenarios, seed, err)) {
            measured = sampler.measure(samples, samples, s -> true);
        }
        Baseline baseline = Baseline.of(measured, scenarios);
        if (previous != null) {
            baseline = previous.updatedWith(baseline);
        }
        baseline.write(out);
        PrintWriter o = spec.commandLine().getOut();
        for (Baseline.Entry e : baseline.scenarios()) {
            o.printf(java.util.Locale.ROOT, "%-32s %8.3f ms/call  (%d samples)%n", e.scenario().name(),
                    Comparison.median(e.nanosPerCall()) / 1e6, e.normalized().length);
        }
        o.println("wrote " + out);
        o.flush();
        return 0;
    }

    /** A JSON array of scenario objects; names must be unique. */
    static List<Scenario> readScenarios(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BadInputException("--scenarios " + file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException("--scenarios " + file + ": not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new BadInputException("--scenarios " + file + ": expected a non-empty JSON array of scenarios");
        }
        List<Scenario> list = new ArrayList<>();
        HashSet<String> names = new HashSet<>();
        for (JsonNode n : root) {
            Scenario s = Scenario.fromJson(n, "--scenarios " + file);
            if (!names.add(s.name())) {
                throw new BadInputException("--scenarios " + file + ": scenario name " + s.name() + " appears twice");
            }
            list.add(s);
        }
        return list;
    }
}
