package org.attention4j.cli.heatmap;

import org.attention4j.cli.BadInputException;

/**
 * A range of positions given as {@code FROM..TO}, TO excluded (as Python's {@code a[FROM:TO]}); either
 * end may be left out ({@code ..128}, {@code 64..}). Parsed before the inputs are read, checked against
 * a length once they are.
 */
record IndexRange(String option, String text, int from, int to) {
    /** No end given: the whole length. */
    private static final int END = -1;

    /** The range in {@code text}, or the whole length when {@code text} is null. */
    static IndexRange parse(String option, String text) {
        if (text == null) {
            return new IndexRange(option, null, 0, END);
        }
        int dots = text.indexOf("..");
        try {
            if (dots >= 0) {
                String from = text.substring(0, dots).strip(), to = text.substring(dots + 2).strip();
                return new IndexRange(option, text, from.isEmpty() ? 0 : Integer.parseInt(from),
                        to.isEmpty() ? END : Integer.parseInt(to));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException(option + " " + text + ": expected FROM..TO (whole numbers, TO excluded; "
                + "either may be left out), e.g. 0..128");
    }

    /** This range with its end resolved and checked: {@code 0 <= from < to <= length}. */
    IndexRange within(int length) {
        int end = to == END ? length : to;
        if (from < 0 || end > length || from >= end) {
            throw new BadInputException(option + " " + (text == null ? "(all)" : text) + ": expected a non-empty "
                    + "range FROM..TO with 0 <= FROM < TO <= " + length + " (TO excluded)");
        }
        return new IndexRange(option, text, from, end);
    }

    int count() {
        return to - from;
    }

    /** For people: both ends included, e.g. {@code 0–127}. */
    String inclusive() {
        return count() == 1 ? Integer.toString(from) : from + "–" + (to - 1);
    }

    @Override
    public String toString() {
        return from + ".." + to;
    }
}
