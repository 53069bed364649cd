package org.attention4j.io;

import java.nio.ByteBuffer;
import org.attention4j.ElementType;

/**
 * safetensors dtypes: their sizes, the engine element types that hold some of them as they are, and the
 * conversion to float32 of the four floating-point ones.
 */
final class Dtypes {
    private Dtypes() {}

    /** Bytes per element, or 0 for a name that is not a safetensors dtype. */
    static int width(String dtype) {
        return switch (dtype) {
            case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3" -> 1;
            case "I16", "U16", "F16", "BF16" -> 2;
            case "I32", "U32", "F32" -> 4;
            case "I64", "U64", "F64" -> 8;
            default -> 0;
        };
    }

    static boolean readable(String dtype) {
        return switch (dtype) {
            case "F32", "F64", "F16", "BF16" -> true;
            default -> false;
        };
    }

    /** The element type that stores {@code dtype} as it is, or null (see {@code Entry.elementType()}). */
    static ElementType elementType(String dtype) {
        return switch (dtype) {
            case "F32" -> ElementType.FLOAT32;
            case "BF16" -> ElementType.BFLOAT16;
            case "F16" -> ElementType.FLOAT16;
            case "I8" -> ElementType.INT8;
            default -> null;
        };
    }

    /** Converts {@code n} little-endian values of {@code dtype} from {@code in} to {@code out[offset ..]}. */
    static void toFloats(String dtype, ByteBuffer in, float[] out, int offset, int n) {
        switch (dtype) {
            case "F32" -> in.asFloatBuffer().get(out, offset, n);
            case "F64" -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = (float) in.getDouble(i * 8);
                }
            }
            case "F16" -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = Float.float16ToFloat(in.getShort(i * 2));
                }
            }
            case "BF16" -> {
                // bfloat16 is the upper half of a float32: widening is exact
                for (int i = 0; i < n; i++) {
                    out[offset + i] = Float.intBitsToFloat((in.getShort(i * 2) & 0xffff) << 16);
                }
            }
            default -> throw new IllegalArgumentException("dtype " + dtype + ": expected F32, F64, F16 or BF16");
        }
    }
}
