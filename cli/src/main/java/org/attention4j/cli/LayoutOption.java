package org.attention4j.cli;

import picocli.CommandLine.Option;

/** {@code --layout bshd|bhsd} of the tensor files, shared by {@code run} and {@code heatmap} (a picocli mixin). */
public final class LayoutOption {
    @Option(names = "--layout", defaultValue = "bshd", paramLabel = "bshd|bhsd",
            description = "Layout of the tensor files: [B, L, H, D] (bshd) or [B, H, L, D]. Default: ${DEFAULT-VALUE}.")
    String layout;

    /** True for bhsd; a value other than bshd or bhsd is a {@link BadInputException}. */
    public boolean bhsd() {
        if (!layout.equalsIgnoreCase("bshd") && !layout.equalsIgnoreCase("bhsd")) {
            throw new BadInputException("--layout " + layout + ": expected bshd or bhsd");
        }
        return layout.equalsIgnoreCase("bhsd");
    }
}
