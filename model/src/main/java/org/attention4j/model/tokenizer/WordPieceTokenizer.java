package org.attention4j.model.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attention4j.io.json.StrictJson;

/**
 * The WordPiece tokenizer of BERT-family models, read from a Hugging Face {@code tokenizer.json} and giving
 * the same ids as Hugging Face {@code tokenizers} (the Rust library behind {@code transformers}' fast
 * tokenizers, DJL and LangChain4j) for one sequence with its special tokens.
 *
 * <p>The stages are those of {@code tokenizers}:
 * <ol>
 *   <li><b>Added tokens.</b> The file's {@code added_tokens} that are not normalized ({@code [CLS]},
 *       {@code [SEP]}, {@code [MASK]}, {@code [PAD]}, {@code [UNK]}) are found in the raw text first, leftmost
 *       first and, among those starting at the same place, longest first; each becomes its own id and splits
 *       the text around it: {@code "a[SEP]b"} is {@code a [SEP] b}, while {@code "[sep]"} (case differs) is
 *       three words. The normalized added tokens are then found in the normalized text, as normalized. An
 *       added token's id is the one {@code tokenizers} gives it: the vocabulary's if it is there, otherwise
 *       the next after the vocabulary in the order of the file ({@code tokenizers} only warns when the file's
 *       {@code "id"} says otherwise). {@code lstrip} and {@code rstrip} change no id (the whitespace they take
 *       is dropped anyway); {@code single_word} is refused.</li>
 *   <li><b>BertNormalizer.</b> {@code clean_text} drops U+0000, U+FFFD and the "other" characters (control,
 *       format, private use; tab, line feed and carriage return excepted) and turns whitespace into spaces;
 *       {@code handle_chinese_chars} puts spaces around CJK ideographs; {@code strip_accents} ({@code null}:
 *       as {@code lowercase}) decomposes canonically (NFD) and drops the nonspacing marks; {@code lowercase}
 *       lowercases each character by itself, as Rust's {@code char::to_lowercase}: {@code 'İ'} becomes
 *       {@code 'i'} and a combining dot above (when accents are kept; stripping them comes first), and a
 *       capital sigma always {@code 'σ'}, never the final {@code 'ς'} of {@link String#toLowerCase}.</li>
 *   <li><b>BertPreTokenizer.</b> Words end at whitespace, and every punctuation character (ASCII
 *       punctuation, {@code $+<=>^`|~} included, or a Unicode {@code P*} character) is a word of its own.</li>
 *   <li><b>WordPiece.</b> Each word is cut greedily into the longest pieces of the vocabulary, the pieces
 *       after the first carrying the {@code continuing_subword_prefix} ({@code ##}). A word longer than
 *       {@code max_input_chars_per_word} characters (code points after normalizing, not UTF-16 units), or
 *       one that cannot be cut entirely into pieces, becomes a single unknown token.</li>
 *   <li><b>Post-processing and truncation.</b> The template's special tokens ({@code [CLS] ... [SEP]}) are
 *       put around the sequence, first truncated so that the whole has at most {@link #maxLength()} tokens
 *       (the end is dropped, or the start if the file's {@code truncation.direction} is {@code Left}).</li>
 * </ol>
 * The character classes and the decomposition are those of {@code tokenizers} itself, whose Unicode data
 * are older (8.0 and 9.0) than the JDK's: a punctuation mark or a format character assigned since then is
 * neither for {@code tokenizers}. Input is never padded, and no overflowing windows are made (the
 * truncation's {@code stride} plays no part). A lone surrogate in the text (not Unicode; a Rust string
 * cannot hold one, and DJL drops it) is dropped like U+FFFD.
 *
 * <p>Only this kind of file is accepted: a {@code WordPiece} model, a {@code BertNormalizer}, a
 * {@code BertPreTokenizer} and a {@code TemplateProcessing} ({@code [CLS] A [SEP]}: one special token before
 * the sequence and one after) or {@code BertProcessing} post-processor. Anything else is refused with an
 * {@link IllegalArgumentException} naming what was found, as is a vocabulary whose ids are not all below
 * its size plus the number of added tokens.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @since 0.1
 */
