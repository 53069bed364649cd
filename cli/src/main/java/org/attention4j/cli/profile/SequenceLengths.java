package org.attention4j.cli.profile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.attention4j.cli.BadInputException;

/**
 * Parses {@code --seq}: a comma-separated list of lengths and ranges. A length is a number with an
 * optional binary suffix ({@code 4k} = 4096, {@code 1M} = 1048576). A range {@code A..B} doubles from A
 * to B; {@code A..BxF} multiplies by F; {@code A..B+S} adds S. Duplicates are dropped, order is kept.
 */
public final class SequenceLengths {
    /** A guard against typos such as {@code 1G}: beyond this a run could not finish anyway. */
    public static final long MAX_LENGTH = 1L << 27;
    private static final int MAX_COUNT = 1000;

    private SequenceLengths() {}

    public static List<Integer> parse(String option, String text) {
        if (text == null || text.isBlank()) {
            throw new BadInputException(option + " is empty: expected lengths such as 1k,4k or 1024..65536x2");
        }
        LinkedHashSet<Integer> lengths = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            int dots = p.indexOf("..");
            if (dots < 0) {
                lengths.add(length(option, p));
            } else {
                range(option, p, dots, lengths);
            }
            if (lengths.size() > MAX_COUNT) {
                throw new BadInputException(option + " " + text + ": more than " + MAX_COUNT + " lengths");
            }
        }
        return new ArrayList<>(lengths);
    }

    private static void range(String option, String p, int dots, LinkedHashSet<Integer> out) {
        String rest = p.substring(dots + 2);
        long from = length(option, p.substring(0, dots));
        int x = rest.indexOf('x'), plus = rest.indexOf('+');
        long to;
        boolean multiply = plus < 0;
        long step = 2;
        if (x >= 0) {
            to = length(option, rest.substring(0, x));
            step = number(option, p, rest.substring(x + 1));
        } else if (plus >= 0) {
            to = length(option, rest.substring(0, plus));
            step = length(option, rest.substring(plus + 1));
        } else {
            to = length(option, rest);
        }
        if (to < from) {
            throw new BadInputException(option + " " + p + ": the range ends before it starts");
        }
        if (multiply && step < 2) {
            throw new BadInputException(option + " " + p + ": the factor after x must be >= 2");
        }
        for (long n = from; n <= to; n = multiply ? n * step : n + step) {
            out.add((int) n);
            if (out.size() > MAX_COUNT) {
                return;
            }
        }
    }

    private static long number(String option, String whole, String digits) {
        try {
            return Long.parseLong(digits.trim());
        } catch (NumberFormatException e) {
            throw new BadInputException(option + " " + whole + ": '" + digits + "' is not a whole number");
        }
    }

    /** {@code 4096}, {@code 4k}, {@code 1M}: a length >= 1 and <= {@link #MAX_LENGTH}. */
    public static int length(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long multiplier = 1;
        if (t.endsWith("k")) {
            multiplier = 1024;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            multiplier = 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        long value;
        try {
            value = Long.parseLong(t) * multiplier;
        } catch (NumberFormatException e) {
            throw new BadInputException(option + ": '" + text.trim()
                    + "' is not a length: expected a number such as 512, 4k or 1M (k = 1024)");
        }
        if (value < 1 || value > MAX_LENGTH) {
            throw new BadInputException(option + ": " + text.trim() + " = " + value + ": expected 1 .. " + MAX_LENGTH);
        }
        return (int) value;
    }
}
