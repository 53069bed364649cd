package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.attention4j.ElementType;
import org.attention4j.kernel.Widening;

/**
 * Widening of bfloat16, float16 and int8 rows to float32 on whole vectors: {@code LANES} elements loaded
 * as one narrow vector (16 or 8 bits a lane) and converted lane for lane, so no element is converted by
 * a scalar call in the hot loop. Tails and widths without a narrow species (int8 at 128 bits: 4 bytes
 * are no vector shape) take {@link Widening}'s scalar loop, bit for bit the same values.
 */
final class PanamaWidening {
    /** LANES shorts: half the float species' bits (64, 128 or 256). */
    private static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(SPECIES.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> INTS = SPECIES.withLanes(int.class);
    /** LANES bytes: a quarter of the float species' bits, null at 128 bits (no 32-bit shape). */
    private static final VectorSpecies<Byte> BYTES = SPECIES.vectorBitSize() / 4 >= 64
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(SPECIES.vectorBitSize() / 4)) : null;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private PanamaWidening() {}

    static void widenRow(ElementType type, MemorySegment src, long byteOffset, float scale, float[] dst, int at,
                         int n) {
        int d = 0;
        int bound = n / LANES * LANES;
        switch (type) {
            case BFLOAT16 -> {
                for (; d < bound; d += LANES) {
                    // bfloat16 is float32's upper half: widen (the sign extension is shifted out) and shift.
                    ShortVector.fromMemorySegment(SHORTS, src, byteOffset + 2L * d, ORDER)
                            .convertShape(VectorOperators.S2I, INTS, 0).reinterpretAsInts()
                            .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, at + d);
                }
            }
            case FLOAT16 -> {
                for (; d < bound; d += LANES) {
                    IntVector h = ShortVector.fromMemorySegment(SHORTS, src, byteOffset + 2L * d, ORDER)
                            .convertShape(VectorOperators.S2I, INTS, 0).reinterpretAsInts();
                    // Exponent and significand moved to float32's places, then × 2^112 re-biases the
                    // exponent (15 → 127) and normalizes subnormals; infinities and NaNs (exponent 31)
                    // get float32's all-ones exponent instead; the sign goes back last.
                    IntVector magnitude = h.and(0x7fff);
                    IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
                    IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
                    VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7c00);
                    finite.blend(shifted.or(0x7f800000), special)
                            .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16))
                            .reinterpretAsFloats().intoArray(dst, at + d);
                }
            }
            case INT8 -> {
                if (BYTES != null) {
                    for (; d < bound; d += LANES) {
                        ((FloatVector) ByteVector.fromMemorySegment(BYTES, src, byteOffset + d, ORDER)
                                .convertShape(VectorOperators.B2F, SPECIES, 0)).mul(scale).intoArray(dst, at + d);
                    }
                }
            }
            case FLOAT32 -> {
                for (; d < bound; d += LANES) {
                    FloatVector.fromMemorySegment(SPECIES, src, byteOffset + 4L * d, ORDER).intoArray(dst, at + d);
                }
            }
        }
        if (d < n) { // scalar tail
            Widening.widenRow(type, src, byteOffset + (long) d * type.byteSize(), scale, dst, at + d, n - d);
        }
    }
}