public final class WordPieceTokenizer {
    /** The largest {@code tokenizer.json} accepted: 64 MiB. */
    public static final int MAX_FILE_BYTES = 64 << 20;
    /** Raw text normalized at a time when the end of a long text may be truncated away. */
    private static final int CHUNK = 256;

    /** Whole vocabulary: the lookup for the first piece of a word. */
    private final Map<String, Integer> vocab;
    /** The pieces that start with the continuing prefix, without it: the lookup after the first piece. */
    private final Map<String, Integer> continuations;
    private final int longestPiece;
    private final int longestContinuation;
    private final int unkId;
    private final int maxInputCharsPerWord;
    private final boolean cleanText;
    private final boolean chineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;
    /** Added tokens matched in the raw text, and those matched in the normalized text. */
    private final AddedTokens rawAdded;
    private final AddedTokens normalizedAdded;
    private final int clsId;
    private final int sepId;
    private final int padId;
    /** Total tokens kept, with the two special ones; {@link Integer#MAX_VALUE} for no limit. */
    private final int maxLength;
    private final boolean truncateLeft;
    /** Token text of each id (for {@link #tokens}). */
    private final String[] tokenOf;

    private WordPieceTokenizer(WordPieceTokenizer t, int maxLength) {
        this.vocab = t.vocab;
        this.continuations = t.continuations;
        this.longestPiece = t.longestPiece;
        this.longestContinuation = t.longestContinuation;
        this.unkId = t.unkId;
        this.maxInputCharsPerWord = t.maxInputCharsPerWord;
        this.cleanText = t.cleanText;
        this.chineseChars = t.chineseChars;
        this.stripAccents = t.stripAccents;
        this.lowercase = t.lowercase;
        this.rawAdded = t.rawAdded;
        this.normalizedAdded = t.normalizedAdded;
        this.clsId = t.clsId;
        this.sepId = t.sepId;
        this.padId = t.padId;
        this.maxLength = maxLength;
        this.truncateLeft = t.truncateLeft;
        this.tokenOf = t.tokenOf;
    }

