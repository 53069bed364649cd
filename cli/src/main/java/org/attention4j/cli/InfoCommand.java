package org.attention4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code attention4j info}: the JDK, its JIT, the CPU, the kernel the engine chose and why, the FMA peak. */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Print the JDK, its JIT compiler, CPU, vector species, the kernel the engine chose (and why), "
                + "the supported head sizes and the calibrated fp32 FMA peak on 1 and all cores.")
public final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--no-peak", description = "Skip the ~3 s FMA peak calibration.")
    boolean noPeak;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MachineInfo m = MachineInfo.current();
        out.println("attention4j " + VersionProvider.version());
        out.println("JDK:       " + m.jdk());
        out.println("GC:        " + m.gc());
        out.println("JIT:       " + m.jit());
        out.println("OS:        " + m.os());
        out.println("CPU:       " + m.cpuModel() + ", " + m.cores() + " logical cores");
        out.println("Kernel:    " + m.provider() + " (" + m.lanes() + " float lanes, micro-tile " + m.microTile()
                + " rows x columns)");
        out.println("Why:       " + m.providerReason());
        out.println("Head size: 1.." + AttentionSpec.MAX_HEAD_DIM + " for Q and K; 1.." + AttentionSpec.MAX_HEAD_DIM
                + " for V and O, independent of the key head size");
        out.flush();
        if (!noPeak) {
            Calibration peak = Calibration.measure(Kernel.AUTO, m.cores());
            out.println("FMA peak:  " + peak.describe());
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
