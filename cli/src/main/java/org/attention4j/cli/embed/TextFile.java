package org.attention4j.cli.embed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attention4j.cli.BadInputException;

/** The texts of {@code embed --input}: one per line, or JSON lines with a {@code "text"} field ({@code .jsonl}). */
final class TextFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TextFile() {}

    static List<String> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException("--input " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new BadInputException("--input " + file + ": not UTF-8 text");
        }
        if (!file.getFileName().toString().endsWith(".jsonl")) {
            return lines;
        }
        List<String> texts = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue; // JSON lines may end with an empty line
            }
            JsonNode node;
            try {
                node = JSON.readTree(lines.get(i));
            } catch (JsonProcessingException e) {
                throw new BadInputException("--input " + file + " line " + (i + 1) + ": not JSON: "
                        + e.getOriginalMessage());
            }
            JsonNode text = node == null ? null : node.get("text");
            if (text == null || !text.isTextual()) {
                throw new BadInputException("--input " + file + " line " + (i + 1) + ": expected an object with a "
                        + "string field \"text\"");
            }
            texts.add(text.asText());
        }
        return texts;
    }
}
