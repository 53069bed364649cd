package org.attention4j.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the attention4j version (from the jar manifest) and the JVM running it. */
public final class VersionProvider implements IVersionProvider {
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "attention4j " + version(),
            "JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                    + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
