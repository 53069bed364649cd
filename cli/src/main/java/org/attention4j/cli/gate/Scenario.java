package org.attention4j.cli.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.attention4j.AttentionSpec;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.gate.runner.BuildRunner;

/**
 * One thing the gate measures: an attention shape on the engine ({@code kind = attention}), a BERT-shaped
 * encoder embedding a packed batch of texts ({@code kind = encoder}: random weights, the model module's
 * {@code BertEncoder}), or a synthetic busy loop whose cost is known ({@code kind = synthetic}: proves the
 * gate on any workload, and lets tests inject a slowdown). Scenario files are JSON arrays of these objects
 * (docs/GATE.md).
 *
 * <p>For {@code encoder}: {@code seq} is the batch's tokens, {@code batch} its sequences (of mixed
 * lengths, {@link #encoderLengths}), {@code heads · headDim} the hidden size, the feed-forward 4× that,
 * {@code layers} the layers.
 *
 * @param work for {@code synthetic}: busy-loop iterations per call
 * @param window for {@code attention}: a causal sliding window of this many keys per query; 0 = none
 * @param layers for {@code encoder}: its layers
 */
public record Scenario(String name, String kind, int seq, int queryLength, int batch, int heads, int kvHeads,
                       int headDim, boolean causal, int threads, long work, int window, int layers) {

    static final String ATTENTION = "attention";
    static final String SYNTHETIC = "synthetic";
    static final String ENCODER = "encoder";
    /** The encoders' largest position: no sequence of a scenario may be longer. */
    static final int ENCODER_MAX_POSITIONS = 512;

    /** The built-in set: short and long, causal, GQA, decode, 1 and 2 threads; about a minute to check. */
    public static List<Scenario> defaults() {
        int cores = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        return List.of(
                attention("short-512-h8-d64-1t", 512, 512, 8, 8, 64, false, 1),
                attention("causal-2k-h8-d64-1t", 2048, 2048, 8, 8, 64, true, 1),
                attention("gqa-2k-h8kv2-d128-" + cores + "t", 2048, 2048, 8, 2, 128, false, cores),
                attention("decode-q1-8k-h8kv2-d128-1t", 8192, 1, 8, 2, 128, false, 1));
    }

    /**
     * The set {@code gate check --against} times on both builds: {@link #defaults()} and a local (sliding
     * window) causal prefill, the four kinds of call the engine plans differently.
     */
    public static List<Scenario> pairedDefaults() {
        List<Scenario> list = new java.util.ArrayList<>(defaults());
        list.add(new Scenario("window-4k-w512-h8-d64-1t", ATTENTION, 4096, 4096, 1, 8, 8, 64, true, 1, 0, 512, 0));
        // A sentence-embedding batch: all-MiniLM-L6-v2's layer shape (hidden 384, 12 heads of 32, feed-forward
        // 1536), two of its six layers (a call of ~25 ms, so a 200 ms sample holds several), 16 texts.
        list.add(encoder("encoder-l2-h384-16x32tok-1t", 2, 12, 32, 16, 512, 1));
        return List.copyOf(list);
    }

    static Scenario attention(String name, int seq, int queryLength, int heads, int kvHeads, int headDim,
                              boolean causal, int threads) {
        return new Scenario(name, ATTENTION, seq, queryLength, 1, heads, kvHeads, headDim, causal, threads, 0, 0, 0);
    }

    static Scenario synthetic(String name, long work) {
        return new Scenario(name, SYNTHETIC, 0, 0, 0, 0, 0, 0, false, 1, work, 0, 0);
    }

    static Scenario encoder(String name, int layers, int heads, int headDim, int sequences, int tokens, int threads) {
        return new Scenario(name, ENCODER, tokens, tokens, sequences, heads, heads, headDim, false, threads, 0, 0,
                layers);
    }

    /**
     * The sequence lengths of an encoder batch: {@code sequences} lengths summing to {@code tokens}, spread
     * ±50 % around the mean the way a retrieval mix of short and long texts is (the same in every build:
     * the runner computes them with {@code BuildRunner.encoderLengths}).
     */
    static int[] encoderLengths(int sequences, int tokens) {
        return BuildRunner.encoderLengths(sequences, tokens);
    }

    AttentionSpec spec() {
        AttentionSpec.Builder b = AttentionSpec.builder().batch(batch).keyLength(seq).queryLength(queryLength)
                .heads(heads).kvHeads(kvHeads).headDim(headDim).causal(causal);
        if (window > 0) {
            if (!causal) {
                throw new IllegalArgumentException("window = " + window
                        + " needs causal: true (a causal sliding window)");
            }
            b.window(window - 1, 0);
        }
        return b.build();
    }

    ObjectNode toJson(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("name", name);
        n.put("kind", kind);
        if (ENCODER.equals(kind)) {
            n.put("layers", layers);
            n.put("heads", heads);
            n.put("hidden", heads * headDim);
            n.put("sequences", batch);
            n.put("tokens", seq);
        } else if (ATTENTION.equals(kind)) {
            n.put("seq", seq);
            n.put("queryLength", queryLength);
            n.put("batch", batch);
            n.put("heads", heads);
            n.put("kvHeads", kvHeads);
            n.put("headDim", headDim);
            n.put("causal", causal);
            if (window > 0) {
                n.put("window", window);
            }
        } else {
            n.put("work", work);
        }
        n.put("threads", threads);
        return n;
    }

    /** Reads one scenario object; {@code where} names the file for errors. Validates the shape now. */
    static Scenario fromJson(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new BadInputException(where + ": expected a JSON object per scenario");
        }
        String name = text(n, "name", where);
        String kind = n.has("kind") ? text(n, "kind", where) : ATTENTION;
        String at = where + ": scenario " + name;
        int threads = integer(n, "threads", 1, at);
        Scenario s;
        if (SYNTHETIC.equals(kind)) {
            long work = n.path("work").asLong(-1);
            if (work < 1) {
                throw new BadInputException(at + ": \"work\" must be a positive number of loop iterations");
            }
            s = new Scenario(name, SYNTHETIC, 0, 0, 0, 0, 0, 0, false, threads, work, 0, 0);
        } else if (ENCODER.equals(kind)) {
            s = encoderFromJson(n, at, threads);
        } else if (ATTENTION.equals(kind)) {
            int seq = integer(n, "seq", -1, at);
            int heads = integer(n, "heads", 8, at);
            s = new Scenario(name, ATTENTION, seq, integer(n, "queryLength", seq, at), integer(n, "batch", 1, at),
                    heads, integer(n, "kvHeads", heads, at), integer(n, "headDim", 64, at),
                    n.path("causal").asBoolean(false), threads, 0, integer(n, "window", 0, at), 0);
            try {
                s.spec();
            } catch (IllegalArgumentException e) {
                throw new BadInputException(at + ": " + e.getMessage());
            }
        } else {
            throw new BadInputException(at + ": kind \"" + kind + "\": expected attention, encoder or synthetic");
        }
        if (threads < 1 || threads > 1024) {
            throw new BadInputException(at + ": threads = " + threads + ": expected 1 .. 1024");
        }
        return s;
    }

    private static Scenario encoderFromJson(JsonNode n, String at, int threads) {
        int layers = integer(n, "layers", 2, at), heads = integer(n, "heads", 12, at);
        int hidden = integer(n, "hidden", 384, at), sequences = integer(n, "sequences", 16, at);
        int tokens = integer(n, "tokens", 512, at);
        if (layers < 1 || heads < 1 || hidden < 1 || sequences < 1) {
            throw new BadInputException(at + ": layers, heads, hidden and sequences must be positive");
        }
        if (hidden % heads != 0) {
            throw new BadInputException(at + ": hidden = " + hidden + " is not a multiple of heads = " + heads);
        }
        if (tokens < 2 * sequences || tokens > sequences * (ENCODER_MAX_POSITIONS * 2 / 3)) {
            throw new BadInputException(at + ": tokens = " + tokens + ": expected 2 .. " + ENCODER_MAX_POSITIONS * 2 / 3
                    + " per sequence (" + sequences + " sequences)");
        }
        return encoder(n.path("name").asText(), layers, heads, hidden / heads, sequences, tokens, threads);
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadInputException(where + ": every scenario needs a text \"" + field + "\"");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String field, int fallback, String where) {
        JsonNode v = n.get(field);
        if (v == null) {
            if (fallback < 0) {
                throw new BadInputException(where + ": \"" + field + "\" is required");
            }
            return fallback;
        }
        if (!v.canConvertToInt()) {
            throw new BadInputException(where + ": \"" + field + "\" = " + v + ": expected a whole number");
        }
        return v.asInt();
    }
}
