package org.attention4j.cli.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.attention4j.cli.CliRun;
import org.junit.jupiter.api.Test;

/** {@code profile --layer} in-process on a tiny block: the fields, their consistency, and bad options. */
class LayerProfileTest {
    private static CliRun profile(String... args) {
        String[] quick = {"profile", "--layer", "--warmup", "0", "--iterations", "2", "--min-time", "0", "-q"};
        return CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(quick), java.util.Arrays.stream(args))
                .toArray(String[]::new));
    }

    @Test
    void jsonRowsSplitTheBlockIntoProjectionAttentionAndTheRest() throws IOException {
        CliRun run = profile("--seq", "16,40", "--d-model", "32", "--heads", "4", "--kv-heads", "2", "--head-dim",
                "8", "--causal", "--threads", "1,2", "--format", "json");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertEquals(LayerProfileReport.SCHEMA, root.get("schema").asText());
        JsonNode rows = root.get("rows");
        assertEquals(4, rows.size());
        for (JsonNode row : rows) {
            double block = row.get("blockMs").get("p50").asDouble();
            assertTrue(block > 0, row.toString());
            assertTrue(row.get("projectionMs").asDouble() > 0 && row.get("attentionMs").asDouble() > 0, row.toString());
            assertEquals(block - row.get("projectionMs").asDouble() - row.get("attentionMs").asDouble(),
                    row.get("otherMs").asDouble(), 1e-9, row.toString());
            assertEquals(32, row.get("dModel").asInt());
            assertEquals(4L * 32 * (8 * (4 + 2 * 2) + 32), row.get("weightBytes").asLong());
            assertTrue(row.get("tokensPerSecond").asDouble() > 0);
        }
        CliRun table = profile("--seq", "16", "--d-model", "32", "--heads", "4", "--head-dim", "8", "--threads", "1");
        assertEquals(0, table.exitCode(), table.toString());
        assertTrue(table.out().contains("projection ms") && table.out().contains("kernel share"), table.out());
    }

    @Test
    void optionsThatDoNotFitABlockExit2() {
        for (String[] bad : new String[][] {{"--q-len", "4"}, {"--kernel", "naive"}, {"--d-model", "0"},
            {"--layout", "bhsd"}}) {
            CliRun run = profile(java.util.stream.Stream.concat(java.util.stream.Stream.of("--seq", "16", "--heads",
                    "2", "--head-dim", "8"), java.util.Arrays.stream(bad)).toArray(String[]::new));
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.err().contains(bad[0]), run.toString());
        }
    }
}
