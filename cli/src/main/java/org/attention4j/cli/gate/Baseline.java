package org.attention4j.cli.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.MachineInfo;
import org.attention4j.cli.OutputFiles;
import org.attention4j.cli.VersionProvider;

/**
 * A gate baseline file ({@code perf-baseline.json}): schema version, date, attention4j version, the
 * machine and JDK fingerprint, and per scenario its definition, the normalized samples and the raw
 * nanoseconds behind them, and a summary. Fields are documented in docs/GATE.md.
 */
record Baseline(String date, String version, String fingerprint, Map<String, Object> machine,
                List<Entry> scenarios) {
    static final String SCHEMA = "attention4j-gate-baseline/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    record Entry(Scenario scenario, double[] normalized, double[] nanosPerCall, long[] calibrationNanos) {}

    static Baseline of(Map<String, Sampler.Samples> samples, List<Scenario> scenarios) {
        List<Entry> entries = new ArrayList<>();
        for (Scenario s : scenarios) {
            Sampler.Samples x = samples.get(s.name());
            entries.add(new Entry(s, x.values(), x.nanosPerCall().stream().mapToDouble(Double::doubleValue).toArray(),
                    x.calibrationNanos().stream().mapToLong(Long::longValue).toArray()));
        }
        MachineInfo m = MachineInfo.current();
        return new Baseline(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), VersionProvider.version(),
                m.fingerprint(), m.toMap(), entries);
    }

    List<Scenario> scenarioList() {
        return scenarios.stream().map(Entry::scenario).toList();
    }

    Entry entry(String name) {
        return scenarios.stream().filter(e -> e.scenario().name().equals(name)).findFirst().orElse(null);
    }

    /** This baseline with {@code replacement}'s scenarios swapped in (by name) or added. */
    Baseline updatedWith(Baseline replacement) {
        Map<String, Entry> merged = new LinkedHashMap<>();
        scenarios.forEach(e -> merged.put(e.scenario().name(), e));
        replacement.scenarios.forEach(e -> merged.put(e.scenario().name(), e));
        return new Baseline(replacement.date, replacement.version, replacement.fingerprint, replacement.machine,
                new ArrayList<>(merged.values()));
    }

    void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("date", date);
        root.put("attention4jVersion", version);
        root.put("fingerprint", fingerprint);
        root.set("machine", JSON.valueToTree(machine));
        root.put("calibration", Yardstick.DESCRIPTION);
        ArrayNode list = root.putArray("scenarios");
        for (Entry e : scenarios) {
            ObjectNode n = list.addObject();
            n.set("scenario", e.scenario().toJson(JSON));
            ObjectNode summary = n.putObject("summary");
            summary.put("samples", e.normalized().length);
            summary.put("medianNormalized", Comparison.median(e.normalized()));
            summary.put("medianMillisPerCall", Comparison.median(e.nanosPerCall()) / 1e6);
            n.set("normalized", JSON.valueToTree(e.normalized()));
            n.set("nanosPerCall", JSON.valueToTree(e.nanosPerCall()));
            n.set("calibrationNanos", JSON.valueToTree(e.calibrationNanos()));
        }
        OutputFiles.write(file, out -> JSON.writeValue(out, root));
    }

    /** Reads and checks a baseline; anything missing or malformed is a one-line {@link BadInputException}. */
    static Baseline read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new BadInputException("baseline " + file + " does not exist: record one with "
                    + "'attention4j gate record --out " + file + "'");
        } catch (IOException e) {
            throw new BadInputException("baseline " + file + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        String where = "baseline " + file;
        if (root == null || !SCHEMA.equals(root.path("schema").asText())) {
            throw new BadInputException(where + ": schema is " + (root == null ? "missing" : root.path("schema"))
                    + ", expected \"" + SCHEMA + "\" (record it again with this version)");
        }
        if (!Yardstick.DESCRIPTION.equals(root.path("calibration").asText())) {
            throw new BadInputException(where + " was normalized by another yardstick (" + root.path("calibration")
                    + "): its samples cannot be compared with this version's; record it again");
        }
        JsonNode list = root.get("scenarios");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new BadInputException(where + ": no scenarios");
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode n : list) {
            Scenario s = Scenario.fromJson(n.get("scenario"), where);
            double[] normalized = numbers(n.get("normalized"), where + ": scenario " + s.name() + " normalized");
            double[] nanos = numbers(n.get("nanosPerCall"), where + ": scenario " + s.name() + " nanosPerCall");
            double[] calibration = numbers(n.get("calibrationNanos"), where + ": scenario " + s.name()
                    + " calibrationNanos");
            long[] cal = new long[calibration.length];
            for (int i = 0; i < cal.length; i++) {
                cal[i] = (long) calibration[i];
            }
            entries.add(new Entry(s, normalized, nanos, cal));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = JSON.convertValue(root.path("machine"), Map.class);
        return new Baseline(root.path("date").asText(), root.path("attention4jVersion").asText(),
                root.path("fingerprint").asText(), machine, entries);
    }

    private static double[] numbers(JsonNode n, String where) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw new BadInputException(where + ": expected a non-empty array of numbers");
        }
        double[] values = new double[n.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = n.get(i);
            if (!v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
                throw new BadInputException(where + "[" + i + "] = " + v + ": expected a positive number");
            }
            values[i] = v.asDouble();
        }
        return values;
    }
}
