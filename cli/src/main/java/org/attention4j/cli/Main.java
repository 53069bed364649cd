package org.attention4j.cli;

import java.io.PrintWriter;
import org.attention4j.cli.embed.EmbedCommand;
import org.attention4j.cli.gate.GateCommand;
import org.attention4j.cli.heatmap.HeatmapCommand;
import org.attention4j.cli.profile.ProfileCommand;
import org.attention4j.cli.serve.ServeCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code attention4j} command. Exit codes: 0 ok, 1 the thing measured or checked failed, 2 bad
 * usage or bad input (a one-line message naming the argument or file, no stack trace).
 */
@Command(name = "attention4j", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "FlashAttention-style SIMD attention for the JVM: profile it, run it on your tensors, gate CI on it, look at its weights.",
        subcommands = {InfoCommand.class, ProfileCommand.class, RunCommand.class, LayerCommand.class, GateCommand.class,
            HeatmapCommand.class, EmbedCommand.class, ServeCommand.class,
            AutoComplete.GenerateCompletion.class},
        synopsisSubcommandLabel = "COMMAND")
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call {@code execute} on it with their own writers. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::handleExecutionException);
        cli.setExitCodeExceptionMapper(e -> EXIT_BAD_INPUT);
        cli.setOverwrittenOptionsAllowed(true); // as in most Unix tools, a repeated option's last value wins
        CommandLine gen = cli.getSubcommands().get("generate-completion");
        gen.getCommandSpec().usageMessage().hidden(false);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Bad input (our {@link BadInputException}, or the engine's {@link IllegalArgumentException}) is the
     * user's to fix: one line, exit 2. Anything else is our failure: the stack trace helps us, exit 1.
     */
    private static int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof BadInputException || e instanceof IllegalArgumentException) {
            err.println(cli.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            err.flush();
            return EXIT_BAD_INPUT;
        }
        err.println(cli.getCommandSpec().qualifiedName() + ": failed: " + e);
        e.printStackTrace(err);
        err.flush();
        return EXIT_FAILED;
    }
}
