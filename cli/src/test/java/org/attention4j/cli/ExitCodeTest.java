package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the user sees when something goes wrong: 2 and one line for bad usage, with the closest names and
 * where the help is; 3 and one line asking for a report for our own bugs (the stack trace only with
 * --verbose). The bugs come from a test-only subcommand, {@link Fail}, added to the real command line.
 */
class ExitCodeTest {

    /** Throws what {@code --throw} names, as a command with a bug would. */
    @Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        @Option(names = "--throw")
        String what = "state";

        @Override
        public Integer call() throws Exception {
            switch (what) {
                case "state" -> throw new IllegalStateException("the plan has no tiles");
                case "npe" -> throw new NullPointerException();
                case "assertion" -> throw new AssertionError("tile rows 0");
                case "argument" -> throw new IllegalArgumentException("--heads 0: expected >= 1");
                case "io" -> throw new IOException("out.npy: No space left on device");
                case "memory" -> throw new OutOfMemoryError("Java heap space");
                default -> throw new UnsupportedOperationException(what);
            }
        }
    }

    private static CliRun run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = Main.commandLine().addSubcommand(new Fail());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Test
    void anUnexpectedExceptionIsAnInternalErrorInOneLine() {
        CliRun run = run("fail");
        assertEquals(Main.EXIT_INTERNAL_ERROR, run.exitCode(), run.toString());
        assertEquals("attention4j fail: internal error: java.lang.IllegalStateException: the plan has no tiles; "
                + "please report it at " + Main.ISSUES_URL + " with the command line (rerun with --verbose for the "
                + "stack trace)\n", run.err().replace(System.lineSeparator(), "\n"));
        assertEquals("", run.out());
    }

    @Test
    void verbosePrintsTheStackTraceWhereverItIsGiven() {
        for (String[] args : new String[][] {{"fail", "--verbose"}, {"--verbose", "fail"}}) {
            CliRun run = run(args);
            assertEquals(Main.EXIT_INTERNAL_ERROR, run.exitCode(), run.toString());
            assertTrue(run.err().startsWith("attention4j fail: internal error: java.lang.IllegalStateException"),
                    run.toString());
            assertFalse(run.err().contains("rerun with"), run.toString());
            assertTrue(run.err().contains("\tat org.attention4j.cli.ExitCodeTest$Fail.call"), run.toString());
        }
    }

    @Test
    void errorsAndExceptionsWithoutAMessageAreInternalErrorsToo() {
        CliRun npe = run("fail", "--throw", "npe");
        assertEquals(Main.EXIT_INTERNAL_ERROR, npe.exitCode(), npe.toString());
        assertTrue(npe.err().contains("internal error: java.lang.NullPointerException;"), npe.toString());
        CliRun assertion = run("fail", "--throw", "assertion");
        assertEquals(Main.EXIT_INTERNAL_ERROR, assertion.exitCode(), assertion.toString());
        assertTrue(assertion.err().contains("internal error: java.lang.AssertionError: tile rows 0;"),
                assertion.toString());
        assertEquals(1, assertion.err().lines().count(), assertion.toString());
    }

    @Test
    void badInputAFileProblemAndAnInputTooBigForTheHeapAreTheUsersToFix() {
        CliRun argument = run("fail", "--throw", "argument");
        assertEquals(Main.EXIT_BAD_INPUT, argument.exitCode(), argument.toString());
        assertEquals("attention4j fail: --heads 0: expected >= 1", argument.err().strip());
        CliRun io = run("fail", "--throw", "io");
        assertEquals(Main.EXIT_BAD_INPUT, io.exitCode(), io.toString());
        assertTrue(io.err().contains("out.npy: No space left on device"), io.toString());
        CliRun memory = run("fail", "--throw", "memory");
        assertEquals(Main.EXIT_BAD_INPUT, memory.exitCode(), memory.toString());
        assertTrue(memory.err().contains("out of memory (Java heap space)") && memory.err().contains("-Xmx"),
                memory.toString());
        assertFalse(io.err().contains("internal error") || memory.err().contains("internal error"));
    }

    @Test
    void aMistypedOptionGetsTheClosestNamesAndWhereTheHelpIs() {
        CliRun run = CliRun.of("profile", "--sek", "4");
        assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.toString());
        assertEquals(1, run.err().lines().count(), "one line, not the usage: " + run);
        assertTrue(run.err().startsWith("attention4j profile: Unknown option: '--sek'; did you mean --seq"),
                run.toString());
        assertTrue(run.err().strip().endsWith("? See 'attention4j profile --help'"), run.toString());
    }

    @Test
    void aMistypedCommandGetsTheClosestCommand() {
        CliRun run = CliRun.of("prolife");
        assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.toString());
        assertEquals("attention4j: Unknown command: 'prolife'; did you mean profile? See 'attention4j --help'",
                run.err().strip());
        CliRun sub = CliRun.of("gate", "chek");
        assertTrue(sub.err().contains("did you mean check? See 'attention4j gate --help'"), sub.toString());
    }

    @Test
    void otherUsageErrorsAreOneLineWithTheHelpToo() {
        CliRun unknown = CliRun.of("info", "--colour");
        assertEquals("attention4j info: Unknown option: '--colour'. See 'attention4j info --help'",
                unknown.err().strip());
        CliRun missing = CliRun.of("profile", "--seq");
        assertEquals(Main.EXIT_BAD_INPUT, missing.exitCode(), missing.toString());
        assertEquals("attention4j profile: Missing required parameter for option '--seq' (LENGTHS). "
                + "See 'attention4j profile --help'", missing.err().strip());
    }
}
