package org.attention4j.cli.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.attention4j.cli.BadInputException;
import org.junit.jupiter.api.Test;

/** The encoder scenario's definition: JSON in and out, its checks, the batch's sequence lengths. */
class ScenarioTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anEncoderScenarioReadsBackAsItWasWritten() throws Exception {
        Scenario s = Scenario.fromJson(json.readTree("{\"name\": \"e\", \"kind\": \"encoder\", \"layers\": 3,"
                + " \"heads\": 6, \"hidden\": 96, \"sequences\": 4, \"tokens\": 100, \"threads\": 2}"), "f.json");
        assertEquals(Scenario.encoder("e", 3, 6, 16, 4, 100, 2), s);
        assertEquals(s, Scenario.fromJson(s.toJson(json), "again"));
        Scenario defaults = Scenario.fromJson(json.readTree("{\"name\": \"d\", \"kind\": \"encoder\"}"), "f.json");
        assertEquals(Scenario.encoder("d", 2, 12, 32, 16, 512, 1), defaults, "MiniLM's layer shape, 16 texts");
        assertTrue(Scenario.pairedDefaults().stream().anyMatch(p -> p.kind().equals(Scenario.ENCODER)));
    }

    @Test
    void badEncoderScenariosNameTheField() {
        String[][] cases = {
            {"\"hidden\": 100, \"heads\": 12", "hidden = 100 is not a multiple of heads = 12"},
            {"\"sequences\": 4, \"tokens\": 7", "tokens = 7: expected 2 .. 341 per sequence (4 sequences)"},
            {"\"sequences\": 2, \"tokens\": 700", "tokens = 700: expected 2 .. 341 per sequence (2 sequences)"},
            {"\"layers\": 0", "layers, heads, hidden and sequences must be positive"},
        };
        for (String[] c : cases) {
            BadInputException e = assertThrows(BadInputException.class, () -> Scenario.fromJson(
                    json.readTree("{\"name\": \"e\", \"kind\": \"encoder\", " + c[0] + "}"), "f.json"));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertTrue(e.getMessage().startsWith("f.json: scenario e: "), e.getMessage());
        }
        BadInputException kind = assertThrows(BadInputException.class, () -> Scenario.fromJson(
                json.readTree("{\"name\": \"e\", \"kind\": \"bert\"}"), "f.json"));
        assertTrue(kind.getMessage().contains("expected attention, encoder or synthetic"), kind.getMessage());
    }

    @Test
    void encoderLengthsSumToTheTokensAroundTheirMean() {
        for (int[] c : new int[][] {{16, 512}, {1, 7}, {3, 24}, {7, 100}, {16, 32}, {40, 13_000}}) {
            int[] lengths = Scenario.encoderLengths(c[0], c[1]);
            assertEquals(c[0], lengths.length);
            assertEquals(c[1], Arrays.stream(lengths).sum(), Arrays.toString(lengths));
            int mean = c[1] / c[0];
            for (int length : lengths) {
                assertTrue(length >= 2 && length <= mean * 3 / 2 + 1, Arrays.toString(lengths));
            }
        }
        int[] mix = Scenario.encoderLengths(16, 512);
        assertTrue(Arrays.stream(mix).max().getAsInt() - Arrays.stream(mix).min().getAsInt() >= 24,
                "short and long texts: " + Arrays.toString(mix));
    }
}
