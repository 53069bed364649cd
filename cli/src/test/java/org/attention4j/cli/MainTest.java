package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The command tree: help, version, completion, unknown commands. */
class MainTest {

    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        for (String command : new String[] {"info", "profile", "generate-completion"}) {
            assertTrue(run.out().contains(command), run.out());
        }
    }

    @Test
    void versionNamesTheJvm() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("attention4j "), run.out());
        assertTrue(run.out().contains("JVM: "), run.out());
    }

    @Test
    void completionScriptIsABashScript() {
        CliRun run = CliRun.of("generate-completion");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("complete -F"), run.out().substring(0, 200));
        assertTrue(run.out().contains("--naive-max-mem"), "profile options are completed");
    }

    @Test
    void unknownCommandsAndOptionsAreUsageErrors() {
        assertEquals(2, CliRun.of("prolife").exitCode());
        assertEquals(2, CliRun.of("info", "--colour").exitCode());
    }

    @Test
    void infoWithoutPeakPrintsTheMachine() {
        CliRun run = CliRun.of("info", "--no-peak");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("CPU:"), run.out());
        assertTrue(run.out().contains("Why:"), run.out());
        assertTrue(run.out().contains("1..256 for V and O, independent of the key head size"), run.out());
    }
}
