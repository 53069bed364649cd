package org.attention4j.cli.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A gate decision in four renderings: a text table (stdout), JUnit XML (one test case per scenario, a
 * failure per regression, so CI systems list them), Markdown (a pull-request comment) and JSON.
 *
 * @param notes what was compared, where (the builds' commits, the machine): every rendering repeats them
 * @param warnings lines every rendering repeats (e.g. "the baseline came from another CPU")
 */
record GateReport(String title, List<String> notes, List<Line> lines, List<String> warnings) {

    GateReport(String title, List<Line> lines, List<String> warnings) {
        this(title, List.of(), lines, warnings);
    }

    /**
     * One scenario: its verdict, and the medians in the units users read (ms per call, when known).
     *
     * @param baselineNanos {@code --against}: the baseline build's nanoseconds per call, round by round
     *     (paired by index with {@code currentNanos}); null otherwise
     */
    record Line(String scenario, Comparison.Result result, double baselineMillis, double currentMillis,
                double[] baselineNanos, double[] currentNanos) {
        Line(String scenario, Comparison.Result result, double baselineMillis, double currentMillis) {
            this(scenario, result, baselineMillis, currentMillis, null, null);
        }
    }

    Map<Verdict, Integer> counts() {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            counts.put(v, 0);
        }
        lines.forEach(l -> counts.merge(l.result().verdict(), 1, Integer::sum));
        return counts;
    }

    boolean regressed() {
        return counts().get(Verdict.REGRESSION) > 0;
    }

    String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"scenario", "baseline", "now", "change", "interval", "verdict"});
        for (Line l : lines) {
            rows.add(cells(l));
        }
        int[] width = new int[6];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        });
        StringBuilder sb = new StringBuilder(title).append('\n');
        notes.forEach(n -> sb.append(n).append('\n'));
        warnings.forEach(w -> sb.append("WARNING: ").append(w).append('\n'));
        sb.append('\n');
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String pad = " ".repeat(width[i] - r[i].length());
                line.append(i == 0 ? "" : "  ").append(i == 0 || i == 5 ? r[i] + pad : pad + r[i]);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        sb.append('\n').append(summary()).append('\n');
        for (Line l : lines) {
            sb.append("  ").append(l.scenario()).append(": ").append(l.result().explanation()).append('\n');
        }
        return sb.toString();
    }

    String summary() {
        Map<Verdict, Integer> c = counts();
        return String.format(Locale.ROOT, "%d scenarios: %d pass, %d regression, %d improvement, %d inconclusive",
                lines.size(), c.get(Verdict.PASS), c.get(Verdict.REGRESSION), c.get(Verdict.IMPROVEMENT),
                c.get(Verdict.INCONCLUSIVE));
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("### ").append(title).append("\n\n");
        notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        if (!notes.isEmpty()) {
            sb.append('\n');
        }
        warnings.forEach(w -> sb.append("> **Warning:** ").append(w).append("\n\n"));
        sb.append("**").append(regressed() ? "Regression" : "No regression").append("**: ").append(summary())
                .append("\n\n");
        sb.append("| scenario | baseline | now | change | interval | verdict |\n|---|---:|---:|---:|---:|---|\n");
        for (Line l : lines) {
            String[] c = cells(l);
            sb.append("| `").append(c[0]).append("` | ").append(c[1]).append(" | ").append(c[2]).append(" | ")
                    .append(c[3]).append(" | ").append(c[4]).append(" | ").append(c[5]).append(" |\n");
        }
        return sb.toString();
    }

    String junitXml() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<testsuite name=\"attention4j-gate\" tests=\"").append(lines.size()).append("\" failures=\"")
                .append(counts().get(Verdict.REGRESSION)).append("\" errors=\"0\" skipped=\"0\">\n");
        if (!notes.isEmpty()) {
            sb.append("  <properties>\n");
            for (int i = 0; i < notes.size(); i++) {
                sb.append("    <property name=\"note").append(i + 1).append("\" value=\"").append(xml(notes.get(i)))
                        .append("\"/>\n");
            }
            sb.append("  </properties>\n");
        }
        for (Line l : lines) {
            sb.append("  <testcase classname=\"attention4j.gate\" name=\"").append(xml(l.scenario())).append("\">");
            String text = l.result().verdict() + ": " + l.result().explanation();
            if (l.result().verdict() == Verdict.REGRESSION) {
                sb.append("\n    <failure message=\"").append(xml(text)).append("\" type=\"regression\"/>\n  ");
            } else {
                sb.append("\n    <system-out>").append(xml(text)).append("</system-out>\n  ");
            }
            sb.append("</testcase>\n");
        }
        warnings.forEach(w -> sb.append("  <system-err>").append(xml("WARNING: " + w)).append("</system-err>\n"));
        return sb.append("</testsuite>\n").toString();
    }

    String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("schema", "attention4j-gate-report/1");
        root.put("title", title);
        root.put("regression", regressed());
        root.set("notes", mapper.valueToTree(notes));
        root.set("warnings", mapper.valueToTree(warnings));
        ArrayNode list = root.putArray("scenarios");
        for (Line l : lines) {
            Comparison.Result r = l.result();
            ObjectNode n = list.addObject();
            n.put("scenario", l.scenario());
            n.put("verdict", r.verdict().name());
            n.put("explanation", r.explanation());
            n.put("baselineSamples", r.baselineCount());
            n.put("currentSamples", r.currentCount());
            n.put("baselineMedian", r.baselineMedian());
            n.put("currentMedian", r.currentMedian());
            n.put("ratio", r.ratio());
            n.put("intervalLow", r.low());
            n.put("intervalHigh", r.high());
            n.put("confidence", r.confidence());
            n.put("maxRegression", r.maxRegression());
            n.put("mannWhitneyP", r.mannWhitneyP());
            n.put("baselineMillisPerCall", l.baselineMillis());
            n.put("currentMillisPerCall", l.currentMillis());
            if (l.baselineNanos() != null) {
                n.set("baselineNanosPerCallByRound", mapper.valueToTree(l.baselineNanos()));
                n.set("currentNanosPerCallByRound", mapper.valueToTree(l.currentNanos()));
            }
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] cells(Line l) {
        Comparison.Result r = l.result();
        String interval = Double.isNaN(r.low()) ? "-"
                : String.format(Locale.ROOT, "[%+.1f%%, %+.1f%%]", (r.low() - 1) * 100, (r.high() - 1) * 100);
        return new String[] {l.scenario(), value(l.baselineMillis(), r.baselineMedian()),
            value(l.currentMillis(), r.currentMedian()),
            Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%+.1f%%", r.changePercent()), interval,
            r.verdict().name().toLowerCase(Locale.ROOT)};
    }

    private static String value(double millis, double normalized) {
        if (!Double.isNaN(millis)) {
            return millis >= 10 ? String.format(Locale.ROOT, "%.1f ms", millis)
                    : String.format(Locale.ROOT, "%.3f ms", millis);
        }
        return String.format(Locale.ROOT, "%.4g", normalized);
    }

    private static String xml(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
