package org.attention4j.cli.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.attention4j.cli.Calibration;
import org.attention4j.cli.KvDtype;
import org.attention4j.cli.MachineInfo;
import org.attention4j.cli.VersionProvider;

/** The result of a profile run and its four renderings (table, CSV, JSON, Markdown). */
public record ProfileReport(String date, MachineInfo machine, Calibration calibration, Map<String, Object> options,
                            List<ProfileRow> rows, boolean interrupted, boolean peakRssResettable) {

    /** Version of the JSON layout (docs/CLI.md); bumped only when a field changes meaning or goes away. */
    public static final String SCHEMA = "attention4j-profile/1";

    public enum Format { TABLE, CSV, JSON, MARKDOWN }

    private record Column(String header, Function<ProfileRow, String> human, Function<ProfileRow, String> raw) {}

    private static final List<Column> COLUMNS = List.of(
            new Column("seq", r -> lengths(r), r -> String.valueOf(r.spec().keyLength())),
            new Column("kernel", ProfileRow::kernel, ProfileRow::kernel),
            new Column("thr", r -> String.valueOf(r.threads()), r -> String.valueOf(r.threads())),
            new Column("min ms", r -> ms(r, LatencyStats::min), r -> raw(r, LatencyStats::min)),
            new Column("p50 ms", r -> ms(r, LatencyStats::p50), r -> raw(r, LatencyStats::p50)),
            new Column("p90 ms", r -> ms(r, LatencyStats::p90), r -> raw(r, LatencyStats::p90)),
            new Column("p99 ms", r -> ms(r, LatencyStats::p99), r -> raw(r, LatencyStats::p99)),
            new Column("max ms", r -> ms(r, LatencyStats::max), r -> raw(r, LatencyStats::max)),
            new Column("pairs", r -> count(r.usefulPairs()), r -> String.valueOf(r.usefulPairs())),
            new Column("GFLOP/s", r -> r.measured() ? fmt("%.1f", r.gflops()) : "-",
                    r -> r.measured() ? String.valueOf(r.gflops()) : ""),
            new Column("% peak", r -> r.measured() ? fmt("%.0f%%", r.percentOfPeak()) : "-",
                    r -> r.measured() ? String.valueOf(r.percentOfPeak()) : ""),
            new Column("tokens/s", r -> r.measured() ? count(r.tokensPerSecond()) : "-",
                    r -> r.measured() ? String.valueOf(r.tokensPerSecond()) : ""),
            new Column("alloc/call", r -> r.measured() ? bytes(r.allocatedBytesPerCall()) : "-",
                    r -> String.valueOf(r.allocatedBytesPerCall())),
            new Column("working", r -> bytes(r.workingBytes()), r -> String.valueOf(r.workingBytes())),
            new Column("tensors", r -> bytes(r.tensorBytes()), r -> String.valueOf(r.tensorBytes())),
            new Column("peak RSS", r -> r.measured() ? bytes(r.peakRssBytes()) + (r.peakRssReset() ? "" : "*") : "-",
                    r -> String.valueOf(r.peakRssBytes())),
            new Column("naive n×n", r -> bytes(r.naiveMatrixBytes()), r -> String.valueOf(r.naiveMatrixBytes())),
            new Column("note", r -> r.note(), r -> r.note()));

    /** Memory-bound runs (read bandwidth measured): K/V storage, K/V bytes per call, GB/s and % of the bandwidth. */
    private static final List<Column> BANDWIDTH_COLUMNS = List.of(
            new Column("K/V", r -> KvDtype.name(r.kvType()), r -> KvDtype.name(r.kvType())),
            new Column("K/V read", r -> bytes(r.kvBytes()), r -> String.valueOf(r.kvBytes())),
            new Column("GB/s", r -> r.measured() ? fmt("%.1f", r.kvGbPerSecond()) : "-",
                    r -> r.measured() ? String.valueOf(r.kvGbPerSecond()) : ""),
            new Column("% BW", r -> r.measured() ? fmt("%.0f%%", r.percentOfReadBandwidth()) : "-",
                    r -> r.measured() ? String.valueOf(r.percentOfReadBandwidth()) : ""));

    /** The columns of this report: the bandwidth ones after "% peak" when the read bandwidth was measured. */
    private List<Column> columns() {
        if (!calibration.hasReadBandwidth()) {
            return COLUMNS;
        }
        List<Column> columns = new ArrayList<>(COLUMNS);
        int at = 0;
        while (!columns.get(at).header().equals("% peak")) {
            at++;
        }
        columns.addAll(at + 1, BANDWIDTH_COLUMNS);
        return columns;
    }

    public String render(Format format) {
        return switch (format) {
            case TABLE -> table();
            case CSV -> csv();
            case JSON -> json();
            case MARKDOWN -> markdown();
        };
    }

    private List<String> headerLines() {
        List<String> lines = new ArrayList<>();
        lines.add("attention4j " + VersionProvider.version() + " profile, " + date);
        lines.add("machine: " + machine.cpuModel() + ", " + machine.cores() + " cores, " + machine.jdk() + ", GC "
                + machine.gc() + ", kernel " + machine.provider());
        lines.add("FMA peak (same run): " + calibration.describe());
        if (calibration.hasReadBandwidth()) {
            lines.add("read bandwidth (same run, a 256 MiB stream): " + calibration.describeReadBandwidth());
        }
        Object shape = options.get("shape");
        if (shape != null) {
            lines.add("shape: " + shape);
        }
        return lines;
    }

    private List<String> footerLines() {
        List<String> lines = new ArrayList<>();
        lines.add("working = engine workspace (flash) or score matrices (naive) beyond the tensors; "
                + "naive n×n = a batched [B,H,Lq,Lk] fp32 score matrix.");
        if (!peakRssResettable) {
            lines.add("* peak RSS could not be reset between rows on this OS: it is the peak of the whole run so far.");
        }
        if (interrupted) {
            lines.add("interrupted: only the rows done before Ctrl-C are shown.");
        }
        return lines;
    }

    private String table() {
        List<Column> columns = columns();
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::header).toArray(String[]::new));
        for (ProfileRow r : rows) {
            cells.add(columns.stream().map(c -> c.human().apply(r)).toArray(String[]::new));
        }
        int[] width = new int[columns.size()];
        for (String[] row : cells) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        headerLines().forEach(l -> sb.append(l).append('\n'));
        sb.append('\n');
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                boolean left = c == 1 || c == row.length - 1;
                String pad = " ".repeat(width[c] - row[c].length());
                line.append(c == 0 ? "" : "  ").append(left ? row[c] + pad : pad + row[c]);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        sb.append('\n');
        footerLines().forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    private String markdown() {
        StringBuilder sb = new StringBuilder();
        headerLines().forEach(l -> sb.append(l).append("  \n"));
        sb.append('\n');
        List<Column> columns = columns();
        sb.append("| ").append(String.join(" | ", columns.stream().map(Column::header).toList())).append(" |\n");
        sb.append("|").append("---|".repeat(columns.size())).append('\n');
        for (ProfileRow r : rows) {
            sb.append("| ").append(String.join(" | ", columns.stream()
                    .map(c -> c.human().apply(r).replace("|", "\\|")).toList())).append(" |\n");
        }
        sb.append('\n');
        footerLines().forEach(l -> sb.append(l).append("  \n"));
        return sb.toString();
    }

    private String csv() {
        StringBuilder sb = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("seq", "queryLength", "batch", "heads", "kvHeads", "headDim",
                "valueHeadDim", "causal", "layout", "kernel", "implementation", "threads", "status", "iterations",
                "minMs", "p50Ms", "p90Ms", "p99Ms", "maxMs", "gflops", "percentOfPeak", "tokensPerSecond",
                "allocatedBytesPerCall", "workingBytes", "tensorBytes", "peakRssBytes", "naiveMatrixBytes", "note",
                "kvDtype", "kvBytesPerCall", "kvGBs", "percentOfReadBandwidth"));
        sb.append(String.join(",", header)).append('\n');
        for (ProfileRow r : rows) {
            List<String> v = List.of(String.valueOf(r.spec().keyLength()), String.valueOf(r.spec().queryLength()),
                    String.valueOf(r.spec().batch()), String.valueOf(r.spec().heads()),
                    String.valueOf(r.spec().kvHeads()), String.valueOf(r.spec().headDim()),
                    String.valueOf(r.spec().valueHeadDim()), String.valueOf(r.spec().causal()), r.layout(), r.kernel(),
                    r.implementation(), String.valueOf(r.threads()), r.status(), String.valueOf(r.iterations()),
                    raw(r, LatencyStats::min), raw(r, LatencyStats::p50), raw(r, LatencyStats::p90),
                    raw(r, LatencyStats::p99), raw(r, LatencyStats::max),
                    r.measured() ? String.valueOf(r.gflops()) : "", r.measured() ? String.valueOf(r.percentOfPeak()) : "",
                    r.measured() ? String.valueOf(r.tokensPerSecond()) : "", String.valueOf(r.allocatedBytesPerCall()),
                    String.valueOf(r.workingBytes()), String.valueOf(r.tensorBytes()), String.valueOf(r.peakRssBytes()),
                    String.valueOf(r.naiveMatrixBytes()), csvQuote(r.note()), KvDtype.name(r.kvType()),
                    String.valueOf(r.kvBytes()), r.measured() ? String.valueOf(r.kvGbPerSecond()) : "",
                    r.measured() && !Double.isNaN(r.percentOfReadBandwidth())
                            ? String.valueOf(r.percentOfReadBandwidth()) : "");
            sb.append(String.join(",", v)).append('\n');
        }
        return sb.toString();
    }

    private String json() {
        Map<String, Object> m = jsonHeader(SCHEMA, date, machine, calibration, options, interrupted);
        m.put("peakRssResettable", peakRssResettable);
        m.put("rows", rows.stream().map(ProfileRow::toMap).toList());
        return toJson(m, "the profile");
    }

    /** The fields every profile JSON document starts with (docs/CLI.md), in order. */
    static Map<String, Object> jsonHeader(String schema, String date, MachineInfo machine, Calibration calibration,
                                          Map<String, Object> options, boolean interrupted) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", schema);
        m.put("attention4jVersion", VersionProvider.version());
        m.put("date", date);
        m.put("machine", machine.toMap());
        m.put("calibration", calibration.toMap());
        m.put("options", options);
        m.put("interrupted", interrupted);
        return m;
    }

    /** Indented JSON with a final newline; {@code what} names the document in the (internal) error. */
    static String toJson(Map<String, Object> document, String what) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write " + what + " as JSON", e);
        }
    }

    private static String lengths(ProfileRow r) {
        return r.spec().queryLength() == r.spec().keyLength() ? String.valueOf(r.spec().keyLength())
                : r.spec().queryLength() + "x" + r.spec().keyLength();
    }

    private static String ms(ProfileRow r, Function<LatencyStats, Double> f) {
        if (r.latency() == null) {
            return "-";
        }
        double v = f.apply(r.latency());
        return v >= 100 ? fmt("%.0f", v) : v >= 10 ? fmt("%.1f", v) : v >= 1 ? fmt("%.2f", v) : fmt("%.3f", v);
    }

    private static String raw(ProfileRow r, Function<LatencyStats, Double> f) {
        return r.latency() == null ? "" : String.valueOf(f.apply(r.latency()));
    }

    static String bytes(long b) {
        if (b < 0) {
            return "n/a";
        }
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return fmt(v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    private static String count(double v) {
        if (v >= 1e9) {
            return fmt("%.2fG", v / 1e9);
        }
        if (v >= 1e6) {
            return fmt("%.2fM", v / 1e6);
        }
        return v >= 1e3 ? fmt("%.1fk", v / 1e3) : fmt("%.0f", v);
    }

    private static String csvQuote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
