package org.attention4j.kernel;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.function.Function;

/**
 * The compiler that turns this JVM's hot code into machine code, and whether the Vector API is fast under
 * it. Only HotSpot's C2 compiles {@code FloatVector} operations to SIMD instructions; elsewhere each one
 * allocates and runs as plain Java, and the "vector" kernel is far slower than the scalar one (Lucene
 * measured the Vector API 100–1000× slower on OpenJ9 and on Graal's JVMCI compiler, and disables it
 * there; on C1 or the interpreter it never leaves the boxed path).
 *
 * @param name       what {@code attention4j info} prints, e.g. {@code "HotSpot C2"}
 * @param slowReason why the Vector API is slow here, in words a user can act on; null when it is fast
 */
public record JitCompiler(String name, String slowReason) {
    private static final String DIAGNOSTIC_BEAN = "com.sun.management.HotSpotDiagnosticMXBean";

    /** True when the Vector API compiles to SIMD here: HotSpot with C2 as its top tier. */
    public boolean fastVectors() {
        return slowReason == null;
    }

    /** This JVM's compiler, from its properties and (when {@code jdk.management} is present) its VM options. */
    public static JitCompiler current() {
        return of(System.getProperty("java.vm.name", ""), System.getProperty("java.vm.info", ""),
                hotSpotOptions());
    }

    /**
     * The decision itself, a function of what the JVM reports so that each kind of JVM can be tested:
     * {@code vmName} and {@code vmInfo} are {@code java.vm.name} and {@code java.vm.info}; {@code vmOption}
     * maps a HotSpot VM option's name to its value, or to null when the option does not exist or cannot be
     * read (then the properties decide alone: {@code -Xint} and C1-only are still seen in {@code vmInfo}).
     */
    public static JitCompiler of(String vmName, String vmInfo, Function<String, String> vmOption) {
        if (!vmName.contains("HotSpot") && !vmName.contains("OpenJDK")) {
            return new JitCompiler(vmName, vmName + " is not HotSpot, and only HotSpot's C2 compiles the Vector API"
                    + " to SIMD");
        }
        // -Xint says "interpreted mode"; the Zero port has no compiler at all.
        if (vmInfo.contains("interpreted mode") || vmName.contains("Zero VM")
                || "false".equals(vmOption.apply("UseCompiler"))) {
            return new JitCompiler("none (interpreter only)", "the JVM runs interpreted only (-Xint or "
                    + "-XX:-UseCompiler), and only C2 compiles the Vector API to SIMD");
        }
        if ("true".equals(vmOption.apply("UseJVMCICompiler"))) {
            return new JitCompiler("JVMCI (e.g. Graal)", "the JIT is a JVMCI compiler (-XX:+UseJVMCICompiler, "
                    + "e.g. Graal), not C2, the only one that compiles the Vector API to SIMD");
        }
        String stop = vmOption.apply("TieredStopAtLevel");
        boolean tiered = !"false".equals(vmOption.apply("TieredCompilation"));
        // Levels 1-3 are C1's, 0 the interpreter's; without tiered compilation C2 compiles alone.
        boolean stopsBeforeC2 = tiered && stop != null && !stop.equals("4");
        if (vmInfo.contains("emulated-client") || "quick-only".equals(vmOption.apply("CompilationMode"))
                || stopsBeforeC2) {
            String flag = stopsBeforeC2 ? "-XX:TieredStopAtLevel=" + stop : "C1 only";
            return new JitCompiler("0".equals(stop) ? "none (interpreter only)" : "C1 only (no C2)",
                    "C2 is off (" + flag + "), and only C2 compiles the Vector API to SIMD");
        }
        return new JitCompiler("HotSpot C2", null);
    }

    /**
     * Reads VM options through {@code HotSpotDiagnosticMXBean}, by reflection: the engine only
     * {@code requires static java.management} and not {@code jdk.management} at all. About 40 ms on first
     * use (the management classes load), paid once per JVM. Without the bean every option reads as null.
     */
    private static Function<String, String> hotSpotOptions() {
        try {
            Class<?> beanClass = Class.forName(DIAGNOSTIC_BEAN);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object bean = ManagementFactory.getPlatformMXBean((Class) beanClass);
            Method getVMOption = beanClass.getMethod("getVMOption", String.class);
            Method getValue = getVMOption.getReturnType().getMethod("getValue");
            return name -> {
                try {
                    return String.valueOf(getValue.invoke(getVMOption.invoke(bean, name)));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null; // no such option in this JVM (JVMCI's exist only with -XX:+EnableJVMCI)
                }
            };
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return name -> null; // no jdk.management or java.management: the properties decide
        }
    }
}
