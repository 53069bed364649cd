import java.lang.reflect.*;
import java.net.*;
import java.nio.file.*;
/**
 * A/B timing of two builds of the engine in one JVM, for a shared, noisy machine: both builds' classes
 * are loaded side by side and their calls alternate, so a neighbour slows both alike. Prints the best
 * call of each build and the rate of every spec relative to the first.
 *
 *   java --add-modules jdk.incubator.vector scripts/CompareBuilds.java A_CLASSES B_CLASSES n threads D rounds SPECS
 *
 * A_CLASSES / B_CLASSES: engine class directories (e.g. a worktree's engine/target/classes and ours);
 * SPECS: comma-separated, each "full" (causal), "nc" (not causal), "decode" (one query over n keys,
 * 2 kv heads), "mqa" (one query over n keys, 1 kv head), "gqa" (causal, 2 kv heads) or a causal window width, e.g. "full,512". B = 1, H = 8,
 * BSHD float[] inputs (q, k and v separate Gaussian tensors). Each build warms each spec up (>= 1 s, >= 20 calls)
 * before the timed rounds.
 */
public class CompareBuilds {
    static class Build {
        final Object engine; final Method forward; final Object[] specs, qs, ks, vs, outs; final double[] pairs;
        Build(String classes, int n, int threads, int d, int[] windows) throws Exception {
            ClassLoader cl = new URLClassLoader(new URL[]{Path.of(classes).toUri().toURL()}, CompareBuilds.class.getClassLoader().getParent());
            Class<?> specC = cl.loadClass("org.attention4j.AttentionSpec"), tensorC = cl.loadClass("org.attention4j.Tensor"), engC = cl.loadClass("org.attention4j.AttentionEngine");
            specs = new Object[windows.length]; pairs = new double[windows.length];
            qs = new Object[windows.length]; ks = new Object[windows.length]; vs = new Object[windows.length];
            outs = new Object[windows.length];
            float[] q = gaussian(n * 8 * d, 1), k = gaussian(n * 8 * d, 2), v = gaussian(n * 8 * d, 3), o = new float[n * 8 * d];
            Method bshd = tensorC.getMethod("bshd", float[].class, int.class, int.class, int.class);
            for (int i = 0; i < windows.length; i++) {
                boolean decode = windows[i] == -3 || windows[i] == -5; // one query over n keys
                boolean grouped = decode || windows[i] == -4; // 2 kv heads (1 for mqa)
                int kvHeads = windows[i] == -5 ? 1 : grouped ? 2 : 8;
                Object b = specC.getMethod("builder").invoke(null);
                Class<?> bc = b.getClass();
                b = bc.getMethod("queryLength", int.class).invoke(b, decode ? 1 : n);
                b = bc.getMethod("keyLength", int.class).invoke(b, n);
                b = bc.getMethod("heads", int.class).invoke(b, 8);
                b = bc.getMethod("kvHeads", int.class).invoke(b, kvHeads);
                b = bc.getMethod("headDim", int.class).invoke(b, d);
                b = bc.getMethod("causal", boolean.class).invoke(b, windows[i] != -2);
                if (windows[i] > 0) b = bc.getMethod("window", int.class, int.class).invoke(b, windows[i] - 1, 0);
                specs[i] = bc.getMethod("build").invoke(b);
                pairs[i] = ((Number) specC.getMethod("visiblePairs").invoke(specs[i])).doubleValue();
                qs[i] = bshd.invoke(null, q, decode ? 1 : n, 8, d);
                ks[i] = bshd.invoke(null, k, n, kvHeads, d);
                vs[i] = bshd.invoke(null, v, n, kvHeads, d);
                outs[i] = bshd.invoke(null, o, decode ? 1 : n, 8, d);
            }
            engine = engC.getMethod("create", int.class).invoke(null, threads);
            forward = engC.getMethod("forward", specC, tensorC, tensorC, tensorC, tensorC);
        }
        static float[] gaussian(int size, long seed) {
            float[] a = new float[size];
            java.util.Random r = new java.util.Random(seed);
            for (int i = 0; i < size; i++) a[i] = (float) r.nextGaussian();
            return a;
        }
        long time(int s) throws Exception { long t0 = System.nanoTime(); forward.invoke(engine, specs[s], qs[s], ks[s], vs[s], outs[s]); return System.nanoTime() - t0; }
    }
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[2]), threads = Integer.parseInt(a[3]), d = Integer.parseInt(a[4]), rounds = Integer.parseInt(a[5]);
        String[] ws = a[6].split(",");
        int[] windows = new int[ws.length];
        for (int i = 0; i < ws.length; i++) {
            windows[i] = switch (ws[i]) {
                case "full" -> -1;
                case "nc" -> -2;
                case "decode" -> -3;
                case "gqa" -> -4;
                case "mqa" -> -5;
                default -> Integer.parseInt(ws[i]);
            };
        }
        Build[] builds = {new Build(a[0], n, threads, d, windows), new Build(a[1], n, threads, d, windows)};
        // Warm-up: each build and spec for at least a second and 20 calls, so short calls (decode) are timed
        // compiled; with one call per round they were timed mostly in the interpreter and C1.
        for (int s = 0; s < windows.length; s++)
            for (int b = 0; b < 2; b++)
                for (long t0 = System.nanoTime(), calls = 0; calls < 20 || System.nanoTime() - t0 < 1_000_000_000L; calls++)
                    builds[b].time(s);
        long[][] best = new long[2][windows.length];
        for (long[] b : best) java.util.Arrays.fill(b, Long.MAX_VALUE);
        for (int round = 0; round < rounds; round++)
            for (int s = 0; s < windows.length; s++)
                for (int b = 0; b < 2; b++) best[b][s] = Math.min(best[b][s], builds[b].time(s));
        for (int b = 0; b < 2; b++) {
            StringBuilder line = new StringBuilder(b == 0 ? "A " : "B ");
            for (int s = 0; s < windows.length; s++) line.append(String.format("%s: %.2f ms %.1f GF/s  ", ws[s], best[b][s] / 1e6, 4.0 * d * builds[b].pairs[s] / best[b][s]));
            System.out.println(line);
        }
        for (int s = 1; s < windows.length; s++) System.out.printf("rate %s/%s: A %.3f  B %.3f%n", ws[s], ws[0], (builds[0].pairs[s] / best[0][s]) / (builds[0].pairs[0] / best[0][0]), (builds[1].pairs[s] / best[1][s]) / (builds[1].pairs[0] / best[1][0]));
    }
}
