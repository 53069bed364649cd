package org.attention4j.model;

/** Checks of an encoder call, all before anything is written; each names the argument and what was expected. */
final class EncoderArguments {
    private EncoderArguments() {}

    /** Returns the packed total of tokens. */
    static int check(BertConfig config, int[] ids, int[] types, int[] cuSeqlens) {
        if (cuSeqlens == null || cuSeqlens.length < 2) {
            throw new IllegalArgumentException("cuSeqlens = " + (cuSeqlens == null ? "null" : "an array of "
                    + cuSeqlens.length) + ": expected sequences + 1 (at least 2) cumulative offsets starting at 0");
        }
        if (cuSeqlens[0] != 0) {
            throw new IllegalArgumentException("cuSeqlens[0] = " + cuSeqlens[0] + ": expected 0");
        }
        for (int s = 1; s < cuSeqlens.length; s++) {
            int length = cuSeqlens[s] - cuSeqlens[s - 1];
            if (cuSeqlens[s] < cuSeqlens[s - 1]) {
                throw new IllegalArgumentException("cuSeqlens[" + s + "] = " + cuSeqlens[s] + " < cuSeqlens[" + (s - 1)
                        + "] = " + cuSeqlens[s - 1] + ": expected non-decreasing cumulative offsets");
            }
            if (length > config.maxPositions()) {
                throw new IllegalArgumentException("sequence " + (s - 1) + " has " + length + " tokens: expected <= "
                        + config.maxPositions() + " (the model's maxPositions); truncate it");
            }
        }
        int total = cuSeqlens[cuSeqlens.length - 1];
        if (ids == null || ids.length < total) {
            throw new IllegalArgumentException("tokenIds " + (ids == null ? "= null" : "has " + ids.length + " ids")
                    + ": expected cuSeqlens[last] = " + total);
        }
        for (int t = 0; t < total; t++) {
            if (ids[t] < 0 || ids[t] >= config.vocabSize()) {
                throw new IllegalArgumentException("tokenIds[" + t + "] = " + ids[t] + ": expected 0 .. "
                        + (config.vocabSize() - 1) + " (the vocabulary)");
            }
        }
        if (types != null) {
            if (types.length < total) {
                throw new IllegalArgumentException("tokenTypes has " + types.length + " entries: expected cuSeqlens[last] = "
                        + total + " (or null for all 0)");
            }
            for (int t = 0; t < total; t++) {
                if (types[t] < 0 || types[t] >= config.typeVocabSize()) {
                    throw new IllegalArgumentException("tokenTypes[" + t + "] = " + types[t] + ": expected 0 .. "
                            + (config.typeVocabSize() - 1));
                }
            }
        }
        return total;
    }

    static void requireNonEmpty(int[] cuSeqlens) {
        for (int s = 1; s < cuSeqlens.length; s++) {
            if (cuSeqlens[s] == cuSeqlens[s - 1]) {
                throw new IllegalArgumentException("sequence " + (s - 1) + " is empty: expected at least one token to pool");
            }
        }
    }

    static void requireFloats(String name, float[] array, long floats) {
        if (array == null || array.length < floats) {
            throw new IllegalArgumentException(name + (array == null ? " = null" : ".length = " + array.length)
                    + ": expected >= " + floats + " floats");
        }
    }
}
