package org.attention4j.kernel.panama;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species and register blocking of the Vector API kernels, fixed once per JVM. They must be
 * {@code static final}: a species that is not a JIT constant makes every vector op ~100× slower.
 *
 * <p>{@code -Dattention4j.vectorBits=128|256|512} forces a width (tests use it to run each width's
 * code path on any machine; a width wider than the hardware is correct but slow).
 */
final class PanamaConstants {
    static final String BITS_PROPERTY = "attention4j.vectorBits";

    static final VectorSpecies<Float> SPECIES = selectSpecies();
    static final int LANES = SPECIES.length();

    /**
     * Rows of a micro-tile (keys in Q·Kᵀ, query rows in P·V); every tile is ROWS × 2 vectors
     * (ROWS × 1 on a band's edge keys that only half a panel sees). 512-bit
     * vectors mean AVX-512 and its 32 registers: 8 × 2 (16 accumulators) fits. With 16 registers (AVX2
     * or 128-bit) 6 × 2 is the largest tile that does not spill: 12 accumulators + 2 loads + 1 broadcast.
     */
    static final int ROWS = SPECIES.vectorBitSize() >= 512 ? 8 : 6;

    /**
     * Keys per block ({@code TileOps.keyBlock}): 192 with AVX-512 (its 1 MiB+ L2 holds the larger score
     * tile; on Zen 5 2–4 % faster than 96 on full, GQA and windowed calls), 96 otherwise (tuned on Zen 3
     * with its 512 KiB L2). Multiples of 8 and 6, the micro-tiles' rows.
     */
    static final int KEY_BLOCK = SPECIES.vectorBitSize() >= 512 ? 192 : 96;

    /** Columns of a micro-tile: 2 vectors. */
    static final int TILE_WIDTH = 2 * LANES;

    /**
     * The GEMM's depth block KC and the row stride of its packed A, a JIT constant for
     * {@code MicroKernels.gemmTile12x2} (see there). Vectors below 512 bits: 4096 / NR (a packed B panel
     * of 16 KiB, half an L1d; 256 on AVX2, tuned on Zen 3; 512 with 128-bit vectors). 512 bits (32
     * registers): 384, a B panel of 48 KiB that streams from L2: a transformer's 384-deep products (MiniLM's d_model) are then one block, with no partial sums in C
     * to reload, and the 1536-deep ones four; 4–8 % faster than 128 for every shape of the model (Zen 5,
     * both builds in one JVM, both orders); the row block MC (96 or 288) made no difference.
     */
    static final int GEMM_DEPTH_BLOCK = SPECIES.vectorBitSize() >= 512 ? 384 : 4096 / TILE_WIDTH;

    /** LANES shorts (bfloat16/float16 rows): half the float species' bits (64, 128 or 256). */
    static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(SPECIES.vectorBitSize() / 2));
    /** LANES ints: what {@link #SHORTS} widen to before their bits become floats. */
    static final VectorSpecies<Integer> INTS = SPECIES.withLanes(int.class);
    /** LANES bytes (int8 rows): a quarter of the float species' bits, null at 128 bits (no 32-bit shape). */
    static final VectorSpecies<Byte> BYTES = SPECIES.vectorBitSize() / 4 >= 64
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(SPECIES.vectorBitSize() / 4)) : null;

    private PanamaConstants() {}

    private static VectorSpecies<Float> selectSpecies() {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int bits = Integer.getInteger(BITS_PROPERTY, preferred);
        return switch (bits) {
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + bits
                    + ": expected 128, 256 or 512");
        };
    }

    /** True when the hardware has vectors of at least 128 bits (below that the scalar kernel wins). */
    static boolean usable() {
        return VectorShape.preferredShape().vectorBitSize() >= 128;
    }
}
