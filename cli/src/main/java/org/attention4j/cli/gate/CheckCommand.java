package org.attention4j.cli.gate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.MachineInfo;
import org.attention4j.cli.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gate check}: decide, per scenario, whether this build got slower. With {@code --against} (the
 * stronger mode) against another build timed in the same run ({@link AgainstCheck}); with
 * {@code --baseline} against a baseline recorded earlier, normalized by a yardstick.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Decide per scenario whether this build got slower: pass, regression, improvement or "
                + "inconclusive. --against REF|JAR (stronger): time a baseline build and this one alternately in "
                + "the same run, so machine drift cancels. --baseline FILE (weaker): measure now, normalized by a "
                + "yardstick, against a baseline recorded at another time.",
            "Exit 0: no regression (improvements and inconclusive results are listed); 1: a regression; "
                + "2: bad usage, a missing or corrupt baseline, or scenario sets that do not match."})
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--against", paramLabel = "REF|JAR",
            description = {"The stronger mode: a git ref of this repository (built once in a temporary worktree, "
                + "the jar cached as target/gate-builds/COMMIT.jar) or a build's jar, timed against this build in "
                + "the same run: two JVMs, alternating in random order, paired verdicts (docs/GATE.md)."})
    String against;

    @Option(names = "--rounds", defaultValue = "15",
            description = "With --against: rounds (one timed pair per scenario each). Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--forks", defaultValue = "3",
            description = "With --against: pairs of JVMs, one after another, the rounds shared out among them "
                + "(each JVM's own state then counts as noise instead of as a difference). Default: ${DEFAULT-VALUE}.")
    int forks;

    @Option(names = "--sample-millis", defaultValue = "200",
            description = "With --against: milliseconds of calls per build, scenario and round. "
                + "Default: ${DEFAULT-VALUE}.")
    long sampleMillis;

    @Option(names = "--warmup-millis", defaultValue = "1000",
            description = "With --against: least warm-up per scenario and build (then until the JIT is idle). "
                + "Default: ${DEFAULT-VALUE}.")
    long warmupMillis;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = {"The weaker mode: the baseline from 'gate record'. Repeat it with one baseline per machine type a CI may "
                + "run on (e.g. an AVX2 and an AVX-512 runner): the one recorded with this machine's fingerprint is "
                + "used; else one with the same CPU model and vector kernel (another JDK build); else the first, "
                + "with a warning."})
    List<Path> baselineFiles;

    /** The --baseline file that was chosen for this machine. */
    private Path baselineFile;

    @Option(names = "--scenarios", paramLabel = "FILE",
            description = "Check exactly these scenarios (with --baseline they must all be in it); default: the "
                + "baseline's, or with --against the built-in set and a sliding-window prefill.")
    Path scenariosFile;

    @Option(names = "--min-samples", defaultValue = "10",
            description = "With --baseline: samples per scenario before an early decision. Default: ${DEFAULT-VALUE}.")
    int minSamples;

    @Option(names = "--max-samples", defaultValue = "30",
            description = "With --baseline: samples per scenario at most. Default: ${DEFAULT-VALUE}.")
    int maxSamples;

    @Option(names = "--seed", defaultValue = "2", description = "Seed of the sampling order. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    GateOptions options;

    @Override
    public Integer call() throws IOException {
        if ((against == null) == (baselineFiles == null || baselineFiles.isEmpty())) {
            throw new BadInputException("gate check needs exactly one of --against REF|JAR (a build timed in the same "
                    + "run) and --baseline FILE (a recorded baseline)");
        }
        if (against != null) {
            if (rounds < Comparison.MIN_SAMPLES || rounds > 10_000 || forks < 1 || forks > rounds || sampleMillis < 1
                    || warmupMillis < 0) {
                throw new BadInputException("--against with --rounds " + rounds + " --forks " + forks
                        + " --sample-millis " + sampleMillis + " --warmup-millis " + warmupMillis + ": expected "
                        + Comparison.MIN_SAMPLES + " <= rounds <= 10000, 1 <= forks <= rounds, sample-millis >= 1, "
                        + "warmup-millis >= 0");
            }
            List<Scenario> scenarios = scenariosFile == null ? Scenario.pairedDefaults()
                    : RecordCommand.readScenarios(scenariosFile);
            return new AgainstCheck(against, scenarios, rounds, forks, sampleMillis, warmupMillis, seed, options)
                    .run(spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        double maxRegression = options.maxRegression();
        double confidence = options.confidence();
        if (minSamples < Comparison.MIN_SAMPLES || maxSamples < minSamples || maxSamples > 10_000) {
            throw new BadInputException("--min-samples " + minSamples + " --max-samples " + maxSamples + ": expected "
                    + Comparison.MIN_SAMPLES + " <= min-samples <= max-samples <= 10000");
        }
        options.checkFiles();
        MachineInfo machine = MachineInfo.current();
        String here = machine.fingerprint();
        Baseline baseline = forThisMachine(machine);
        List<Scenario> scenarios = selected(baseline);
        PrintWriter err = spec.commandLine().getErr();
        List<String> warnings = new ArrayList<>();
        if (baselineFiles.size() > 1) {
            err.println("attention4j gate check: using " + baselineFile + " (recorded on " + baseline.fingerprint() + ")");
        }
        if (!here.equals(baseline.fingerprint())) {
            warnings.add("the baseline was recorded on " + baseline.fingerprint() + "; this is " + here
                    + ". Normalization cancels a busier or slower machine, not a different CPU, JDK or kernel: "
                    + "record the baseline again on this machine");
        }
        warnings.forEach(w -> err.println("WARNING: " + w));
        err.println("attention4j gate check: " + scenarios.size() + " scenarios, " + options.describe());
        err.flush();
        Map<String, Sampler.Samples> now;
        try (Sampler sampler = new Sampler(scenarios, seed, err)) {
            now = sampler.measure(minSamples, maxSamples, samples -> decided(samples, baseline, maxRegression,
                    confidence));
        }
        List<GateReport.Line> lines = new ArrayList<>();
        for (Scenario s : scenarios) {
            Baseline.Entry before = baseline.entry(s.name());
            Sampler.Samples after = now.get(s.name());
            Comparison.Result r = Comparison.compare(before.normalized(), after.values(), maxRegression, confidence);
            lines.add(new GateReport.Line(s.name(), r, Comparison.median(before.nanosPerCall()) / 1e6,
                    Comparison.median(after.nanosPerCall().stream().mapToDouble(Double::doubleValue).toArray()) / 1e6));
        }
        GateReport report = new GateReport("attention4j gate check against " + baselineFile + " (" + options.describe()
                + ")", List.of("Mode: a stored baseline recorded at another time, normalized by a yardstick (the weaker "
                + "mode: machine drift between the recording and now does not cancel; --against times both builds "
                + "in one run)", "Machine: " + here), lines, warnings);
        return options.finish(report, spec.commandLine().getOut(), err);
    }

    /**
     * Reads every --baseline (a missing or corrupt one is an error even when another would match) and
     * returns the best match for {@code machine}: the same fingerprint, else the same CPU model and
     * kernel provider (e.g. "vector-512"), else the first. Sets {@link #baselineFile}.
     */
    private Baseline forThisMachine(MachineInfo machine) {
        List<Baseline> baselines = new ArrayList<>();
        for (Path file : baselineFiles) {
            baselines.add(Baseline.read(file));
        }
        int chosen = 0;
        for (int i = 1; i < baselines.size(); i++) {
            if (match(baselines.get(i), machine) > match(baselines.get(chosen), machine)) {
                chosen = i;
            }
        }
        baselineFile = baselineFiles.get(chosen);
        return baselines.get(chosen);
    }

    /** 2: recorded on this fingerprint; 1: on the same CPU model and kernel provider; 0: elsewhere. */
    private static int match(Baseline baseline, MachineInfo machine) {
        if (machine.fingerprint().equals(baseline.fingerprint())) {
            return 2;
        }
        Map<String, Object> m = baseline.machine();
        return m != null && machine.cpuModel().equals(m.get("cpu")) && machine.provider().equals(m.get("provider"))
                ? 1 : 0;
    }

    /** The scenarios to check: the baseline's, or those of --scenarios, which must all be in it. */
    private List<Scenario> selected(Baseline baseline) {
        if (scenariosFile == null) {
            return baseline.scenarioList();
        }
        List<Scenario> wanted = RecordCommand.readScenarios(scenariosFile);
        List<String> missing = new ArrayList<>(), different = new ArrayList<>();
        for (Scenario s : wanted) {
            Baseline.Entry e = baseline.entry(s.name());
            if (e == null) {
                missing.add(s.name());
            } else if (!e.scenario().equals(s)) {
                different.add(s.name());
            }
        }
        if (!missing.isEmpty() || !different.isEmpty()) {
            throw new BadInputException("--scenarios " + scenariosFile + " does not match baseline " + baselineFile
                    + (missing.isEmpty() ? "" : ": not in the baseline: " + String.join(", ", missing))
                    + (different.isEmpty() ? "" : ": defined differently: " + String.join(", ", different))
                    + " (record them with 'gate record --update')");
        }
        return wanted;
    }

    /** Early stop: every scenario already has a verdict other than inconclusive (a quicker bootstrap). */
    private static boolean decided(Map<String, Sampler.Samples> samples, Baseline baseline, double maxRegression,
                                   double confidence) {
        for (Map.Entry<String, Sampler.Samples> e : samples.entrySet()) {
            Comparison.Result r = Comparison.compare(baseline.entry(e.getKey()).normalized(), e.getValue().values(),
                    maxRegression, confidence, 1000);
            if (r.verdict() == Verdict.INCONCLUSIVE) {
                return false;
            }
        }
        return true;
    }
}
