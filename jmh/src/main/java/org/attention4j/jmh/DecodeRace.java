package org.attention4j.jmh;

import java.util.Arrays;
import java.util.Locale;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.ElementType;
import org.attention4j.Kernel;
import org.attention4j.KvCache;
import org.attention4j.Tensor;
import org.attention4j.bench.ReadBandwidth;
import org.attention4j.internal.SeededFloats;

/**
 * Decode from a {@link KvCache} of each element type in one JVM, side by side (issue 22): one query per
 * head, GQA 32:8, D = 128, the cache's layout. Each round measures the read bandwidth, then times every
 * type (the order rotating round by round) as the median of a run of calls, so a slow phase of the shared
 * machine touches all types alike; {@code profile --kv-dtype} runs them one after the other, where
 * phases moved single rows by up to 1.7×. Prints per type the best round's median, the K/V GB/s, % of
 * the best round's read bandwidth and the ratio to float32, then every round.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * org.attention4j.jmh.DecodeRace [keys] [threads] [rounds]} (defaults 32768, 1 and 6).
 */
public final class DecodeRace {
    private static final int HEADS = 32, KV_HEADS = 8, HEAD_DIM = 128;

    private DecodeRace() {}

    public static void main(String[] args) {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 32768;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        ElementType[] types = ElementType.values();
        AttentionSpec base = AttentionSpec.builder().length(keys).heads(HEADS).kvHeads(KV_HEADS).headDim(HEAD_DIM)
                .causal(true).build().toBuilder().queryLength(1).build();
        KvCache[] caches = new KvCache[types.length];
        Tensor k = gaussian(keys, 1), v = gaussian(keys, 2);
        for (int t = 0; t < types.length; t++) {
            caches[t] = KvCache.builder().kvHeads(KV_HEADS).headDim(HEAD_DIM).capacity(keys).type(types[t]).build();
            caches[t].append(k, v, keys);
        }
        float[] queries = SeededFloats.gaussian(HEADS * HEAD_DIM, 3);
        Tensor q = Tensor.of(queries, 0, HEADS * HEAD_DIM, HEADS * HEAD_DIM, HEAD_DIM);
        Tensor out = Tensor.of(new float[HEADS * HEAD_DIM], 0, HEADS * HEAD_DIM, HEADS * HEAD_DIM, HEAD_DIM);
        double[][] ms = new double[types.length][rounds];
        double[] bandwidth = new double[rounds];
        int calls = Math.max(15, 2_000_000 / keys);
        try (AttentionEngine engine = Workload.engine(Kernel.VECTOR, threads)) {
            for (int r = 0; r < rounds; r++) {
                bandwidth[r] = ReadBandwidth.gbPerSecond(Kernel.VECTOR, threads, ReadBandwidth.DEFAULT_BYTES, 3);
                for (int i = 0; i < types.length; i++) {
                    int t = (i + r) % types.length;
                    ms[t][r] = medianMs(engine, caches[t].spec(base), q, caches[t], out, r == 0 ? 3 * calls : calls);
                }
                System.out.printf(Locale.ROOT, "round %d: read bandwidth %.1f GB/s%n", r + 1, bandwidth[r]);
            }
        }
        double bestBandwidth = Arrays.stream(bandwidth).max().orElseThrow();
        System.out.printf(Locale.ROOT, "%d keys, %d thread(s), GQA %d:%d, D %d; best read bandwidth %.1f GB/s%n", keys,
                threads, HEADS, KV_HEADS, HEAD_DIM, bestBandwidth);
        double float32 = best(ms[ElementType.FLOAT32.ordinal()]);
        for (int t = 0; t < types.length; t++) {
            double best = best(ms[t]);
            double gbs = caches[t].bytesRead() / best / 1e6;
            System.out.printf(Locale.ROOT, "%-9s %8.2f ms  %5.1f GB/s  %3.0f %% of the read bandwidth  %.2fx float32  "
                    + "rounds %s%n", types[t], best, gbs, 100 * gbs / bestBandwidth, float32 / best, Arrays.toString(
                    Arrays.stream(ms[t]).map(x -> Math.round(x * 100) / 100.0).toArray()));
        }
    }

    /** The first round compiles; the best of the others. */
    private static double best(double[] rounds) {
        return Arrays.stream(rounds).skip(rounds.length > 1 ? 1 : 0).min().orElseThrow();
    }

    private static double medianMs(AttentionEngine engine, AttentionSpec spec, Tensor q, KvCache cache, Tensor out,
                                   int calls) {
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            engine.forward(spec, q, cache.keys(), cache.values(), out);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[calls / 2] / 1e6;
    }

    /** {@code [1, keys, KV_HEADS, HEAD_DIM]} float32 rows of N(0, 1) values. */
    private static Tensor gaussian(int keys, long seed) {
        float[] data = SeededFloats.gaussian(keys * KV_HEADS * HEAD_DIM, seed);
        return Tensor.of(data, 0, data.length, KV_HEADS * HEAD_DIM, HEAD_DIM);
    }
}
