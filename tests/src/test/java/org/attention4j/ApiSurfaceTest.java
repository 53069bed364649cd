package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.attention4j.bench.FmaPeak;
import org.attention4j.io.NpyFile;
import org.attention4j.layer.MultiHeadAttention;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.Test;

/**
 * Each module exports what its users call and nothing else (docs/DESIGN.md, "Modules"): a package added
 * to the API, or plumbing leaking into it, is a decision to make there, not a side effect. Plumbing goes to the
 * project's own modules by name (qualified exports).
 */
class ApiSurfaceTest {
    private static final String MODEL = "org.attention4j.model";

    @Test
    void theEngineExportsItsApiToAllAndItsKernelsOnlyToTheModulesBuiltOnThem() throws URISyntaxException {
        assertEquals(Map.of(
                "org.attention4j", Set.of(),
                "org.attention4j.kernel", Set.of("org.attention4j.layers", "org.attention4j.tooling"),
                "org.attention4j.kernel.gemm", Set.of("org.attention4j.layers"),
                "org.attention4j.internal", Set.of(MODEL, "org.attention4j.testkit")),
                exports(AttentionEngine.class, "org.attention4j"));
    }

    @Test
    void ioLayersToolingAndTestKitExportTheirOwnPackages() throws URISyntaxException {
        assertEquals(Map.of("org.attention4j.io", Set.of(), "org.attention4j.io.json", Set.of(MODEL)),
                exports(NpyFile.class, "org.attention4j.io"));
        assertEquals(Map.of("org.attention4j.layer", Set.of(), "org.attention4j.layer.linear", Set.of()),
                exports(MultiHeadAttention.class, "org.attention4j.layers"));
        assertEquals(Map.of("org.attention4j.bench", Set.of()), exports(FmaPeak.class, "org.attention4j.tooling"));
        assertEquals(Map.of("org.attention4j.reference", Set.of()),
                exports(ReferenceAttention.class, "org.attention4j.testkit"));
    }

    @Test
    void everyPackageExportedToAllHasAPackageInfo() throws URISyntaxException {
        // The tests run in tests/: each module's sources are beside it.
        Map<String, Class<?>> modules = Map.of("engine", AttentionEngine.class, "io", NpyFile.class,
                "layers", MultiHeadAttention.class, "tooling", FmaPeak.class, "testkit", ReferenceAttention.class);
        for (Map.Entry<String, Class<?>> m : modules.entrySet()) {
            Path where = Path.of(m.getValue().getProtectionDomain().getCodeSource().getLocation().toURI());
            ModuleDescriptor module = ModuleFinder.of(where).findAll().iterator().next().descriptor();
            for (Exports e : module.exports()) {
                Path info = Path.of("..", m.getKey(), "src", "main", "java").resolve(e.source().replace('.', '/'))
                        .resolve("package-info.java");
                assertTrue(e.isQualified() || Files.isRegularFile(info), info + " is missing");
            }
        }
    }

    /** The exports of the module that holds {@code member} (a jar or a classes directory: tests run on the class path). */
    private static Map<String, Set<String>> exports(Class<?> member, String moduleName) throws URISyntaxException {
        Path where = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor module = ModuleFinder.of(where).find(moduleName).orElseThrow().descriptor();
        Map<String, Set<String>> exports = new TreeMap<>();
        for (Exports e : module.exports()) {
            exports.put(e.source(), e.targets());
        }
        return exports;
    }
}
