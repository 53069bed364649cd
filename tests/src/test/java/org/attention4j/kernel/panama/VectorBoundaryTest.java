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
import java.util.jar.JarFile;
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

    /** Every class compiled into this package (nested ones too), from the engine's jar or classes directory. */
    private static List<Class<?>> panamaClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path engine = Path.of(MicroKernels.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String dir = MicroKernels.class.getPackageName().replace('.', '/') + "/";
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(engine)) {
            try (Stream<Path> files = Files.list(engine.resolve(dir))) {
                files.forEach(f -> names.add(dir + f.getFileName()));
            }
        } else {
            try (JarFile jar = new JarFile(engine.toFile())) {
                jar.stream().forEach(e -> names.add(e.getName()));
            }
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            String simple = name.startsWith(dir) && name.endsWith(".class")
                    ? name.substring(dir.length(), name.length() - ".class".length()) : "/";
            if (!simple.contains("/")) { // this package's classes, not a subpackage's
                classes.add(Class.forName(MicroKernels.class.getPackageName() + "." + simple, false,
                        MicroKernels.class.getClassLoader()));
            }
        }
        assertTrue(classes.size() > 5, "the scan must see the engine's kernel.panama classes, saw " + classes);
        return classes;
    }
}
