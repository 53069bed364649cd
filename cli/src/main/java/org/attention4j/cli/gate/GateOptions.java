package org.attention4j.cli.gate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.OutputFiles;
import picocli.CommandLine.Option;

/** The decision and report options shared by {@code gate check} and {@code gate compare}. */
final class GateOptions {
    /** The default allowed slowdown of the stored-baseline modes (their intervals are ±10 %: docs/GATE.md). */
    static final double STORED_MAX_REGRESSION = 0.10;
    /** The default of {@code --against}: same-run intervals are ±0.5 % typical, so 5 % is caught (docs/GATE.md). */
    static final double SAME_RUN_MAX_REGRESSION = 0.05;

    @Option(names = "--max-regression", paramLabel = "PERCENT",
            description = "Allowed slowdown: 10%% or 0.1. Default: 5%% with --against (same-run pairs), "
                    + "10%% against a stored baseline.")
    String maxRegression;

    /** The mode's default, used when {@code --max-regression} is not given. */
    private double defaultMaxRegression = STORED_MAX_REGRESSION;

    @Option(names = "--confidence", defaultValue = "0.99",
            description = "Confidence of the interval on the ratio of medians. Default: ${DEFAULT-VALUE}.")
    double confidence;

    @Option(names = "--junit-xml", paramLabel = "FILE", description = "Also write JUnit XML (one test per scenario).")
    Path junitXml;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write a Markdown summary (PR comment).")
    Path markdown;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the decision as JSON.")
    Path json;

    @Option(names = "--warn-only", description = "Report regressions loudly but exit 0.")
    boolean warnOnly;

    /** Makes the same-run default apply when {@code --max-regression} is not given. */
    void useSameRunDefault() {
        defaultMaxRegression = SAME_RUN_MAX_REGRESSION;
    }

    double maxRegression() {
        if (maxRegression == null) {
            return defaultMaxRegression;
        }
        String t = maxRegression.trim();
        try {
            double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100
                    : Double.parseDouble(t);
            if (v > 0 && v < 10) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException("--max-regression " + maxRegression + ": expected a percentage such as 10% or a "
                + "fraction such as 0.1 (more than 0)");
    }

    double confidence() {
        if (!(confidence >= 0.5 && confidence < 1)) {
            throw new BadInputException("--confidence " + confidence + ": expected 0.5 <= confidence < 1, e.g. 0.99");
        }
        return confidence;
    }

    /** Checks the report files can be written, before any measurement. */
    void checkFiles() {
        OutputFiles.requireWritableDirectory("--junit-xml", junitXml);
        OutputFiles.requireWritableDirectory("--markdown", markdown);
        OutputFiles.requireWritableDirectory("--json", json);
    }

    /** Writes the requested report files; returns the exit code the decision calls for. */
    int finish(GateReport report, java.io.PrintWriter out, java.io.PrintWriter err) throws IOException {
        out.print(report.table());
        out.flush();
        write(junitXml, report.junitXml());
        write(markdown, report.markdown());
        write(json, report.json());
        if (!report.regressed()) {
            return 0;
        }
        if (warnOnly) {
            err.println("WARNING: attention4j gate: " + report.counts().get(Verdict.REGRESSION)
                    + " scenario(s) regressed; --warn-only, so this does not fail the build");
            err.flush();
            return 0;
        }
        return 1;
    }

    private static void write(Path file, String text) throws IOException {
        if (file != null) {
            OutputFiles.write(file, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    String describe() {
        return String.format(Locale.ROOT, "max regression %.1f %%, confidence %.0f %%", maxRegression() * 100,
                confidence() * 100);
    }
}
