package org.attention4j.layer;

/**
 * Where a block's four projections live in a checkpoint: the names of the Hugging Face {@code nn.Linear}
 * modules, each holding {@code <name>.weight} {@code [out, in]} and optionally {@code <name>.bias}
 * {@code [out]}, all under {@code prefix} (e.g. {@code "encoder.layer.0."} or {@code "model.layers.3."}).
 *
 * @param prefix prepended to every name ({@code ""} for none)
 * @param query the query projection's module
 * @param key the key projection's module
 * @param value the value projection's module
 * @param output the output projection's module
 * @since 0.1
 */
public record WeightNames(String prefix, String query, String key, String value, String output) {
    /** BERT / RoBERTa: {@code attention.self.query}, {@code .key}, {@code .value}, {@code attention.output.dense}. */
    public static final WeightNames BERT = new WeightNames("", "attention.self.query", "attention.self.key",
            "attention.self.value", "attention.output.dense");

    /** Llama, Mistral, Qwen: {@code self_attn.q_proj}, {@code k_proj}, {@code v_proj}, {@code o_proj}. */
    public static final WeightNames LLAMA = new WeightNames("", "self_attn.q_proj", "self_attn.k_proj",
            "self_attn.v_proj", "self_attn.o_proj");

    /**
     * Checks that no name is null.
     *
     * @throws IllegalArgumentException when one is
     */
    public WeightNames {
        for (String s : new String[] {prefix, query, key, value, output}) {
            if (s == null) {
                throw new IllegalArgumentException("a weight name is null: expected prefix, query, key, value, output");
            }
        }
    }

    /**
     * {@return the preset named {@code bert} or {@code llama}} (case-insensitive), as the CLI's
     * {@code --names} takes it
     *
     * @param name {@code bert} or {@code llama}
     * @throws IllegalArgumentException for another name
     */
    public static WeightNames preset(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "bert" -> BERT;
            case "llama" -> LLAMA;
            default -> throw new IllegalArgumentException("names = " + name + ": expected bert or llama");
        };
    }

    /**
     * {@return the same names under another prefix}, e.g. {@code "encoder.layer.3."} for another layer
     *
     * @param newPrefix the prefix ({@code ""} for none)
     */
    public WeightNames withPrefix(String newPrefix) {
        return new WeightNames(newPrefix, query, key, value, output);
    }

    /**
     * {@return the tensor name {@code prefix + module + ".weight"}}
     *
     * @param module one of this record's module names
     */
    public String weight(String module) {
        return prefix + module + ".weight";
    }

    /**
     * {@return the tensor name {@code prefix + module + ".bias"}}
     *
     * @param module one of this record's module names
     */
    public String bias(String module) {
        return prefix + module + ".bias";
    }
}
