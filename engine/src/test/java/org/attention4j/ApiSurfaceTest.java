package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The module exports what users call and nothing else (docs/DESIGN.md, "API surface"): a package added
 * to the API, or tooling leaking into it, is a decision to make there, not a side effect.
 */
class ApiSurfaceTest {
    @Test
    void onlyTheApiIsExportedToAllAndTheToolingOnlyToTheModelModule() throws IOException {
        ModuleDescriptor module;
        try (InputStream in = AttentionEngine.class.getResourceAsStream("/module-info.class")) {
            assertNotNull(in, "module-info.class next to the engine's classes");
            module = ModuleDescriptor.read(in);
        }
        Map<String, Set<String>> exports = new TreeMap<>();
        for (Exports e : module.exports()) {
            exports.put(e.source(), e.targets());
        }
        assertEquals(Map.of(
                "org.attention4j", Set.of(),
                "org.attention4j.io", Set.of(),
                "org.attention4j.layer", Set.of(),
                "org.attention4j.layer.linear", Set.of(),
                "org.attention4j.bench", Set.of("org.attention4j.model"),
                "org.attention4j.internal", Set.of("org.attention4j.model"),
                "org.attention4j.reference", Set.of("org.attention4j.model")), exports);
    }
}
