package org.attention4j.cli.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.attention4j.cli.BadInputException;

/**
 * Reads a JMH result file ({@code -rf json}): per benchmark (name plus sorted parameters) the raw
 * samples of every fork and iteration, turned into "lower is better" values: time modes ({@code avgt},
 * {@code ss}) as they are, throughput ({@code thrpt}) inverted.
 */
final class JmhResults {
    private JmhResults() {}

    /** Scenario name → samples (lower is better), in file order. */
    static Map<String, double[]> read(Path file, String option) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw new BadInputException(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(option + " " + file + ": not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new BadInputException(option + " " + file + ": expected JMH's -rf json output (a non-empty array)");
        }
        Map<String, double[]> scenarios = new LinkedHashMap<>();
        for (JsonNode b : root) {
            String name = name(b, option + " " + file);
            String where = option + " " + file + ": " + name;
            String mode = b.path("mode").asText("");
            boolean invert = switch (mode) {
                case "avgt", "ss" -> false;
                case "thrpt" -> true;
                default -> throw new BadInputException(where + ": mode '" + mode
                        + "' is not supported: run JMH with -bm avgt, ss or thrpt");
            };
            List<Double> values = new ArrayList<>();
            JsonNode raw = b.path("primaryMetric").path("rawData");
            if (!raw.isArray() || raw.isEmpty()) {
                throw new BadInputException(where + ": no primaryMetric.rawData samples");
            }
            for (JsonNode fork : raw) {
                for (JsonNode v : fork) {
                    if (!v.isNumber() || !(v.asDouble() > 0)) {
                        throw new BadInputException(where + ": sample " + v + " is not a positive number");
                    }
                    values.add(invert ? 1 / v.asDouble() : v.asDouble());
                }
            }
            if (scenarios.put(name, values.stream().mapToDouble(Double::doubleValue).toArray()) != null) {
                throw new BadInputException(where + ": appears twice");
            }
        }
        return scenarios;
    }

    private static String name(JsonNode b, String where) {
        String benchmark = b.path("benchmark").asText("");
        if (benchmark.isEmpty()) {
            throw new BadInputException(where + ": an entry has no \"benchmark\" name");
        }
        TreeMap<String, String> params = new TreeMap<>();
        JsonNode p = b.get("params");
        if (p != null && p.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = p.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
        }
        StringBuilder sb = new StringBuilder(benchmark);
        params.forEach((k, v) -> sb.append(sb.indexOf(":") < 0 ? ":" : ",").append(k).append('=').append(v));
        return sb.toString();
    }
}
