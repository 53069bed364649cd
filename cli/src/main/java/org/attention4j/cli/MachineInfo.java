package org.attention4j.cli;

import java.io.IOException;
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
public record MachineInfo(String cpuModel, int cores, String os, String jdk, String provider, int lanes,
                          String microTile, String providerReason) {

    public static MachineInfo current() {
        return new MachineInfo(readCpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                KernelInfo.provider(), KernelInfo.lanes(), KernelInfo.microTile(), KernelInfo.reason());
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
