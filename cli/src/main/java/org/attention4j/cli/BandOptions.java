package org.attention4j.cli;

import picocli.CommandLine.Option;

/** {@code --causal} and {@code --window}, shared by {@code run}, {@code heatmap} and {@code layer} (a picocli mixin). */
public final class BandOptions {
    @Option(names = "--causal", description = "Causal mask, bottom-right aligned when Lq != Lk.")
    boolean causal;

    @Option(names = "--window", paramLabel = "LEFT,RIGHT",
            description = "Sliding window: query i sees keys i-LEFT .. i+RIGHT, -1 = unbounded (e.g. 511,0).")
    String window;

    public boolean causal() {
        return causal;
    }

    /** {@return the {@code --window} value as given, or null} */
    public String windowText() {
        return window;
    }

    /** {@code {left, right}}, {@code {-1, -1}} without {@code --window}; a malformed value is a {@link BadInputException}. */
    public int[] window() {
        return WindowOption.parse(window);
    }
}
