package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Path;
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
    void onlyTheApiIsExportedToAllAndTheToolingOnlyToTheModelModule() throws URISyntaxException {
        // The tests run on the class path: read the descriptor where the engine's classes are.
        Path classes = Path.of(AttentionEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor module = ModuleFinder.of(classes).find("org.attention4j").orElseThrow().descriptor();
        Map<String, Set<String>> exports = new TreeMap<>();
        for (Exports e : module.exports()) {
            exports.put(e.source(), e.targets());
        }
        assertEquals(Map.of(
                "org.attention4j", Set.of(),
                "org.attention4j.io", Set.of(),
                "org.attention4j.layer", Set.of(),
                "org.attention4j.layer.linear", Set.of(),
                "org.attention4j.internal", Set.of("org.attention4j.model"),
                "org.attention4j.reference", Set.of("org.attention4j.model")), exports);
    }
}
