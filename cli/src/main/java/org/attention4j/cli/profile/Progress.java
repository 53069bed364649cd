package org.attention4j.cli.profile;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long run on stderr: a bar redrawn in place when stderr is a terminal, one plain line
 * per row otherwise, nothing with {@code --quiet}. The ETA weighs each remaining row by its FLOPs:
 * rows grow as n², so counting rows would promise far too early an end.
 */
final class Progress {
    private static final int BAR = 24;
    private final PrintWriter err;
    private final boolean terminal;
    private final boolean quiet;
    private final int rows;
    private final double totalWork;
    private final long start = System.nanoTime();
    private double doneWork;
    private int done;

    Progress(PrintWriter err, boolean terminal, boolean quiet, int rows, double totalWork) {
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
        this.rows = rows;
        this.totalWork = Math.max(totalWork, 1);
    }

    /** Before a row starts. */
    void starting(String what) {
        if (quiet) {
            return;
        }
        String line = String.format(Locale.ROOT, "[%d/%d] %s%s", done + 1, rows, what, eta());
        if (terminal) {
            int filled = (int) (BAR * doneWork / totalWork);
            err.print("\r\033[K[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + line);
        } else {
            err.println("attention4j profile: " + line);
        }
        err.flush();
    }

    /** After a row (measured or skipped), with its share of the total work. */
    void finished(double work) {
        done++;
        doneWork += work;
    }

    void message(String text) {
        if (quiet) {
            return;
        }
        if (terminal) {
            err.print("\r\033[K");
        }
        err.println("attention4j profile: " + text);
        err.flush();
    }

    void end() {
        if (!quiet && terminal) {
            err.print("\r\033[K");
            err.flush();
        }
    }

    private String eta() {
        if (doneWork <= 0) {
            return "";
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double remaining = elapsed * (totalWork - doneWork) / doneWork;
        return "  ETA " + duration(remaining);
    }

    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.0fs", seconds);
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", (long) seconds / 60, (long) seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", (long) seconds / 3600, (long) seconds / 60 % 60);
    }
}
