package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The suite runs twice (engine/pom.xml): with jdk.incubator.vector, expecting the vector kernel, and
 * without it, expecting the scalar fallback — so a run that silently fell back cannot pass.
 */
class ProviderTest {
    @Test
    void theExpectedProviderWasChosen() {
        String expected = System.getProperty("attention4j.expectedProvider", "");
        org.junit.jupiter.api.Assumptions.assumeFalse(expected.isEmpty(), "run outside Maven: nothing expected");
        try (AttentionEngine engine = AttentionEngine.create()) {
            Kernel want = expected.equals("vector") ? Kernel.VECTOR : Kernel.SCALAR;
            assertEquals(want, engine.kernel(), "kernel of a default engine (" + engine.kernelName() + ")");
            System.out.println("ProviderTest: default engine runs " + engine.kernelName());
        }
    }
}
