package org.attention4j.cli;

/** Parses {@code --window LEFT,RIGHT} (whole numbers, −1 = unbounded) for {@code profile} and {@code run}. */
public final class WindowOption {
    private WindowOption() {}

    /** {@code {left, right}}; {@code {-1, -1}} (no window) when {@code text} is null. */
    public static int[] parse(String text) {
        if (text == null) {
            return new int[] {-1, -1};
        }
        String[] parts = text.split(",");
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException("--window " + text + ": expected LEFT,RIGHT (whole numbers, -1 = unbounded), "
                + "e.g. 511,0");
    }
}