    private WordPieceTokenizer(Map<?, ?> root, String where) {
        // model: WordPiece
        Map<?, ?> model = object(root, "model", where, true);
        String modelType = type(model, "model", where);
        if (!"WordPiece".equals(modelType)) {
            throw new IllegalArgumentException(where + ": model type " + modelType + ": expected WordPiece");
        }
        Map<?, ?> vocabJson = object(model, "model.vocab", where, true);
        if (vocabJson.isEmpty()) {
            throw new IllegalArgumentException(where + ": model.vocab is empty: expected the WordPiece vocabulary");
        }
        String prefix = string(model, "model.continuing_subword_prefix", "##", where);
        String unkToken = string(model, "model.unk_token", "[UNK]", where);
        this.maxInputCharsPerWord = integer(model, "model.max_input_chars_per_word", 100, 1, Integer.MAX_VALUE,
                where);
        List<?> addedJson = list(root, "added_tokens", where);
        // The ids must be dense enough for a table of the token texts: below the number of entries.
        int idLimit = vocabJson.size() + addedJson.size();
        Map<String, Integer> pieces = HashMap.newHashMap(vocabJson.size());
        Map<String, Integer> continued = new HashMap<>();
        int longest = 0;
        int longestCont = 0;
        String[] texts = new String[idLimit];
        int maxId = -1;
        for (Map.Entry<?, ?> e : vocabJson.entrySet()) {
            String token = (String) e.getKey();
            if (!(e.getValue() instanceof Long id) || id < 0 || id >= idLimit) {
                throw new IllegalArgumentException(where + ": model.vocab \"" + token + "\": " + e.getValue()
                        + ": expected an id in 0 .. " + (idLimit - 1));
            }
            int i = id.intValue();
            pieces.put(token, i);
            longest = Math.max(longest, token.length());
            if (token.startsWith(prefix) && token.length() > prefix.length()) {
                String rest = token.substring(prefix.length());
                continued.put(rest, i);
                longestCont = Math.max(longestCont, rest.length());
            }
            if (texts[i] == null) {
                texts[i] = token;
            }
            maxId = Math.max(maxId, i);
        }
        Integer unk = pieces.get(unkToken);
        if (unk == null) {
            throw new IllegalArgumentException(where + ": model.unk_token \"" + unkToken + "\" is not in model.vocab");
        }
        this.vocab = pieces;
        this.continuations = continued;
        this.longestPiece = longest;
        this.longestContinuation = longestCont;
        this.unkId = unk;

        // normalizer: BertNormalizer
        Map<?, ?> normalizer = object(root, "normalizer", where, false);
        String normalizerType = normalizer == null ? "null" : type(normalizer, "normalizer", where);
        if (!"BertNormalizer".equals(normalizerType)) {
            throw new IllegalArgumentException(where + ": normalizer type " + normalizerType
                    + ": expected BertNormalizer");
        }
        this.cleanText = bool(normalizer, "normalizer.clean_text", true, where);
        this.chineseChars = bool(normalizer, "normalizer.handle_chinese_chars", true, where);
        this.lowercase = bool(normalizer, "normalizer.lowercase", true, where);
        Object strip = normalizer.get("strip_accents");
        if (strip != null && !(strip instanceof Boolean)) {
            throw new IllegalArgumentException(where + ": normalizer.strip_accents: " + kind(strip)
                    + ": expected true, false or null");
        }
        this.stripAccents = strip == null ? lowercase : (Boolean) strip;

        // pre_tokenizer: BertPreTokenizer
        Map<?, ?> pre = object(root, "pre_tokenizer", where, false);
        String preType = pre == null ? "null" : type(pre, "pre_tokenizer", where);
        if (!"BertPreTokenizer".equals(preType)) {
            throw new IllegalArgumentException(where + ": pre_tokenizer type " + preType
                    + ": expected BertPreTokenizer");
        }

        // added_tokens, with the ids tokenizers gives them: the vocabulary's for a token in it, otherwise the
        // next one after the vocabulary in the order of the file (tokenizers only warns when the file's "id"
        // says something else). A token defined twice keeps its id and takes the later definition.
        Map<String, Integer> addedIds = new HashMap<>();
        Map<Integer, AddedToken> addedById = new LinkedHashMap<>();
        int nextId = vocabJson.size();
        for (int k = 0; k < addedJson.size(); k++) {
            AddedToken t = addedToken(addedJson.get(k), "added_tokens[" + k + "]", where);
            if (t.content.isEmpty()) {
                continue; // tokenizers ignores it
            }
            Integer id = addedIds.get(t.content);
            if (id == null) {
                id = pieces.get(t.content);
            }
            if (id == null) {
                id = nextId++;
            }
            addedIds.put(t.content, id);
            addedById.put(id, new AddedToken(t.content, id, t.normalized));
        }
        List<AddedToken> raw = new ArrayList<>();
        List<AddedToken> normalizedTokens = new ArrayList<>();
        for (AddedToken t : addedById.values()) {
            if (t.normalized) {
                String n = normalize(t.content); // found in the normalized text as the normalizer makes it
                if (!n.isEmpty()) {
                    normalizedTokens.add(new AddedToken(n, t.id, true));
                }
            } else {
                raw.add(t);
            }
            texts[t.id] = t.content;
            maxId = Math.max(maxId, t.id);
        }
        this.rawAdded = AddedTokens.of(raw);
        this.normalizedAdded = AddedTokens.of(normalizedTokens);
        this.tokenOf = Arrays.copyOf(texts, maxId + 1);

        // post_processor: [CLS] A [SEP]
        int[] specials = specials(root, where);
        this.clsId = specials[0];
        this.sepId = specials[1];

        // truncation (its stride only matters to the overflowing windows, which are not made)
        Map<?, ?> truncation = object(root, "truncation", where, false);
        if (truncation == null) {
            this.maxLength = Integer.MAX_VALUE;
            this.truncateLeft = false;
        } else {
            this.maxLength = integer(truncation, "truncation.max_length", null, 2, Integer.MAX_VALUE, where);
            String strategy = string(truncation, "truncation.strategy", "LongestFirst", where);
            if (!strategy.equals("LongestFirst") && !strategy.equals("OnlyFirst")) {
                throw new IllegalArgumentException(where + ": truncation.strategy " + strategy
                        + ": expected LongestFirst or OnlyFirst (one sequence is encoded)");
            }
            String direction = string(truncation, "truncation.direction", "Right", where);
            if (!direction.equals("Right") && !direction.equals("Left")) {
                throw new IllegalArgumentException(where + ": truncation.direction " + direction
                        + ": expected Right or Left");
            }
            this.truncateLeft = direction.equals("Left");
        }

        // padding: only its token id is kept (encode never pads)
        Map<?, ?> padding = object(root, "padding", where, false);
        if (padding != null && padding.get("pad_id") != null) {
            this.padId = integer(padding, "padding.pad_id", null, 0, Integer.MAX_VALUE, where);
        } else {
            this.padId = pieces.getOrDefault("[PAD]", -1);
        }
    }

