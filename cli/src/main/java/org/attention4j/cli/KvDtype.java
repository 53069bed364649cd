package org.attention4j.cli;

import java.util.Locale;
import org.attention4j.ElementType;

/** The names {@code --kv-dtype} takes ({@code run} and {@code profile}) for how keys and values are stored. */
public final class KvDtype {
    private KvDtype() {}

    /** {@return the element type named fp32, bf16, fp16 or int8} (also float32, bfloat16, float16, f32, f16, i8) */
    public static ElementType parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fp32", "float32", "f32" -> ElementType.FLOAT32;
            case "bf16", "bfloat16" -> ElementType.BFLOAT16;
            case "fp16", "float16", "f16" -> ElementType.FLOAT16;
            case "int8", "i8" -> ElementType.INT8;
            default -> throw new BadInputException("--kv-dtype " + name + ": expected fp32, bf16, fp16 or int8");
        };
    }

    /** {@return the short name of a storage type, as {@code --kv-dtype} takes it} */
    public static String name(ElementType type) {
        return switch (type) {
            case FLOAT32 -> "fp32";
            case BFLOAT16 -> "bf16";
            case FLOAT16 -> "fp16";
            case INT8 -> "int8";
        };
    }
}
