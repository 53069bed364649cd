package org.attention4j.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.attention4j.bench.KernelInfo;

/**
 * The machine and JVM a measurement ran on: printed by {@code info}, written into profile JSON and gate
 * baselines (where a different CPU or JDK means the numbers are not comparable).
 */
public record MachineInfo(String cpuModel, int cores, String os, String jdk, String gc, String jit, String provider,
                          int lanes, String microTile, String providerReason) {
    private static final String[] COLLECTORS = {"Serial", "Parallel", "G1", "Z", "Shenandoah", "Epsilon"};

    public static MachineInfo current() {
        return new MachineInfo(readCpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                collector(), KernelInfo.jit(), KernelInfo.provider(), KernelInfo.lanes(), KernelInfo.microTile(),
                KernelInfo.reason());
    }

    /**
     * The JVM's collector and its young generation's limit, e.g. {@code Serial (young gen <= 64 MiB)}: the
     * peak RSS a profile reports depends on it (scripts/attention4j picks Serial and 64 MiB: a cold 64k
     * profile read tensors + 186-191 MiB, against + 789 MiB with G1's defaults). HotSpot only.
     */
    static String collector() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            for (String name : COLLECTORS) {
                if ("true".equals(option(vm, "Use" + name + "GC"))) {
                    long young = Long.parseLong(option(vm, "MaxNewSize"));
                    return name + " (young gen <= " + (young >> 20) + " MiB)";
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot (no such bean or option): say nothing rather than guess
        }
        return "unknown";
    }

    /** A VM option's value, or null when this JVM build has no such option (e.g. no Shenandoah). */
    private static String option(HotSpotDiagnosticMXBean vm, String name) {
        try {
            return vm.getVMOption(name).getValue();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** What must match for two measurements to be compared: CPU, core count, JDK and kernel. */
    public String fingerprint() {
        return cpuModel + " | " + cores + " cores | " + jdk + " | " + provider;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel);
        m.put("cores", cores);
        m.put("os", os);
        m.put("jdk", jdk);
        m.put("gc", gc);
        m.put("jit", jit);
        m.put("provider", provider);
        m.put("lanes", lanes);
        m.put("microTile", microTile);
        m.put("providerReason", providerReason);
        return m;
    }

    /** The CPU's marketing name from /proc/cpuinfo (Linux); elsewhere the architecture. */
    private static String readCpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                return lines.filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst().orElse(System.getProperty("os.arch"));
            } catch (IOException | RuntimeException e) {
                // fall through: the architecture is still worth printing
            }
        }
        return System.getProperty("os.arch");
    }
}
