package org.attention4j.cli.gate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.attention4j.cli.MachineInfo;

/**
 * {@code gate check --against REF|JAR}: the baseline build and this one, each in a JVM of its own,
 * timed alternately in the same run ({@link PairedSampler}), decided on the paired rounds
 * ({@link Comparison#comparePaired}). Same exit codes and reports as the stored-baseline check.
 */
final class AgainstCheck {
    private final String against;
    private final List<Scenario> scenarios;
    private final int rounds;
    private final long sampleMillis, warmupMillis, seed;
    private final GateOptions options;

    AgainstCheck(String against, List<Scenario> scenarios, int rounds, long sampleMillis, long warmupMillis, long seed,
                 GateOptions options) {
        this.against = against;
        this.scenarios = scenarios;
        this.rounds = rounds;
        this.sampleMillis = sampleMillis;
        this.warmupMillis = warmupMillis;
        this.seed = seed;
        this.options = options;
    }

    int run(PrintWriter out, PrintWriter err) throws IOException {
        double maxRegression = options.maxRegression();
        double confidence = options.confidence();
        options.checkFiles();
        scenarios.forEach(PairedSampler::request); // bad input (batch > 1) before any build
        BaselineBuild base = BaselineBuild.resolve(against, err);
        BaselineBuild self = BaselineBuild.candidate();
        String machine = MachineInfo.current().fingerprint();
        err.println("attention4j gate check: " + scenarios.size() + " scenarios, " + rounds + " rounds of "
                + sampleMillis + " ms per build, " + options.describe());
        err.flush();
        List<String> warnings = new ArrayList<>();
        Map<String, PairedSampler.Pairs> pairs;
        List<Scenario> checked;
        Path runnerDir = Files.createTempDirectory("attention4j-gate-runner-");
        try {
            BuildProcess.extractRunner(runnerDir);
            try (BuildProcess b = new BuildProcess("baseline", runnerDir, base.classPath(), List.of());
                 BuildProcess c = new BuildProcess("current", runnerDir, self.classPath(), candidateOptions())) {
                PairedSampler sampler = new PairedSampler(b, c, seed, err);
                checked = sampler.define(scenarios, warnings);
                pairs = sampler.measure(checked, rounds, sampleMillis, warmupMillis);
            }
        } finally {
            deleteTree(runnerDir);
        }
        warnings.forEach(w -> err.println("WARNING: " + w));
        List<GateReport.Line> lines = new ArrayList<>();
        for (Scenario s : checked) {
            PairedSampler.Pairs p = pairs.get(s.name());
            Comparison.Result r = Comparison.comparePaired(p.baseline(), p.current(), maxRegression, confidence);
            lines.add(new GateReport.Line(s.name(), r, r.baselineMedian() / 1e6, r.currentMedian() / 1e6,
                    p.baseline(), p.current()));
        }
        List<String> notes = List.of(
                "Baseline build: " + base.description(),
                "Current build: " + self.description(),
                "Machine: " + machine,
                String.format(Locale.ROOT, "Mode: both builds timed in this run, alternating in random order "
                        + "(%d rounds of %d ms per build and scenario; change = median of the per-round ratios)",
                        rounds, sampleMillis));
        GateReport report = new GateReport("attention4j gate check --against " + against + " (" + options.describe()
                + ")", notes, lines, warnings);
        return options.finish(report, out, err);
    }

    /**
     * JVM options for the current build only: an injected synthetic slowdown set on this JVM
     * ({@code -Dattention4j.gate.syntheticSlowdown}) applies to the build under test, as in the
     * stored-baseline check, so the gate's sensitivity can be measured in this mode too.
     */
    private static List<String> candidateOptions() {
        String slowdown = System.getProperty(Workload.SLOWDOWN_PROPERTY);
        return slowdown == null ? List.of() : List.of("-D" + Workload.SLOWDOWN_PROPERTY + "=" + slowdown);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
