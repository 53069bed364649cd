package org.attention4j.layer;

/**
 * Where a block's four projections live in a checkpoint: the names of the Hugging Face {@code nn.Linear}
 * modules, each holding {@code <name>.weight} {@code [out, in]} and optionally {@code <name>.bias}
 * {@code [out]}, all under {@code prefix} (e.g. {@code "encoder.layer.0."} or {@code "model.layers.3."}).
 *
 * @param prefix prepended to every name ({@code ""} for none)
 */
public record WeightNames(String prefix, String query, String key, String value, String output) {
    /** BERT / RoBERTa: {@code attention.self.query}, {@code .key}, {@code .value}, {@code attention.output.dense}. */
    public static final WeightNames BERT = new WeightNames("", "attention.self.query", "attention.self.key",
            "attention.self.value", "attention.output.dense");

    /** Llama, Mistral, Qwen: {@code self_attn.q_proj}, {@code k_proj}, {@code v_proj}, {@code o_proj}. */
    public static final WeightNames LLAMA = new WeightNames("", "self_attn.q_proj", "self_attn.k_proj",
            "self_attn.v_proj", "self_attn.o_proj");

    public WeightNames {
        for (String s : new String[] {prefix, query, key, value, output}) {
            if (s == null) {
                throw new IllegalArgumentException("a weight name is null: expected prefix, query, key, value, output");
            }
        }
    }

    /** The preset named {@code bert} or {@code llama} (case-insensitive). */
    public static WeightNames preset(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "bert" -> BERT;
            case "llama" -> LLAMA;
            default -> throw new IllegalArgumentException("names = " + name + ": expected bert or llama");
        };
    }

    /** The same names under another prefix. */
    public WeightNames withPrefix(String newPrefix) {
        return new WeightNames(newPrefix, query, key, value, output);
    }

    /** {@code prefix + module + ".weight"}. */
    public String weight(String module) {
        return prefix + module + ".weight";
    }

    /** {@code prefix + module + ".bias"}. */
    public String bias(String module) {
        return prefix + module + ".bias";
    }
}
