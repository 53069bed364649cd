import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A/B timing of two builds of the sentence encoder in one JVM, for a shared, noisy machine: both builds
 * are loaded side by side (each from its own class directories) and embed the same texts in alternating
 * rounds, so a neighbour slows both alike. Prints each build's best round and B's rate relative to A's.
 *
 *   java --add-modules jdk.incubator.vector scripts/CompareEncoders.java A_CLASSES B_CLASSES MODEL threads rounds [mix|chunks]
 *
 * A_CLASSES / B_CLASSES: colon-separated class directories of engine, io, layers and model (e.g. a
 * worktree's module target/classes directories and ours); MODEL: an .onnx file or a model folder. 1000 texts of
 * SyntheticTexts' retrieval mix (seed 42), or 16 chunks of 512 tokens. Each build warms up for 5 s.
 */
public class CompareEncoders {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[2]);
        int threads = Integer.parseInt(args[3]), rounds = Integer.parseInt(args[4]);
        boolean chunks = args.length > 5 && args[5].equals("chunks");
        Object[] embedders = new Object[2];
        Method[] embed = new Method[2];
        List<?> texts = null;
        for (int i = 0; i < 2; i++) {
            URL[] urls = Arrays.stream(args[i].split(":")).map(p -> {
                try {
                    return Path.of(p).toUri().toURL();
                } catch (Exception e) {
                    throw new IllegalArgumentException(p, e);
                }
            }).toArray(URL[]::new);
            ClassLoader cl = new URLClassLoader(urls, CompareEncoders.class.getClassLoader().getParent());
            Class<?> se = cl.loadClass("org.attention4j.model.SentenceEmbedder");
            Object b = se.getMethod("builder", Path.class).invoke(null, model);
            b = b.getClass().getMethod("threads", int.class).invoke(b, threads);
            embedders[i] = b.getClass().getMethod("build").invoke(b);
            embed[i] = se.getMethod("embed", List.class);
            if (texts == null) {
                Class<?> synthetic = cl.loadClass("org.attention4j.model.internal.SyntheticTexts");
                texts = (List<?>) synthetic.getMethod(chunks ? "chunks" : "mix", int.class, long.class)
                        .invoke(null, chunks ? 16 : 1000, 42L);
            }
            se.getMethod("warmUp", java.time.Duration.class).invoke(embedders[i], java.time.Duration.ofSeconds(5));
        }
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 0; round < rounds; round++) {
            for (int j = 0; j < 2; j++) {
                int i = (round & 1) == 0 ? j : 1 - j; // alternate which build goes first
                long t0 = System.nanoTime();
                embed[i].invoke(embedders[i], texts);
                double s = (System.nanoTime() - t0) / 1e9;
                best[i] = Math.min(best[i], s);
                System.out.printf("round %d %s: %.1f texts/s%n", round, i == 0 ? "A" : "B", texts.size() / s);
            }
        }
        System.out.printf("best: A %.1f texts/s, B %.1f texts/s, B/A %.3f%n", texts.size() / best[0],
                texts.size() / best[1], best[0] / best[1]);
        for (Object e : embedders) {
            ((AutoCloseable) e).close();
        }
    }
}
