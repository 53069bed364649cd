package org.attention4j.cli.gate.runner;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The child side of {@code gate check --against}: one JVM per build, driven over stdin/stdout so it
 * stays warm between rounds. It runs on the class path of ANY build of the engine, old or new: the
 * parent copies this one class file into a directory of its own and starts
 * {@code java -cp RUNNER_DIR:BUILD_JAR}. So it uses only the JDK and, through reflection, engine API
 * that has been public since the first gate baselines ({@code AttentionSpec.builder()} and its
 * setters, {@code Tensor.bshd(float[], int, int, int)}, {@code AttentionEngine.create(int)},
 * {@code forward(spec, q, k, v, out)}), as scripts/CompareBuilds.java does. One class, no nested
 * classes and no engine or CLI imports: the parent copies exactly this file.
 *
 * <p>Protocol, one line per request and per answer (fields separated by one space):
 * <pre>
 * define NAME attention SEQ QUERY_LENGTH HEADS KV_HEADS HEAD_DIM CAUSAL THREADS WINDOW  → ok | unsupported REASON
 * define NAME synthetic WORK                                                             → ok
 * define NAME encoder LAYERS HEADS HEAD_DIM SEQUENCES TOKENS THREADS                     → ok | unsupported REASON
 * warm NAME MIN_MILLIS MAX_MILLIS   → warm SECONDS FASTEST_NANOS
 * run NAME MILLIS                   → rate CALLS_PER_SECOND CALLS
 * quit
 * </pre>
 * Any failure answers {@code error MESSAGE}. The engine's own printing goes to stderr: stdout carries the
 * protocol only. {@code -Dattention4j.gate.syntheticSlowdown=F} multiplies the synthetic work, as in
 * the in-process gate (the parent passes it to the candidate build only).
 *
 * <p>An encoder scenario needs the model module ({@code org.attention4j.model.BertEncoder}, in the CLI's
 * jar since it has one): random weights of a BERT shape through a {@code WeightSource} proxy, a packed
 * batch of {@link #encoderLengths} texts, {@code embed} with mean pooling. The same call serves the
 * in-process gate ({@link #encoder}).
 */
public final class BuildRunner {
    /** Warm-up: no call faster than the best by 3 % and the JIT quiet for this long (the gate's Sampler rule). */
    private static final long SETTLE_NANOS = 500_000_000L;
    private static final long POLL_NANOS = 100_000_000L;

    private final Map<String, Runnable> calls = new HashMap<>();
    private final Map<String, AutoCloseable> engines = new HashMap<>();
    private Class<?> specClass, tensorClass, engineClass;

    private BuildRunner() {}

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        BuildRunner runner = new BuildRunner();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split(" ");
            if (w[0].equals("quit")) {
                break;
            }
            String answer;
            try {
                answer = runner.handle(w);
            } catch (InvocationTargetException e) {
                answer = "error " + oneLine(e.getCause());
            } catch (Exception | LinkageError e) {
                answer = "error " + oneLine(e);
            }
            protocol.println(answer);
        }
        for (AutoCloseable engine : runner.engines.values()) {
            engine.close();
        }
    }

    private String handle(String[] w) throws Exception {
        return switch (w[0]) {
            case "define" -> switch (w[2]) {
                case "synthetic" -> defineSynthetic(w[1], Long.parseLong(w[3]));
                case "encoder" -> defineEncoder(w);
                default -> defineAttention(w);
            };
            case "warm" -> warm(call(w[1]), Long.parseLong(w[2]) * 1_000_000L, Long.parseLong(w[3]) * 1_000_000L);
            case "run" -> run(call(w[1]), Long.parseLong(w[2]) * 1_000_000L);
            default -> "error unknown request " + w[0];
        };
    }

    private Runnable call(String name) {
        Runnable r = calls.get(name);
        if (r == null) {
            throw new IllegalArgumentException("scenario " + name + " is not defined");
        }
        return r;
    }

    private String defineAttention(String[] w) throws Exception {
        if (specClass == null) {
            ClassLoader cl = BuildRunner.class.getClassLoader();
            specClass = cl.loadClass("org.attention4j.AttentionSpec");
            tensorClass = cl.loadClass("org.attention4j.Tensor");
            engineClass = cl.loadClass("org.attention4j.AttentionEngine");
        }
        String name = w[1];
        int seq = Integer.parseInt(w[3]), queryLength = Integer.parseInt(w[4]), heads = Integer.parseInt(w[5]);
        int kvHeads = Integer.parseInt(w[6]), headDim = Integer.parseInt(w[7]), threads = Integer.parseInt(w[9]);
        boolean causal = Boolean.parseBoolean(w[8]);
        int window = Integer.parseInt(w[10]);
        Object b = specClass.getMethod("builder").invoke(null);
        Class<?> bc = b.getClass();
        b = bc.getMethod("queryLength", int.class).invoke(b, queryLength);
        b = bc.getMethod("keyLength", int.class).invoke(b, seq);
        b = bc.getMethod("heads", int.class).invoke(b, heads);
        b = bc.getMethod("kvHeads", int.class).invoke(b, kvHeads);
        b = bc.getMethod("headDim", int.class).invoke(b, headDim);
        b = bc.getMethod("causal", boolean.class).invoke(b, causal);
        if (window > 0) {
            Method m;
            try {
                m = bc.getMethod("window", int.class, int.class);
            } catch (NoSuchMethodException e) {
                return "unsupported this build has no AttentionSpec.Builder.window(int, int)";
            }
            b = m.invoke(b, window - 1, 0);
        }
        Object spec = bc.getMethod("build").invoke(b);
        Method bshd = tensorClass.getMethod("bshd", float[].class, int.class, int.class, int.class);
        Object q = bshd.invoke(null, gaussian(queryLength * heads * headDim, 1), queryLength, heads, headDim);
        Object k = bshd.invoke(null, gaussian(seq * kvHeads * headDim, 2), seq, kvHeads, headDim);
        Object v = bshd.invoke(null, gaussian(seq * kvHeads * headDim, 3), seq, kvHeads, headDim);
        Object out = bshd.invoke(null, new float[queryLength * heads * headDim], queryLength, heads, headDim);
        Object engine = engineClass.getMethod("create", int.class).invoke(null, threads);
        if (engine instanceof AutoCloseable c) {
            engines.put(name, c);
        }
        Method forward = engineClass.getMethod("forward", specClass, tensorClass, tensorClass, tensorClass,
                tensorClass);
        calls.put(name, () -> {
            try {
                forward.invoke(engine, spec, q, k, v, out);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
            }
        });
        return "ok";
    }

    private String defineEncoder(String[] w) throws Exception {
        int[] n = new int[6];
        for (int i = 0; i < n.length; i++) {
            n[i] = Integer.parseInt(w[3 + i]);
        }
        try {
            BuildRunner.class.getClassLoader().loadClass("org.attention4j.model.BertEncoder");
        } catch (ClassNotFoundException e) {
            return "unsupported this build has no org.attention4j.model.BertEncoder";
        }
        Object[] encoder = new Object[1];
        calls.put(w[1], encoder(BuildRunner.class.getClassLoader(), n[0], n[1], n[2], n[3], n[4], n[5], encoder));
        engines.put(w[1], (AutoCloseable) encoder[0]);
        return "ok";
    }

    /**
     * An encoder scenario's call through reflection on {@code loader}'s model module: a BERT encoder of
     * {@code layers} layers, hidden size {@code heads · headDim}, feed-forward 4× that, random weights
     * (seeded: the same in every build and run), embedding {@code sequences} packed texts of
     * {@link #encoderLengths} tokens (random ids) with mean pooling. {@code encoder[0]} receives the
     * encoder (AutoCloseable) for the caller to close.
     */
    public static Runnable encoder(ClassLoader loader, int layers, int heads, int headDim, int sequences, int tokens,
                                   int threads, Object[] encoder) throws Exception {
        Class<?> configClass = loader.loadClass("org.attention4j.model.BertConfig");
        Class<?> sourceClass = loader.loadClass("org.attention4j.model.WeightSource");
        Class<?> encoderClass = loader.loadClass("org.attention4j.model.BertEncoder");
        Class<?> poolingClass = loader.loadClass("org.attention4j.model.Pooling");
        int hidden = heads * headDim, vocab = 4096, maxPositions = 512;
        Object config = configClass.getConstructor(int.class, int.class, int.class, int.class, int.class, int.class,
                int.class, double.class).newInstance(vocab, hidden, layers, heads, 4 * hidden, maxPositions, 2, 1e-12);
        Map<String, long[]> shapes = bertShapes(hidden, layers, vocab, maxPositions);
        Object weights = java.lang.reflect.Proxy.newProxyInstance(loader, new Class<?>[] {sourceClass},
                (proxy, method, args) -> switch (method.getName()) {
                    case "description" -> "random weights of the gate's encoder scenario";
                    case "contains" -> shapes.containsKey((String) args[0]);
                    case "shape" -> shape(shapes, (String) args[0]).clone();
                    case "read" -> randomWeights((String) args[0], shape(shapes, (String) args[0]));
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "gate encoder weights";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        encoder[0] = encoderClass.getMethod("create", sourceClass, configClass, int.class).invoke(null, weights, config,
                threads);
        int[] lengths = encoderLengths(sequences, tokens);
        int[] cu = new int[sequences + 1];
        for (int i = 0; i < sequences; i++) {
            cu[i + 1] = cu[i] + lengths[i];
        }
        int[] ids = new int[tokens];
        Random r = new Random(5);
        for (int i = 0; i < tokens; i++) {
            ids[i] = r.nextInt(vocab);
        }
        float[] out = new float[sequences * hidden];
        Object mean = poolingClass.getField("MEAN").get(null);
        Method embed = encoderClass.getMethod("embed", int[].class, int[].class, int[].class, poolingClass,
                boolean.class, float[].class);
        Object target = encoder[0];
        return () -> {
            try {
                embed.invoke(target, ids, null, cu, mean, true, out);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
            }
        };
    }

    /**
     * {@code sequences} lengths summing to {@code tokens} (at least 2 per sequence), spread ±50 % around the
     * mean in a fixed pattern: a packed batch of short and long texts, the same in every build.
     */
    public static int[] encoderLengths(int sequences, int tokens) {
        int[] lengths = new int[sequences];
        int mean = tokens / sequences, sum = 0;
        for (int i = 0; i < sequences; i++) {
            int spread = (i * 7 % sequences) - sequences / 2; // a permutation of -s/2 .. s/2
            lengths[i] = Math.max(2, mean + spread * mean / Math.max(1, sequences));
            sum += lengths[i];
        }
        for (int i = 0; sum != tokens; i = (i + 1) % sequences) { // even out the rounding, one token at a time
            int step = sum < tokens ? 1 : lengths[i] > 2 ? -1 : 0;
            lengths[i] += step;
            sum += step;
        }
        return lengths;
    }

    /** BERT tensor names and shapes (Hugging Face layout: {@code nn.Linear} weights {@code [out, in]}). */
    private static Map<String, long[]> bertShapes(int hidden, int layers, int vocab, int maxPositions) {
        Map<String, long[]> shapes = new HashMap<>();
        shapes.put("embeddings.word_embeddings.weight", new long[] {vocab, hidden});
        shapes.put("embeddings.position_embeddings.weight", new long[] {maxPositions, hidden});
        shapes.put("embeddings.token_type_embeddings.weight", new long[] {2, hidden});
        shapes.put("embeddings.LayerNorm.weight", new long[] {hidden});
        shapes.put("embeddings.LayerNorm.bias", new long[] {hidden});
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            for (String m : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "intermediate.dense", "output.dense"}) {
                int in = m.equals("output.dense") ? 4 * hidden : hidden;
                int out = m.equals("intermediate.dense") ? 4 * hidden : hidden;
                shapes.put(p + m + ".weight", new long[] {out, in});
                shapes.put(p + m + ".bias", new long[] {out});
            }
            for (String m : new String[] {"attention.output.LayerNorm", "output.LayerNorm"}) {
                shapes.put(p + m + ".weight", new long[] {hidden});
                shapes.put(p + m + ".bias", new long[] {hidden});
            }
        }
        return shapes;
    }

    private static long[] shape(Map<String, long[]> shapes, String name) {
        long[] shape = shapes.get(name);
        if (shape == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in the gate's encoder weights");
        }
        return shape;
    }

    /** Seeded by the name: LayerNorm gains near 1, biases ±0.1, other weights ±1/√(fan-in) (embeddings ±1). */
    private static float[] randomWeights(String name, long[] shape) {
        int size = 1;
        for (long d : shape) {
            size = Math.multiplyExact(size, (int) d);
        }
        float[] v = new float[size];
        Random r = new Random(name.hashCode());
        boolean gain = name.contains("LayerNorm") && name.endsWith(".weight");
        double scale = shape.length == 1 ? 0.1 : name.startsWith("embeddings.") ? 1 : 1 / Math.sqrt(shape[1]);
        for (int i = 0; i < size; i++) {
            v[i] = (float) (gain ? 0.8 + 0.4 * r.nextDouble() : scale * (2 * r.nextDouble() - 1));
        }
        return v;
    }

    /** The gate's synthetic workload (Workload.Synthetic): eight floating-point chains, cost ∝ work. */
    private String defineSynthetic(String name, long work) {
        double factor = Double.parseDouble(System.getProperty("attention4j.gate.syntheticSlowdown", "1"));
        long iterations = Math.max(1, Math.round(work * factor));
        double[] sink = new double[1];
        calls.put(name, () -> sink[0] = spin(sink[0], iterations) * 1e-30);
        return "ok";
    }

    /**
     * The synthetic workload's loop, shared with the in-process gate (Workload.Synthetic): eight independent
     * floating-point chains of {@code iterations} steps from {@code seed}; returns their sum.
     */
    public static double spin(double seed, long iterations) {
        double a = seed + 1, b = a + 1, c = a + 2, d = a + 3, e = a + 4, f = a + 5, g = a + 6, h = a + 7;
        for (long i = 0; i < iterations; i++) {
            a = a * 0.9999999 + 1e-7;
            b = b * 0.9999999 + 1e-7;
            c = c * 0.9999999 + 1e-7;
            d = d * 0.9999999 + 1e-7;
            e = e * 0.9999999 + 1e-7;
            f = f * 0.9999999 + 1e-7;
            g = g * 0.9999999 + 1e-7;
            h = h * 0.9999999 + 1e-7;
        }
        return a + b + c + d + e + f + g + h;
    }

    /**
     * The gate's warm-up rule (Sampler.warmUp, org.attention4j.internal.JitQuiet), restated on the JDK alone
     * because an old build may lack both JitQuiet and AttentionEngine.warmUp: at least {@code minNanos},
     * then until no call has beaten the best by 3 % and the JIT compiled nothing (total compilation time
     * unchanged, HotSpot's compile queue empty) for {@link #SETTLE_NANOS}, at most {@code maxNanos}.
     */
    private static String warm(Runnable call, long minNanos, long maxNanos) throws Exception {
        CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
        long start = System.nanoTime(), lastGain = start, lastPoll = 0, quietSince = start;
        long lastTotal = -1, fastest = Long.MAX_VALUE;
        int n = 0;
        while (true) {
            long t0 = System.nanoTime();
            call.run();
            long t1 = System.nanoTime();
            if (t1 - t0 < fastest * 0.97) {
                lastGain = t1;
            }
            fastest = Math.min(fastest, t1 - t0);
            n++;
            if (t1 - lastPoll >= POLL_NANOS) {
                long total = compilation != null && compilation.isCompilationTimeMonitoringSupported()
                        ? compilation.getTotalCompilationTime() : 0;
                boolean busy = lastTotal >= 0 && total != lastTotal || queued(server, diagnostics);
                lastTotal = total;
                lastPoll = t1;
                if (busy) {
                    quietSince = t1;
                }
            }
            boolean settled = t1 - start >= minNanos && t1 - quietSince >= SETTLE_NANOS
                    && t1 - lastGain >= SETTLE_NANOS && n >= 3;
            if (settled || t1 - start >= maxNanos) {
                return String.format(Locale.ROOT, "warm %.3f %d", (t1 - start) / 1e9, fastest);
            }
        }
    }

    private static boolean queued(MBeanServer server, ObjectName diagnostics) {
        try {
            Object queue = server.invoke(diagnostics, "compilerQueue", new Object[] {null},
                    new String[] {String[].class.getName()});
            return queue != null && queue.toString().contains("::");
        } catch (Exception e) { // not HotSpot: compile time only
            return false;
        }
    }

    /** Calls for at least {@code nanos} (and at least once); the rate is calls per second over that time. */
    private static String run(Runnable call, long nanos) {
        long start = System.nanoTime(), now;
        long n = 0;
        do {
            call.run();
            n++;
            now = System.nanoTime();
        } while (now - start < nanos);
        return String.format(Locale.ROOT, "rate %.6e %d", n / ((now - start) / 1e9), n);
    }

    private static float[] gaussian(int size, long seed) {
        float[] a = new float[size];
        Random r = new Random(seed);
        for (int i = 0; i < size; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static String oneLine(Throwable e) {
        String m = e.getClass().getSimpleName() + ": " + e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