    private record AddedToken(String content, int id, boolean normalized) {
    }

    private static AddedToken addedToken(Object o, String path, String where) {
        if (!(o instanceof Map<?, ?> t)) {
            throw new IllegalArgumentException(where + ": " + path + ": " + kind(o) + ": expected an object");
        }
        String content = string(t, path + ".content", null, where);
        integer(t, path + ".id", null, 0, Integer.MAX_VALUE, where);
        if (bool(t, path + ".single_word", false, where)) {
            throw new IllegalArgumentException(where + ": " + path + " \"" + content
                    + "\": single_word true is not supported");
        }
        // lstrip and rstrip make a token take the whitespace around it, which the pre-tokenizer drops anyway:
        // they change offsets, never ids.
        bool(t, path + ".lstrip", false, where);
        bool(t, path + ".rstrip", false, where);
        boolean special = bool(t, path + ".special", false, where);
        return new AddedToken(content, -1, bool(t, path + ".normalized", !special, where));
    }

    /** The ids of the template's special tokens before and after the sequence. */
    private static int[] specials(Map<?, ?> root, String where) {
        Map<?, ?> post = object(root, "post_processor", where, false);
        String type = post == null ? "null" : type(post, "post_processor", where);
        if ("BertProcessing".equals(type)) {
            return new int[] {bertProcessingId(post, "cls", where), bertProcessingId(post, "sep", where)};
        }
        if (!"TemplateProcessing".equals(type)) {
            throw new IllegalArgumentException(where + ": post_processor type " + type
                    + ": expected TemplateProcessing or BertProcessing");
        }
        List<?> single = list(post, "post_processor.single", where);
        Map<?, ?> specialTokens = object(post, "post_processor.special_tokens", where, true);
        List<Integer> before = new ArrayList<>();
        List<Integer> after = new ArrayList<>();
        boolean sequence = false;
        for (Object piece : single) {
            if (piece instanceof Map<?, ?> m && m.size() == 1 && m.get("Sequence") instanceof Map<?, ?> s
                    && "A".equals(s.get("id")) && !sequence) {
                sequence = true;
            } else if (piece instanceof Map<?, ?> m && m.size() == 1
                    && m.get("SpecialToken") instanceof Map<?, ?> s && s.get("id") instanceof String name) {
                if (!(specialTokens.get(name) instanceof Map<?, ?> def) || !(def.get("ids") instanceof List<?> ids)
                        || ids.size() != 1 || !(ids.getFirst() instanceof Long id) || id < 0
                        || id > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(where + ": post_processor.special_tokens \"" + name
                            + "\": expected one id in its \"ids\"");
                }
                (sequence ? after : before).add(id.intValue());
            } else {
                before.clear(); // refused below
                break;
            }
        }
        if (!sequence || before.size() != 1 || after.size() != 1) {
            throw new IllegalArgumentException(where + ": post_processor.single " + single
                    + ": expected a special token, the sequence A and a special token ([CLS] A [SEP])");
        }
        return new int[] {before.getFirst(), after.getFirst()};
    }

