package org.attention4j.cli.profile;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;

/**
 * One shape's tensors: Q, K, V filled with seeded N(0,1) values once, outside any timing, and O. On the
 * heap ({@code float[]}) or off-heap (a shared arena, freed by {@link #close}).
 */
public final class ProfileInputs implements AutoCloseable {
    /** Values per independently seeded chunk: lets the generation run on all cores, still reproducible. */
    private static final int CHUNK = 1 << 20;

    public final AttentionSpec spec;
    public final Tensor q, k, v, out;
    private final Arena arena;

    public ProfileInputs(AttentionSpec spec, boolean bhsd, boolean offheap, long seed) {
        this.spec = spec;
        this.arena = offheap ? Arena.ofShared() : null;
        this.q = tensor(spec.batch(), spec.queryLength(), spec.heads(), spec.headDim(), bhsd, seed * 3 + 1);
        this.k = tensor(spec.batch(), spec.keyLength(), spec.kvHeads(), spec.headDim(), bhsd, seed * 3 + 2);
        this.v = tensor(spec.batch(), spec.keyLength(), spec.kvHeads(), spec.valueHeadDim(), bhsd, seed * 3 + 3);
        this.out = tensor(spec.batch(), spec.queryLength(), spec.heads(), spec.valueHeadDim(), bhsd, -1);
    }

    /** Bytes of Q, K (head size D), V and O (head size Dv). */
    public static long tensorBytes(AttentionSpec s) {
        long qo = (long) s.batch() * s.queryLength() * s.heads() * (s.headDim() + s.valueHeadDim());
        long kv = (long) s.batch() * s.keyLength() * s.kvHeads() * (s.headDim() + s.valueHeadDim());
        return (qo + kv) * Float.BYTES;
    }

    private Tensor tensor(int batch, int seq, int heads, int dim, boolean bhsd, long seed) {
        long floats = (long) batch * seq * heads * dim;
        if (arena == null) {
            float[] data = new float[Tensor.elements(batch, seq, heads, dim)];
            if (seed >= 0) {
                fill(floats, seed, (i, x) -> data[(int) i] = x);
            }
            return bhsd ? Tensor.bhsd(data, seq, heads, dim) : Tensor.bshd(data, seq, heads, dim);
        }
        MemorySegment segment = arena.allocate(floats * Float.BYTES, 64);
        if (seed >= 0) {
            fill(floats, seed, (i, x) -> segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, x));
        }
        return bhsd ? Tensor.bhsd(segment, seq, heads, dim) : Tensor.bshd(segment, seq, heads, dim);
    }

    private interface Sink {
        void set(long index, float value);
    }

    /** N(0,1) by Box–Muller, chunk c seeded from (seed, c): the same values for any core count. */
    private static void fill(long floats, long seed, Sink sink) {
        int chunks = (int) ((floats + CHUNK - 1) / CHUNK);
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + c);
            long end = Math.min(floats, (long) (c + 1) * CHUNK);
            for (long i = (long) c * CHUNK; i < end; i += 2) {
                double u = 1.0 - random.nextDouble(), w = random.nextDouble();
                double r = Math.sqrt(-2 * Math.log(u));
                sink.set(i, (float) (r * Math.cos(2 * Math.PI * w)));
                if (i + 1 < end) {
                    sink.set(i + 1, (float) (r * Math.sin(2 * Math.PI * w)));
                }
            }
        });
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
