package org.attention4j.cli.gate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gate compare}: the gate's decision on two JMH result files, so any JVM project can gate its suite. */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Decide pass / regression / improvement / inconclusive per benchmark from two JMH result "
                + "files (-rf json), using every raw sample of every fork.",
            "Run both with several forks and iterations (e.g. -f 3 -i 10): the interval needs samples."})
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--baseline", required = true, paramLabel = "OLD.json", description = "JMH results before.")
    Path baseline;

    @Option(names = "--current", required = true, paramLabel = "NEW.json", description = "JMH results now.")
    Path current;

    @Mixin
    GateOptions options;

    @Override
    public Integer call() throws IOException {
        double maxRegression = options.maxRegression();
        double confidence = options.confidence();
        options.checkFiles();
        Map<String, double[]> before = JmhResults.read(baseline, "--baseline");
        Map<String, double[]> after = JmhResults.read(current, "--current");
        List<String> onlyBefore = new ArrayList<>(before.keySet());
        onlyBefore.removeAll(after.keySet());
        List<String> onlyAfter = new ArrayList<>(after.keySet());
        onlyAfter.removeAll(before.keySet());
        if (!onlyBefore.isEmpty() || !onlyAfter.isEmpty()) {
            throw new BadInputException("the benchmark sets differ"
                    + (onlyBefore.isEmpty() ? "" : "; only in --baseline: " + String.join(", ", onlyBefore))
                    + (onlyAfter.isEmpty() ? "" : "; only in --current: " + String.join(", ", onlyAfter)));
        }
        List<GateReport.Line> lines = new ArrayList<>();
        for (Map.Entry<String, double[]> e : before.entrySet()) {
            Comparison.Result r = Comparison.compare(e.getValue(), after.get(e.getKey()), maxRegression, confidence);
            lines.add(new GateReport.Line(e.getKey(), r, Double.NaN, Double.NaN));
        }
        GateReport report = new GateReport("attention4j gate compare " + baseline + " -> " + current + " ("
                + options.describe() + ")", lines, List.of());
        return options.finish(report, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
