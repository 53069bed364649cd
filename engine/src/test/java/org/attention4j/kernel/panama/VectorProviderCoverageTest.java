package org.attention4j.kernel.panama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.attention4j.kernel.TileOps;
import org.attention4j.kernel.TileOpsProvider;
import org.junit.jupiter.api.Test;

/**
 * The vector provider overrides every default method of {@link TileOps}: a default is the scalar
 * loop, correct everywhere, so a lost override fails no accuracy test and only shows as speed (an edit
 * that dropped {@code softmaxRows} made vector decode 2× slower, caught by timing).
 */
class VectorProviderCoverageTest {

    @Test
    void everyDefaultOperationHasAVectorKernel() {
        org.junit.jupiter.api.Assumptions.assumeTrue(TileOpsProvider.vectorAvailable(), "no jdk.incubator.vector");
        List<String> scalarOnly = new ArrayList<>();
        for (Method m : TileOps.class.getDeclaredMethods()) {
            if (!m.isDefault()) {
                continue;
            }
            try {
                PanamaTileOps.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                scalarOnly.add(m.getName() + Arrays.toString(m.getParameterTypes()));
            }
        }
        assertEquals(List.of(), scalarOnly, "TileOps defaults the vector provider does not override");
    }
}
