package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.attention4j.bench.KernelInfo;
import org.junit.jupiter.api.Test;

/**
 * A JVM whose top tier is C1 ({@code -XX:TieredStopAtLevel=1}) has the Vector API module but gets the
 * scalar kernel, with the reason; {@code -Dattention4j.provider=vector} still forces the vector kernel.
 * Each case is a child JVM running {@link PrintKernel}: under a second each.
 */
class JitProviderTest {

    /** Prints the default kernel, then the JIT, then why: one line each. */
    public static final class PrintKernel {
        public static void main(String[] args) {
            System.out.println(KernelInfo.provider());
            System.out.println(KernelInfo.jit());
            System.out.println(KernelInfo.reason());
        }
    }

    @Test
    void c1OnlyGetsTheScalarKernelAndSaysWhy() throws Exception {
        Child child = run("-XX:TieredStopAtLevel=1");
        assertEquals("scalar", child.lines().get(0), child.toString());
        assertEquals("C1 only (no C2)", child.lines().get(1), child.toString());
        assertTrue(child.lines().get(2).contains("-XX:TieredStopAtLevel=1"), child.toString());
        assertTrue(child.err().contains("attention4j: using the scalar kernel because C2 is off"), child.toString());
    }

    @Test
    void theVectorKernelCanStillBeForced() throws Exception {
        Child child = run("-XX:TieredStopAtLevel=1", "-Dattention4j.provider=vector");
        assertTrue(child.lines().get(0).startsWith("vector-"), child.toString());
        assertTrue(child.lines().get(2).startsWith("forced by -Dattention4j.provider=vector, although C2 is off"),
                child.toString());
    }

    private record Child(List<String> lines, String err) {}

    private static Child run(String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules=jdk.incubator.vector");
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PrintKernel.class.getName()));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, process.exitValue(), out + err);
        return new Child(out.lines().toList(), err);
    }
}
