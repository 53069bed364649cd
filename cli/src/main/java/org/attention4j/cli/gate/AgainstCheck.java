package org.attention4j.cli.gate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.attention4j.cli.MachineInfo;

/**
 * {@code gate check --against REF|JAR}: the baseline build and this one, each in a JVM of its own,
 * timed alternately in the same run ({@link PairedSampler}), in several pairs of fresh JVMs one after
 * another (a JVM's own speed is not cancelled by pairing: docs/GATE.md), decided on the paired rounds
 * ({@link Comparison#comparePaired}). Same exit codes and reports as the stored-baseline check.
 */
final class AgainstCheck {
    private final String against;
    private final List<Scenario> scenarios;
    private final int rounds, forks;
    private final long sampleMillis, warmupMillis, seed;
    private final GateOptions options;

    /** @param forks pairs of JVMs, one after another, the rounds shared out among them */
    AgainstCheck(String against, List<Scenario> scenarios, int rounds, int forks, long sampleMillis, long warmupMillis,
                 long seed, GateOptions options) {
        this.against = against;
        this.scenarios = scenarios;
        this.rounds = rounds;
        this.forks = forks;
        this.sampleMillis = sampleMillis;
        this.warmupMillis = warmupMillis;
        this.seed = seed;
        this.options = options;
    }

    int run(PrintWriter out, PrintWriter err) throws IOException {
        options.useSameRunDefault();
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
        Map<String, PairedSampler.Pairs> pairs = measure(base, self, warnings, err);
        warnings.forEach(w -> err.println("WARNING: " + w));
        List<GateReport.Line> lines = new ArrayList<>();
        pairs.forEach((name, p) -> {
            Comparison.Result r = Comparison.comparePaired(p.baseline(), p.current(), maxRegression, confidence);
            lines.add(new GateReport.Line(name, r, r.baselineMedian() / 1e6, r.currentMedian() / 1e6, p.baseline(),
                    p.current()));
        });
        List<String> notes = List.of(
                "Baseline build: " + base.description(),
                "Current build: " + self.description(),
                "Machine: " + machine,
                String.format(Locale.ROOT, "Mode: both builds timed in this run, alternating in random order "
                        + "(%d rounds of %d ms per build and scenario, %d JVM pair(s); change = median of the "
                        + "per-round ratios)", rounds, sampleMillis, forks));
        GateReport report = new GateReport("attention4j gate check --against " + against + " (" + options.describe()
                + ")", notes, lines, warnings);
        return options.finish(report, out, err);
    }

    /**
     * The rounds, shared out over {@code forks} pairs of fresh JVMs run one after another; per scenario
     * both builds could run, the per-round times of all pairs, in the scenarios' order. A scenario a
     * build cannot run is left out, with a line in {@code warnings}.
     */
    private Map<String, PairedSampler.Pairs> measure(BaselineBuild base, BaselineBuild self, List<String> warnings,
                                                     PrintWriter err) throws IOException {
        Map<String, PairedSampler.Pairs> pairs = new LinkedHashMap<>();
        List<Scenario> checked = scenarios;
        Path runnerDir = Files.createTempDirectory("attention4j-gate-runner-");
        try {
            BuildProcess.extractRunner(runnerDir);
            for (int fork = 0; fork < forks; fork++) {
                int share = rounds / forks + (fork < rounds % forks ? 1 : 0);
                if (forks > 1) {
                    err.println("attention4j gate: JVM pair " + (fork + 1) + " of " + forks + ", " + share + " rounds");
                }
                try (BuildProcess b = new BuildProcess("baseline", runnerDir, base.classPath(), List.of());
                     BuildProcess c = new BuildProcess("current", runnerDir, self.classPath(), candidateOptions())) {
                    PairedSampler sampler = new PairedSampler(b, c, seed + fork, err);
                    checked = sampler.define(checked, fork == 0 ? warnings : new ArrayList<>());
                    sampler.measure(checked, share, sampleMillis, warmupMillis)
                            .forEach((name, p) -> pairs.merge(name, p, PairedSampler.Pairs::concat));
                }
            }
        } finally {
            deleteTree(runnerDir);
        }
        return pairs;
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
