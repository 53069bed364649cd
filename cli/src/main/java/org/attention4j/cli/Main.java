package org.attention4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.attention4j.cli.embed.EmbedCommand;
import org.attention4j.cli.gate.GateCommand;
import org.attention4j.cli.heatmap.HeatmapCommand;
import org.attention4j.cli.profile.ProfileCommand;
import org.attention4j.cli.serve.ServeCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code attention4j} command. Exit codes: 0 ok; 1 the thing measured or checked failed (a regression,
 * a mismatch); 2 bad usage or bad input (a one-line message naming the argument or file, no stack trace);
 * 3 an internal error, a bug of ours (one line asking for a report; the stack trace with {@code --verbose}).
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
    public static final int EXIT_INTERNAL_ERROR = 3;
    static final String ISSUES_URL = "https://github.com/attention4j/attention4j/issues";
    private static final String VERBOSE = "--verbose";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Read from the parse result (handleExecutionException), wherever on the command line it was given.
    @Option(names = VERBOSE, scope = ScopeType.INHERIT,
            description = "On an internal error, print the stack trace (for a bug report).")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call {@code execute} on it with their own writers. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionStrategy(Main::runLast);
        cli.setExecutionExceptionHandler(Main::handleExecutionException);
        cli.setParameterExceptionHandler(Main::handleParameterException);
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
     * Runs the last subcommand as picocli's {@code RunLast} does, which lets an {@link Error} (a stack
     * overflow, an assertion, a class that failed to initialize) escape {@code execute}: wrapped here, it
     * reaches {@link #handleExecutionException} like any exception, so it gets one line and an exit code too.
     */
    private static int runLast(ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (Error e) {
            List<CommandLine> commands = parsed.asCommandLineList();
            throw new ExecutionException(commands.getLast(), e.toString(), e);
        }
    }

    /**
     * Bad input (our {@link BadInputException}, the engine's {@link IllegalArgumentException}, a file that
     * cannot be read or written, a heap too small for the input) is the user's to fix: one line, exit 2.
     * Anything else is our bug: one line asking for a report, exit 3, the stack trace under {@code --verbose}.
     */
    private static int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        PrintWriter err = cli.getErr();
        String name = cli.getCommandSpec().qualifiedName();
        Throwable problem = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (problem instanceof ExceptionInInitializerError && problem.getCause() != null) {
            problem = problem.getCause(); // e.g. a bad -Dattention4j.provider, seen when the kernel is chosen
        }
        int code;
        if (problem instanceof BadInputException || problem instanceof IllegalArgumentException) {
            err.println(name + ": " + problem.getMessage());
            code = EXIT_BAD_INPUT;
        } else if (problem instanceof IOException || problem instanceof UncheckedIOException) {
            Throwable io = problem instanceof UncheckedIOException ? problem.getCause() : problem;
            err.println(name + ": I/O error: " + io);
            code = EXIT_BAD_INPUT;
        } else if (problem instanceof OutOfMemoryError) {
            err.println(name + ": out of memory (" + problem.getMessage() + "): this input needs a larger heap "
                    + "than the JVM's " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; e.g. JAVA_OPTS=-Xmx16g");
            code = EXIT_BAD_INPUT;
        } else {
            boolean verbose = verbose(parsed);
            err.println(name + ": internal error: " + problem + "; please report it at " + ISSUES_URL
                    + " with the command line" + (verbose ? "" : " (rerun with " + VERBOSE + " for the stack trace)"));
            if (verbose) {
                problem.printStackTrace(err);
            }
            code = EXIT_INTERNAL_ERROR;
        }
        err.flush();
        return code;
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A command line picocli cannot parse: one line with what was wrong, the closest names when a name was
     * mistyped, and where the usage is, e.g. {@code attention4j profile: Unknown option: '--sek'; did you
     * mean --seq or --seed? See 'attention4j profile --help'}. Exit 2.
     */
    private static int handleParameterException(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        String name = cli.getCommandSpec().qualifiedName();
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().getFirst();
            if (first.startsWith("-")) {
                message = "Unknown option: '" + first + "'";
            } else if (!cli.getSubcommands().isEmpty()) {
                message = "Unknown command: '" + first + "'";
            }
            List<String> suggestions = u.getSuggestions().stream().limit(3).toList();
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        cli.getErr().println(name + ": " + message + (message.endsWith("?") ? " " : ". ")
                + "See '" + name + " --help'");
        cli.getErr().flush();
        return EXIT_BAD_INPUT;
    }
}