    private static int bertProcessingId(Map<?, ?> post, String key, String where) {
        if (post.get(key) instanceof List<?> l && l.size() == 2 && l.get(1) instanceof Long id && id >= 0
                && id <= Integer.MAX_VALUE) {
            return id.intValue();
        }
        throw new IllegalArgumentException(where + ": post_processor." + key + ": " + kind(post.get(key))
                + ": expected [token, id]");
    }

    // JSON fields: "path" is the field's dotted path in the file, for messages; its last part is the key.

    private static Object field(Map<?, ?> m, String path) {
        return m.get(path.substring(path.lastIndexOf('.') + 1));
    }

    private static IllegalArgumentException wrong(String where, String path, Object v, String expected) {
        return new IllegalArgumentException(where + ": " + path + ": " + kind(v) + ": expected " + expected);
    }

    private static String type(Map<?, ?> m, String path, String where) {
        if (!(m.get("type") instanceof String type)) {
            throw wrong(where, path + ".type", m.get("type"), "a string");
        }
        return type;
    }

    private static Map<?, ?> object(Map<?, ?> m, String path, String where, boolean required) {
        Object v = field(m, path);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof Map<?, ?> o)) {
            throw wrong(where, path, v, "an object");
        }
        return o;
    }

    /** An array, or an empty one if absent. */
    private static List<?> list(Map<?, ?> m, String path, String where) {
        Object v = field(m, path);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw wrong(where, path, v, "an array");
        }
        return l;
    }

    private static String string(Map<?, ?> m, String path, String fallback, String where) {
        Object v = field(m, path);
        if (v == null && fallback != null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw wrong(where, path, v, "a string");
        }
        return s;
    }

    private static boolean bool(Map<?, ?> m, String path, boolean fallback, String where) {
        Object v = field(m, path);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw wrong(where, path, v, "true or false");
        }
        return b;
    }

    private static int integer(Map<?, ?> m, String path, Integer fallback, int min, int max, String where) {
        Object v = field(m, path);
        if (v == null && fallback != null) {
            return fallback;
        }
        if (!(v instanceof Long l) || l < min || l > max) {
            throw wrong(where, path, v, "an integer in " + min + " .. " + max);
        }
        return l.intValue();
    }

    private static String kind(Object v) {
        return switch (v) {
            case null -> "missing";
            case Map<?, ?> _ -> "an object";
            case List<?> _ -> "an array";
            case String s -> "\"" + s + "\"";
            default -> String.valueOf(v);
        };
    }

    // ---------------------------------------------------------------------------------------------------
    // Loading

    /**
     * Reads a {@code tokenizer.json} file.
     *
     * @param tokenizerJson the file
     * @return the tokenizer, truncating as the file says
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the file is larger than {@link #MAX_FILE_BYTES}, is not UTF-8 JSON,
     *                                  or is not a BERT WordPiece tokenizer (the message says what was found)
     */
    public static WordPieceTokenizer load(Path tokenizerJson) throws IOException {
        long size = Files.size(tokenizerJson);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(tokenizerJson + ": " + size + " bytes: larger than the "
                    + MAX_FILE_BYTES + " accepted for a tokenizer.json");
        }
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return parse(readBounded(in, tokenizerJson.toString()), tokenizerJson.toString());
        }
    }

    /**
     * Reads a {@code tokenizer.json} from a stream (a class-path resource, say); the stream is read to its
     * end (at most {@link #MAX_FILE_BYTES} + 1 bytes) but not closed.
     *
     * @param in the file's bytes
     * @return the tokenizer, truncating as the file says
     * @throws IOException              if the stream cannot be read
     * @throws IllegalArgumentException as {@link #load(Path)}
     */
    public static WordPieceTokenizer load(InputStream in) throws IOException {
        return parse(readBounded(in, "tokenizer.json"), "tokenizer.json");
    }

    private static byte[] readBounded(InputStream in, String where) throws IOException {
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(where + ": more than " + MAX_FILE_BYTES
                    + " bytes: larger than accepted for a tokenizer.json");
        }
        return bytes;
    }

    private static WordPieceTokenizer parse(byte[] bytes, String where) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(where + ": not UTF-8 text: " + e, e);
        }
        Object root;
        try {
            root = StrictJson.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + ": expected a JSON object");
        }
        return new WordPieceTokenizer(map, where);
    }

    // ---------------------------------------------------------------------------------------------------
    // Public API

    /**
     * {@return the truncation limit in effect: the most tokens {@link #encode} returns}, {@code [CLS]} and
     * {@code [SEP]} included. It comes from the file's {@code truncation.max_length} unless replaced by
     * {@link #withMaxLength}; {@link Integer#MAX_VALUE} when the file has no truncation (no limit).
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * A copy of this tokenizer truncating to {@code maxLength} tokens in total ({@code [CLS]} and
     * {@code [SEP]} included) instead; the direction of truncation stays the file's (the end of the text is
     * dropped unless the file says {@code "Left"}). {@link Integer#MAX_VALUE} means no truncation. A model
     * cannot take more tokens than its position embedding has rows (512 for BERT base).
     *
     * @param maxLength at least 2, or {@link Integer#MAX_VALUE}
     * @return this tokenizer when the limit is the same, else a copy sharing its tables
     * @throws IllegalArgumentException if {@code maxLength < 2} (the two special tokens must fit)
     */
    public WordPieceTokenizer withMaxLength(int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength = " + maxLength
                    + ": expected >= 2 (the [CLS] and [SEP] tokens are always there)");
        }
        return maxLength == this.maxLength ? this : new WordPieceTokenizer(this, maxLength);
    }

    /**
     * {@return the token ids of {@code text}}: {@code [CLS]}, the text's tokens, {@code [SEP]}, truncated
     * to {@link #maxLength()} in total and not padded. The empty text gives {@code [CLS] [SEP]}.
     *
     * @param text the text, any Unicode (a lone surrogate is dropped)
     */
    public int[] encode(String text) {
        Ids ids = new Ids(Math.min(maxLength, 16 + text.length() / 3));
        ids.add(clsId);
        int limit = maxLength == Integer.MAX_VALUE ? Integer.MAX_VALUE : maxLength - 2;
        // Right truncation drops the end: the work stops as soon as the limit is reached.
        ids.stopAt = truncateLeft || limit == Integer.MAX_VALUE ? Integer.MAX_VALUE : 1 + limit;
        tokenize(text, ids);
        int count = ids.size - 1;
        if (count > limit) {
            if (truncateLeft) {
                System.arraycopy(ids.a, 1 + count - limit, ids.a, 1, limit);
            }
            ids.size = 1 + limit;
        }
        ids.stopAt = Integer.MAX_VALUE;
        ids.add(sepId);
        return Arrays.copyOf(ids.a, ids.size);
    }

    /**
     * {@return the tokens of {@link #encode} as their texts} ({@code "[CLS]"}, {@code "hello"},
     * {@code "##s"} ...): for showing what the model sees
     *
     * @param text the text
     */
    public List<String> tokens(String text) {
        int[] ids = encode(text);
        String[] out = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i] < tokenOf.length && tokenOf[ids[i]] != null ? tokenOf[ids[i]] : "#" + ids[i];
        }
        return List.of(out);
    }

    /** {@return the number of ids: one more than the largest id of the vocabulary and the added tokens} */
    public int vocabularySize() {
        return tokenOf.length;
    }

    /** {@return the id of the padding token ({@code [PAD]}), -1 if the file has none} */
    public int padId() {
        return padId;
    }

    /** {@return the id of the token the template puts first} ({@code [CLS]}) */
    public int clsId() {
        return clsId;
    }

    /** {@return the id of the token the template puts last} ({@code [SEP]}) */
    public int sepId() {
        return sepId;
    }

    /** {@return the id of the unknown token} ({@code [UNK]}) */
    public int unkId() {
        return unkId;
    }

    // ---------------------------------------------------------------------------------------------------
    // The pipeline

    /** A growing list of ids, with the count past which nothing more is needed. */
    private static final class Ids {
        int[] a;
        int size;
        int stopAt = Integer.MAX_VALUE;

        Ids(int capacity) {
            a = new int[Math.max(capacity, 4)];
        }

        void add(int id) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[size++] = id;
        }

        boolean full() {
            return size >= stopAt;
        }
    }

    private void tokenize(String text, Ids out) {
        int from = 0;
        for (Match m; rawAdded != null && !out.full() && (m = rawAdded.find(text, from)) != null; from = m.end) {
            if (from < m.start) {
                normalized(text.substring(from, m.start), out);
            }
            out.add(m.id);
        }
        if (from < text.length() && !out.full()) {
            normalized(from == 0 ? text : text.substring(from), out);
        }
    }

    /** Normalizes a piece of raw text between added tokens, then finds the normalized added tokens. */
    private void normalized(String raw, Ids out) {
        if (out.stopAt != Integer.MAX_VALUE && normalizedAdded == null && raw.length() > CHUNK) {
            // A long text that will be truncated: normalized a chunk at a time, so that the work stops with
            // the tokens. A chunk ends before a space, tab, line feed or carriage return, which separate words
            // before and after normalizing (whitespace that is not also a control character like U+0085,
            // which the cleaning drops, and a starter that decomposition reorders nothing across).
            for (int from = 0; from < raw.length() && !out.full(); ) {
                int to = from + CHUNK;
                while (to < raw.length() && !isPlainSpace(raw.charAt(to))) {
                    to++;
                }
                to = Math.min(to, raw.length());
                String text = normalize(raw.substring(from, to));
                words(text, 0, text.length(), out);
                from = to;
            }
            return;
        }
        String text = normalize(raw);
        int from = 0;
        for (Match m; normalizedAdded != null && !out.full() && (m = normalizedAdded.find(text, from)) != null;
                from = m.end) {
            words(text, from, m.start, out);
            out.add(m.id);
        }
        words(text, from, text.length(), out);
    }

    private static boolean isPlainSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** The BertNormalizer. */
    String normalize(String raw) {
        StringBuilder b = new StringBuilder(raw.length() + 8);
        boolean ascii = true;
        for (int i = 0; i < raw.length(); ) {
            int c = raw.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isSurrogate((char) c) && c < 0x10000) {
                c = 0xFFFD; // a lone surrogate: not a Unicode scalar value; as the replacement character
            }
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || (BertCharacters.isOther(c) && c != '\t' && c != '\n' && c != '\r')) {
                    continue;
                }
                if (BertCharacters.isWhitespace(c)) {
                    c = ' ';
                }
            }
            if (c >= 0x80) {
                ascii = false;
                if (chineseChars && BertCharacters.isChinese(c)) {
                    b.append(' ').appendCodePoint(c).append(' ');
                    continue;
                }
            }
            b.appendCodePoint(c);
        }
        if (ascii) {
            if (lowercase) {
                for (int i = 0; i < b.length(); i++) {
                    char c = b.charAt(i);
                    if (c >= 'A' && c <= 'Z') {
                        b.setCharAt(i, (char) (c + ('a' - 'A')));
                    }
                }
            }
            return b.toString();
        }
        String s = stripAccents ? BertCharacters.nfd(b.toString()) : b.toString();
        if (!stripAccents && !lowercase) {
            return s;
        }
        b.setLength(0);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (stripAccents && BertCharacters.isNonspacingMark(c)) {
                continue;
            }
            if (lowercase) {
                if (c == 0x130) { // LATIN CAPITAL LETTER I WITH DOT ABOVE: the one full lowercase of two
                    b.append('i').append('\u0307');
                    continue;
                }
                c = Character.toLowerCase(c);
            }
            b.appendCodePoint(c);
        }
        return b.toString();
    }

    /** The BertPreTokenizer on {@code text[from, to)}, each word then cut by WordPiece. */
    private void words(String text, int from, int to, Ids out) {
        int start = -1;
        for (int i = from; i < to && !out.full(); ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (BertCharacters.isWhitespace(c)) {
                if (start >= 0) {
                    wordPiece(text, start, i, out);
                    start = -1;
                }
            } else if (BertCharacters.isPunctuation(c)) {
                if (start >= 0) {
                    wordPiece(text, start, i, out);
                    start = -1;
                }
                if (!out.full()) {
                    wordPiece(text, i, next, out);
                }
            } else if (start < 0) {
                start = i;
            }
            i = next;
        }
        if (start >= 0 && !out.full()) {
            wordPiece(text, start, to, out);
        }
    }

    /** WordPiece on the word {@code text[from, to)}: greedy longest pieces, or the unknown token. */
    private void wordPiece(String text, int from, int to, Ids out) {
        if (to - from > maxInputCharsPerWord && text.codePointCount(from, to) > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size;
        int start = from;
        while (start < to) {
            boolean first = start == from;
            Map<String, Integer> lookup = first ? vocab : continuations;
            int end = Math.min(to, start + (first ? longestPiece : longestContinuation));
            if (end < to && Character.isLowSurrogate(text.charAt(end))
                    && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--; // never split a surrogate pair
            }
            Integer id = null;
            while (end > start) {
                id = lookup.get(text.substring(start, end));
                if (id != null) {
                    break;
                }
                end -= end - 2 >= start && Character.isLowSurrogate(text.charAt(end - 1))
                        && Character.isHighSurrogate(text.charAt(end - 2)) ? 2 : 1;
            }
            if (id == null) {
                out.size = mark;
                out.add(unkId);
                return;
            }
            out.add(id);
            start = end;
        }
    }

    /** A found added token: its id and the text it replaces, {@code [start, end)}. */
    private record Match(int id, int start, int end) {
    }

    /**
     * Literal added tokens, found leftmost first and, among those starting at the same place, longest first
     * (the matching of {@code tokenizers}' Aho-Corasick automaton with {@code LeftmostLongest}).
     */
    private static final class AddedTokens {
        /** The tokens by their first char, longest first. */
        private final Map<Character, AddedToken[]> byFirst;
        private final boolean[] asciiFirst = new boolean[128];
        private final boolean nonAsciiFirst;

        private AddedTokens(Map<Character, AddedToken[]> byFirst) {
            this.byFirst = byFirst;
            boolean nonAscii = false;
            for (char c : byFirst.keySet()) {
                if (c < 128) {
                    asciiFirst[c] = true;
                } else {
                    nonAscii = true;
                }
            }
            this.nonAsciiFirst = nonAscii;
        }

        static AddedTokens of(List<AddedToken> tokens) {
            if (tokens.isEmpty()) {
                return null;
            }
            Map<Character, List<AddedToken>> lists = new HashMap<>();
            for (AddedToken t : tokens) {
                lists.computeIfAbsent(t.content.charAt(0), _ -> new ArrayList<>()).add(t);
            }
            Map<Character, AddedToken[]> byFirst = new HashMap<>();
            lists.forEach((c, l) -> {
                l.sort(Comparator.comparingInt((AddedToken t) -> t.content.length()).reversed());
                byFirst.put(c, l.toArray(AddedToken[]::new));
            });
            return new AddedTokens(byFirst);
        }

        /** The first token in {@code text} at or after {@code at} (the longest of those there), or null. */
        Match find(String text, int at) {
            for (int i = at; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 128 ? !asciiFirst[c] : !nonAsciiFirst) {
                    continue;
                }
                AddedToken[] candidates = byFirst.get(c);
                if (candidates == null) {
                    continue;
                }
                for (AddedToken t : candidates) {
                    if (text.startsWith(t.content, i)) {
                        return new Match(t.id, i, i + t.content.length());
                    }
                }
            }
            return null;
        }
    }
}
