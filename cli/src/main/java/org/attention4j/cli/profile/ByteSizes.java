package org.attention4j.cli.profile;

import java.util.Locale;
import org.attention4j.cli.BadInputException;

/** Parses sizes such as {@code 512m}, {@code 2g}, {@code 1073741824} (binary units). */
final class ByteSizes {
    private ByteSizes() {}

    static long parse(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            case 't' -> unit = 1L << 40;
            default -> unit = 1;
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            double value = Double.parseDouble(digits);
            if (value < 0 || value * unit > Long.MAX_VALUE / 2) {
                throw new NumberFormatException();
            }
            return (long) (value * unit);
        } catch (NumberFormatException e) {
            throw new BadInputException(option + " " + text + ": expected a size such as 512m or 2g");
        }
    }
}
