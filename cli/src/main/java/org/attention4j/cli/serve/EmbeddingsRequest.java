package org.attention4j.cli.serve;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code POST /v1/embeddings} body, checked: OpenAI's request shape
 * {@code {"input": "text" | ["a", "b", ...], "model": "...", "encoding_format": "float" | "base64", "user": "..."}}.
 * Anything else — token arrays, {@code dimensions}, an unknown field, more than {@code maxInputs} texts —
 * is refused with a one-line reason ({@link Invalid}, a 400).
 *
 * @param input the texts, at least one
 * @param model the request's {@code model}, or null
 * @param base64 {@code encoding_format} is {@code base64}
 */
record EmbeddingsRequest(List<String> input, String model, boolean base64) {
    private static final Set<String> FIELDS = Set.of("input", "model", "encoding_format", "user");
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** A request the server refuses, with the reason on one line. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static EmbeddingsRequest parse(byte[] body, int maxInputs) throws Invalid {
        JsonNode root;
        try (JsonParser parser = JSON.createParser(body)) {
            root = JSON.readTree(parser);
            if (parser.nextToken() != null) {
                throw new Invalid("malformed JSON: more content after the end of the object" + at(parser.currentLocation()));
            }
        } catch (JsonProcessingException e) {
            throw new Invalid("malformed JSON: " + Exchanges.oneLine(e.getOriginalMessage()).replaceAll(
                    " \\(start marker at \\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]\\)",
                    " opened at line $1, column $2") + at(e.getLocation()));
        } catch (IOException e) {
            throw new Invalid("unreadable body: " + Exchanges.oneLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new Invalid("expected a JSON object such as {\"input\": [\"some text\"]}, got "
                    + (root == null || root.isMissingNode() ? "an empty body" : kind(root)));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            String field = it.next().getKey();
            if (!FIELDS.contains(field)) {
                throw new Invalid("unsupported field '" + field + "'" + (field.equals("dimensions")
                        ? ": this server returns the model's vectors at their full dimension" : "")
                        + "; supported: input, model, encoding_format, user");
            }
        }
        String model = optionalString(root, "model");
        String format = optionalString(root, "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw new Invalid("'encoding_format' is \"" + format + "\": expected \"float\" or \"base64\"");
        }
        optionalString(root, "user"); // accepted, as OpenAI does, and ignored
        return new EmbeddingsRequest(input(root.get("input"), maxInputs), model, "base64".equals(format));
    }

    private static List<String> input(JsonNode input, int maxInputs) throws Invalid {
        if (input == null) {
            throw new Invalid("missing 'input': expected a string or an array of strings");
        }
        if (input.isTextual()) {
            return List.of(input.textValue());
        }
        if (!input.isArray()) {
            throw new Invalid("'input' is " + kind(input) + ": expected a string or an array of strings");
        }
        if (input.isEmpty()) {
            throw new Invalid("'input' is an empty array: expected at least one string");
        }
        if (input.size() > maxInputs) {
            throw new Invalid("'input' has " + input.size() + " texts: at most " + maxInputs
                    + " per request (--max-inputs); split it into several requests");
        }
        List<String> texts = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode text = input.get(i);
            if (text.isIntegralNumber() || text.isArray()) {
                throw new Invalid("'input' holds token ids (input[" + i + "] is " + kind(text)
                        + "): only strings are supported");
            }
            if (!text.isTextual()) {
                throw new Invalid("input[" + i + "] is " + kind(text) + ": expected a string");
            }
            texts.add(text.textValue());
        }
        return texts;
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String optionalString(JsonNode root, String field) throws Invalid {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Invalid("'" + field + "' is " + kind(v) + ": expected a string");
        }
        return v.textValue();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case STRING -> "a string";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
