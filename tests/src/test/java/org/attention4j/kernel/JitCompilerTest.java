package org.attention4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The vector kernel is the default only under HotSpot's C2: each kind of JVM, as its properties and VM
 * options (HotSpotDiagnosticMXBean) describe it. The values are what Temurin 25 reports for each flag;
 * OpenJ9's and GraalVM's are from their documentation.
 */
class JitCompilerTest {
    private static final String HOTSPOT = "OpenJDK 64-Bit Server VM";
    private static final Map<String, String> DEFAULTS = Map.of("UseCompiler", "true", "TieredCompilation", "true",
            "TieredStopAtLevel", "4", "CompilationMode", "default");

    private static JitCompiler jit(String vmName, String vmInfo, Map<String, String> options) {
        return JitCompiler.of(vmName, vmInfo, options::get);
    }

    private static Map<String, String> with(String name, String value) {
        var options = new java.util.HashMap<>(DEFAULTS);
        options.put(name, value);
        return options;
    }

    @Test
    void hotSpotWithC2IsFast() {
        JitCompiler c2 = jit(HOTSPOT, "mixed mode, sharing", DEFAULTS);
        assertTrue(c2.fastVectors());
        assertNull(c2.slowReason());
        assertEquals("HotSpot C2", c2.name());
        assertTrue(jit("Java HotSpot(TM) 64-Bit Server VM", "mixed mode", DEFAULTS).fastVectors(), "Oracle JDK");
        assertTrue(jit(HOTSPOT, "mixed mode", with("TieredCompilation", "false")).fastVectors(), "C2 alone");
        assertTrue(jit(HOTSPOT, "mixed mode", with("UseJVMCICompiler", "false")).fastVectors(), "JVMCI on, C2 JIT");
    }

    @Test
    void withoutTheMxBeanThePropertiesDecide() {
        assertTrue(jit(HOTSPOT, "mixed mode, sharing", Map.of()).fastVectors());
        assertSlow(jit(HOTSPOT, "interpreted mode, sharing", Map.of()), "interpreted only");
        assertSlow(jit(HOTSPOT, "mixed mode, emulated-client, sharing", Map.of()), "C2 is off");
    }

    @Test
    void openJ9IsNotHotSpot() {
        JitCompiler j9 = jit("Eclipse OpenJ9 VM", "JRE 25 Linux amd64-64-Bit Compressed References", Map.of());
        assertSlow(j9, "Eclipse OpenJ9 VM is not HotSpot");
        assertEquals("Eclipse OpenJ9 VM", j9.name());
    }

    @Test
    void graalsJvmciCompilerIsNotC2() {
        JitCompiler graal = jit(HOTSPOT, "mixed mode, sharing", with("UseJVMCICompiler", "true"));
        assertSlow(graal, "-XX:+UseJVMCICompiler");
        assertEquals("JVMCI (e.g. Graal)", graal.name());
    }

    @Test
    void interpreterOnly() {
        assertSlow(jit(HOTSPOT, "interpreted mode, sharing", with("UseCompiler", "false")), "-Xint");
        assertSlow(jit(HOTSPOT, "mixed mode, sharing", with("UseCompiler", "false")), "-XX:-UseCompiler");
        assertSlow(jit("OpenJDK 64-Bit Zero VM", "interpreted mode", Map.of()), "interpreted only");
        assertEquals("none (interpreter only)", jit(HOTSPOT, "mixed mode", with("TieredStopAtLevel", "0")).name());
    }

    @Test
    void tieredCompilationStoppedBeforeC2() {
        JitCompiler c1 = jit(HOTSPOT, "mixed mode, emulated-client, sharing", with("TieredStopAtLevel", "1"));
        assertSlow(c1, "-XX:TieredStopAtLevel=1");
        assertEquals("C1 only (no C2)", c1.name());
        assertSlow(jit(HOTSPOT, "mixed mode, sharing", with("TieredStopAtLevel", "3")), "-XX:TieredStopAtLevel=3");
        assertSlow(jit(HOTSPOT, "mixed mode, emulated-client", with("CompilationMode", "quick-only")), "C1 only");
        // Without tiered compilation TieredStopAtLevel is ignored and C2 compiles alone.
        var c2Alone = with("TieredCompilation", "false");
        c2Alone.put("TieredStopAtLevel", "1");
        assertTrue(jit(HOTSPOT, "mixed mode, sharing", c2Alone).fastVectors());
    }

    private static void assertSlow(JitCompiler jit, String reasonNames) {
        assertTrue(!jit.fastVectors() && jit.slowReason().contains(reasonNames), jit.toString());
        assertTrue(jit.slowReason().contains("C2"), "the reason says what would be fast: " + jit);
    }
}
