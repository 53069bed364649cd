package org.attention4j.cli.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.attention4j.cli.Calibration;
import org.attention4j.cli.MachineInfo;
import org.attention4j.cli.VersionProvider;

/** The result of {@code profile --layer} in the four formats of {@link ProfileReport}. */
record LayerProfileReport(String date, MachineInfo machine, Calibration calibration, Map<String, Object> options,
                          List<LayerProfileRow> rows, boolean interrupted) {

    static final String SCHEMA = "attention4j-profile-layer/1";

    private record Column(String header, Function<LayerProfileRow, String> human, Function<LayerProfileRow, Object> raw) {}

    private static final List<Column> COLUMNS = List.of(
            new Column("seq", r -> String.valueOf(r.spec().queryLength()), r -> r.spec().queryLength()),
            new Column("thr", r -> String.valueOf(r.threads()), LayerProfileRow::threads),
            new Column("block p50 ms", r -> ms(r.block().p50()), r -> r.block().p50()),
            new Column("projection ms", r -> ms(r.projectionMs()), LayerProfileRow::projectionMs),
            new Column("attention ms", r -> ms(r.attentionMs()), LayerProfileRow::attentionMs),
            new Column("other ms", r -> ms(r.otherMs()), LayerProfileRow::otherMs),
            new Column("kernel share", r -> fmt("%.0f%%", 100 * r.kernelShare()), r -> 100 * r.kernelShare()),
            new Column("tokens/s", r -> fmt("%.0f", r.tokensPerSecond()), LayerProfileRow::tokensPerSecond),
            new Column("GEMM GFLOP/s", r -> fmt("%.1f", r.projectionGflops()), LayerProfileRow::projectionGflops),
            new Column("GEMM % peak", r -> fmt("%.0f%%", r.projectionPercentOfPeak()),
                    LayerProfileRow::projectionPercentOfPeak),
            new Column("alloc/call", r -> ProfileReport.bytes(r.allocatedBytesPerCall()),
                    LayerProfileRow::allocatedBytesPerCall),
            new Column("scratch", r -> ProfileReport.bytes(r.scratchBytes()), LayerProfileRow::scratchBytes),
            new Column("workspace", r -> ProfileReport.bytes(r.workspaceBytes()), LayerProfileRow::workspaceBytes),
            new Column("weights", r -> ProfileReport.bytes(r.weightBytes()), LayerProfileRow::weightBytes));

    String render(ProfileReport.Format format) {
        return switch (format) {
            case TABLE -> table(false);
            case MARKDOWN -> table(true);
            case CSV -> csv();
            case JSON -> json();
        };
    }

    private List<String> headerLines() {
        List<String> lines = new ArrayList<>();
        lines.add("attention4j " + VersionProvider.version() + " profile --layer, " + date);
        lines.add("machine: " + machine.cpuModel() + ", " + machine.cores() + " cores, " + machine.jdk() + ", GC "
                + machine.gc() + ", kernel " + machine.provider());
        lines.add("FMA peak (same run): " + calibration.describe());
        lines.add("block: " + options.get("shape"));
        return lines;
    }

    private String table(boolean markdown) {
        List<String[]> cells = new ArrayList<>();
        cells.add(COLUMNS.stream().map(Column::header).toArray(String[]::new));
        for (LayerProfileRow r : rows) {
            cells.add(COLUMNS.stream().map(c -> c.human().apply(r)).toArray(String[]::new));
        }
        StringBuilder sb = new StringBuilder();
        String lineEnd = markdown ? "  \n" : "\n";
        headerLines().forEach(l -> sb.append(l).append(lineEnd));
        sb.append('\n');
        int[] width = new int[COLUMNS.size()];
        for (String[] row : cells) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (int i = 0; i < cells.size(); i++) {
            String[] row = cells.get(i);
            StringBuilder line = new StringBuilder(markdown ? "| " : "");
            for (int c = 0; c < row.length; c++) {
                String cell = " ".repeat(width[c] - row[c].length()) + row[c];
                line.append(c == 0 ? "" : markdown ? " | " : "  ").append(cell);
            }
            sb.append(markdown ? line.append(" |") : line).append('\n');
            if (markdown && i == 0) {
                sb.append("|").append("---:|".repeat(COLUMNS.size())).append('\n');
            }
        }
        sb.append('\n').append("projection = the Q|K|V and output GEMMs alone, attention = the kernel alone, on the "
                + "block's shapes; other = block − both (biases, positions, RoPE); GEMM FLOPs 2·n·d·((H+2·Hkv)·D + d).")
                .append(lineEnd);
        if (interrupted) {
            sb.append("interrupted: only the rows done before Ctrl-C are shown.").append(lineEnd);
        }
        return sb.toString();
    }

    private String csv() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", COLUMNS.stream().map(c -> c.header().replace(' ', '_')).toList())).append('\n');
        for (LayerProfileRow r : rows) {
            sb.append(String.join(",", COLUMNS.stream().map(c -> String.valueOf(c.raw().apply(r))).toList()))
                    .append('\n');
        }
        return sb.toString();
    }

    private String json() {
        Map<String, Object> m = ProfileReport.jsonHeader(SCHEMA, date, machine, calibration, options, interrupted);
        m.put("rows", rows.stream().map(LayerProfileRow::toMap).toList());
        return ProfileReport.toJson(m, "the layer profile");
    }

    private static String ms(double v) {
        if (v < 0) {
            return "-" + ms(-v);
        }
        return v >= 100 ? fmt("%.0f", v) : v >= 10 ? fmt("%.1f", v) : v >= 1 ? fmt("%.2f", v) : fmt("%.3f", v);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
