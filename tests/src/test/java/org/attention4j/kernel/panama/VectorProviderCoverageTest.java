package org.attention4j.kernel.panama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.attention4j.kernel.NaiveOps;
import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.gemm.GemmKernel;
import org.junit.jupiter.api.Test;

/**
 * The kernel interfaces have no default methods: a default would be a scalar loop, correct everywhere,
 * so a vector implementation that forgot to override it would fail no accuracy test and only show as
 * speed (an edit that dropped {@code softmaxRows} made vector decode 2× slower, caught by timing).
 * Without defaults, the compiler makes every implementation write every operation.
 */
class VectorProviderCoverageTest {

    @Test
    void kernelInterfacesHaveNoDefaultMethods() {
        List<String> defaults = new ArrayList<>();
        for (Class<?> type : List.of(TileOps.class, GemmKernel.class, NaiveOps.class)) {
            for (Method m : type.getDeclaredMethods()) {
                if (m.isDefault()) {
                    defaults.add(type.getSimpleName() + "." + m.getName());
                }
            }
        }
        assertEquals(List.of(), defaults, "default methods in the kernel interfaces (move them to the scalar class)");
    }
}
