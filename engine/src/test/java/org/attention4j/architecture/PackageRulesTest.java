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
 * The engine's layering, read from its sources' imports (docs/DESIGN.md, "Packages"):
 * <ul>
 *   <li>only {@code kernel.panama} touches the Vector API, so the engine loads and runs without
 *       {@code jdk.incubator.vector};</li>
 *   <li>the engine proper (the API package, {@code kernel*}, {@code io}, {@code internal}) imports none of
 *       what is built on it or beside it: the layers ({@code layer*}), the tooling ({@code bench}), the
 *       float64 oracles ({@code reference}), nor any other module ({@code cli}, {@code model}, ...).</li>
 * </ul>
 */
class PackageRulesTest {
    private static final Path SOURCES = Path.of("src", "main", "java", "org", "attention4j");
    /** Imports, wildcards included, and fully qualified names in code ({@code org.attention4j.bench.X.y()}). */
    private static final Pattern IMPORT = Pattern.compile(
            "^import (?:static )?([\\w.*]+);|\\b(org\\.attention4j(?:\\.[a-z]\\w*)+)\\.[A-Z]", Pattern.MULTILINE);
    private static final List<String> ENGINE_PROPER = List.of("", "kernel", "kernel.gemm", "kernel.panama", "io",
            "internal");
    private static final List<String> BUILT_ON_THE_ENGINE = List.of("layer", "bench", "reference", "cli", "model",
            "jmh", "langchain4j", "example");

    private record Source(String pkg, Path file, List<String> imports) {}

    private static List<Source> sources() {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            List<Source> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.');
                List<String> imports = new ArrayList<>();
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    imports.add(m.group(1) != null ? m.group(1) : m.group(2) + ".");
                }
                out.add(new Source(pkg, f, imports));
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
        List<Source> all = sources();
        assertTrue(all.size() > 50, "the scan must see the engine's sources, saw " + all.size());
        List<String> found = new ArrayList<>();
        for (Source s : all) {
            if (!ENGINE_PROPER.contains(s.pkg())) {
                continue;
            }
            for (String imported : s.imports()) {
                for (String upper : BUILT_ON_THE_ENGINE) {
                    if (imported.startsWith("org.attention4j." + upper + ".")) {
                        found.add(s.file() + " imports " + imported);
                    }
                }
            }
        }
        assertEquals(List.of(), found, "the engine proper must not import layers, tooling or other modules");
    }
}
