package org.attention4j.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering, read from the sources' imports of the modules this suite covers (docs/DESIGN.md, "Modules"). Maven
 * already refuses an import of a module that is not a dependency; these rules say more than that:
 * <ul>
 *   <li>only {@code kernel.panama} touches the Vector API, so the engine loads and runs without
 *       {@code jdk.incubator.vector};</li>
 *   <li>the engine proper (the API package, {@code kernel*}, {@code internal}) imports none of what is built on
 *       it or beside it: io, the layers, the tooling, the float64 oracles, nor any other module;</li>
 *   <li>io needs only the API's element types; the layers no tooling or oracle; the tooling no layer or
 *       oracle.</li>
 * </ul>
 */
class PackageRulesTest {
    /** Module directory → its packages' root; the tests run in {@code tests/}, beside the modules. */
    private static final List<String> MODULES = List.of("engine", "io", "layers", "tooling", "testkit");
    /** Imports, wildcards included, and fully qualified names in code ({@code org.attention4j.bench.X.y()}). */
    private static final Pattern IMPORT = Pattern.compile(
            "^import (?:static )?([\\w.*]+);|\\b(org\\.attention4j(?:\\.[a-z]\\w*)+)\\.[A-Z]", Pattern.MULTILINE);
    private static final List<String> NOT_IN_THE_ENGINE = List.of("io", "layer", "bench", "reference", "cli",
            "model", "jmh", "langchain4j", "example");

    private record Source(String module, String pkg, Path file, List<String> imports) {}

    private static List<Source> sources() {
        List<Source> out = new ArrayList<>();
        for (String module : MODULES) {
            out.addAll(sources(module));
        }
        return out;
    }

    private static List<Source> sources(String module) {
        Path root = Path.of("..", module, "src", "main", "java", "org", "attention4j");
        try (Stream<Path> files = Files.walk(root)) {
            List<Source> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.');
                List<String> imports = new ArrayList<>();
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    imports.add(m.group(1) != null ? m.group(1) : m.group(2) + ".");
                }
                out.add(new Source(module, pkg, f, imports));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void onlyKernelPanamaImportsTheVectorApi() {
        List<String> found = new ArrayList<>();
        for (Source s : sources()) {
            if (!s.pkg().equals("kernel.panama") && s.imports().stream().anyMatch(i -> i.startsWith("jdk.incubator.vector"))) {
                found.add(s.file().toString());
            }
        }
        assertEquals(List.of(), found, "Vector API imports outside kernel.panama");
    }

    @Test
    void theEngineProperImportsNothingBuiltOnIt() {
        List<Source> engine = sources("engine");
        assertTrue(engine.size() > 50, "the scan must see the engine's sources, saw " + engine.size());
        assertEquals(List.of(), importsOf(engine, NOT_IN_THE_ENGINE), "the engine must not import what is built on it");
    }

    @Test
    void ioLayersAndToolingImportOnlyWhatTheyStandOn() {
        assertEquals(List.of(), importsOf(sources("io"), List.of("kernel", "internal", "layer", "bench", "reference",
                "cli", "model")), "io needs only the API's element types");
        assertEquals(List.of(), importsOf(sources("layers"), List.of("bench", "reference", "internal", "cli",
                "model")), "the layers must not import tooling, oracles or plumbing");
        assertEquals(List.of(), importsOf(sources("tooling"), List.of("layer", "reference", "io", "cli", "model")),
                "the tooling runs on the engine alone");
    }

    /** The imports among {@code sources} of a package below {@code org.attention4j} named in {@code banned}. */
    private static List<String> importsOf(List<Source> sources, List<String> banned) {
        List<String> found = new ArrayList<>();
        for (Source s : sources) {
            for (String imported : s.imports()) {
                for (String b : banned) {
                    if (imported.startsWith("org.attention4j." + b + ".")) {
                        found.add(s.file() + " imports " + imported);
                    }
                }
            }
        }
        return found;
    }
}
