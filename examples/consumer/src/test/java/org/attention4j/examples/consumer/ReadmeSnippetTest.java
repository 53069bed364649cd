package org.attention4j.examples.consumer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The consumer test builds src/it/readme-maven; this keeps that project what the README tells a new user to
 * write: every property, dependency and plugin of the README's Maven snippet ("Install") is in its POM, the
 * same but for the attention4j version (the README names a release, the test project this build).
 */
class ReadmeSnippetTest {

    private static final Path README = Path.of("../../README.md");
    private static final Path TEST_PROJECT_POM = Path.of("src/it/readme-maven/pom.xml");

    /** The elements a user copies: a property line, a whole dependency, a whole plugin. */
    private static final Pattern ELEMENT = Pattern.compile(
            "<dependency>.*?</dependency>|<plugin>.*?</plugin>|<maven\\.compiler\\.release>.*?</maven\\.compiler\\.release>",
            Pattern.DOTALL);

    @Test
    void readmeSnippetIsTheTestProject() throws IOException {
        String pom = normalized(Files.readString(TEST_PROJECT_POM));
        List<String> elements = elements(mavenSnippet(Files.readString(README)));
        assertFalse(elements.isEmpty(), "no dependency or plugin in the README's Maven snippet");
        assertTrue(elements.stream().anyMatch(e -> e.contains("<artifactId>attention4j-engine</artifactId>")),
                "the README's Maven snippet does not add attention4j-engine");
        for (String element : elements) {
            assertTrue(pom.contains(element), "README snippet element missing from " + TEST_PROJECT_POM
                    + " (change both together):\n" + element);
        }
    }

    /** The first xml block after the "## Install" heading. */
    private static String mavenSnippet(String readme) {
        int install = readme.indexOf("\n## Install\n");
        assertTrue(install >= 0, "README.md has no '## Install' section");
        int start = readme.indexOf("```xml\n", install);
        assertTrue(start >= 0, "no ```xml block in README.md's Install section");
        int end = readme.indexOf("\n```", start + 7);
        return readme.substring(start + 7, end);
    }

    private static List<String> elements(String snippet) {
        List<String> elements = new ArrayList<>();
        Matcher m = ELEMENT.matcher(normalized(snippet));
        while (m.find()) {
            elements.add(m.group());
        }
        return elements;
    }

    /** Without comments and layout, and with one stand-in for the version of any attention4j artifact. */
    private static String normalized(String xml) {
        return xml.replaceAll("(?s)<!--.*?-->", "")
                .replaceAll("\\s*\\n\\s*", "")
                .replaceAll("(<artifactId>attention4j-[a-z0-9-]+</artifactId><version>)[^<]*(</version>)",
                        "$1VERSION$2");
    }
}
