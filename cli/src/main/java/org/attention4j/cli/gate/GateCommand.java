package org.attention4j.cli.gate;

import org.attention4j.cli.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code attention4j gate}: a CI performance regression gate (docs/GATE.md). */
@Command(name = "gate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {RecordCommand.class, CheckCommand.class, CompareCommand.class},
        synopsisSubcommandLabel = "(record | check | compare)",
        description = "A performance regression gate that fails a build on a real slowdown and not on machine noise.")
public final class GateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
