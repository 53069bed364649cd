package org.attention4j.kernel.panama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.attention4j.kernel.KernelProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No vector crosses a call in the kernels: no method of {@code kernel.panama} takes or returns a
 * Vector API type. Whether C2 inlines a helper depends on the caller's compile (its node and bytecode
 * budgets, which methods got compiled first, how often the call site ran while profiled); where it does
 * not, a vector argument or result is boxed, and the whole call ran at half speed with ~500 MiB of
 * garbage per call in such JVMs (docs/PERFORMANCE.md, "The JIT lottery"). Arrays cross calls instead.
 */
class VectorBoundaryTest {

    @BeforeEach
    void needsTheVectorModule() {
        org.junit.jupiter.api.Assumptions.assumeTrue(KernelProvider.vectorAvailable(), "no jdk.incubator.vector");
    }

    @Test
    void noKernelMethodTakesOrReturnsAVector() throws Exception {
        List<Class<?>> classes = panamaClasses();
        assertTrue(classes.size() >= 8, "found only " + classes);
        List<String> offenders = new ArrayList<>();
        for (Class<?> c : classes) {
            for (Method m : c.getDeclaredMethods()) {
                boolean vector = isVectorType(m.getReturnType());
                for (Class<?> p : m.getParameterTypes()) {
                    vector |= isVectorType(p);
                }
                if (vector) {
                    offenders.add(m.toString());
                }
            }
        }
        assertEquals(List.of(), offenders, "methods that pass vectors across a call (write the vector code inline, "
                + "pass arrays)");
    }

    @Test
    void theCheckSeesAVectorSignature() throws Exception {
        // A check that cannot fail is no check: this method of the JDK takes and returns vectors.
        Method fma = jdk.incubator.vector.FloatVector.class.getMethod("fma", jdk.incubator.vector.Vector.class,
                jdk.incubator.vector.Vector.class);
        assertTrue(isVectorType(fma.getReturnType()) && isVectorType(fma.getParameterTypes()[0]));
    }

    private static boolean isVectorType(Class<?> type) {
        return type.getName().startsWith("jdk.incubator.vector.") && !type.getSimpleName().equals("VectorSpecies")
                && !type.getSimpleName().equals("VectorOperators");
    }

    /** Every class compiled into this package (nested ones too), found next to MicroKernels.class. */
    private static List<Class<?>> panamaClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(MicroKernels.class.getResource("MicroKernels.class").toURI()).getParent();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = f.getFileName().toString().replace(".class", "");
                if (!name.endsWith("Test")) { // test classes compile into the same package elsewhere
                    classes.add(Class.forName(MicroKernels.class.getPackageName() + "." + name, false,
                            MicroKernels.class.getClassLoader()));
                }
            }
        }
        return classes;
    }
}
