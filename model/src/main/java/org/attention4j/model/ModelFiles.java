package org.attention4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.attention4j.model.onnx.OnnxBertWeights;

/**
 * Where a model's three parts are, from what a user points at: a {@code .onnx} file, a
 * {@code .safetensors} file, or a folder holding one of them.
 * <ul>
 *   <li>weights: the file given; in a folder {@code model.safetensors}, else the one {@code *.onnx}
 *       (also under {@code onnx/}, as Hugging Face repositories keep exports);</li>
 *   <li>configuration: {@code config.json} beside the weights (required for safetensors); for ONNX
 *       without one, read off the graph ({@link OnnxBertWeights#config()});</li>
 *   <li>tokenizer: the one given, else {@code tokenizer.json} beside the weights, else
 *       {@code <name>-tokenizer.json} for weights {@code <name>.onnx} (LangChain4j's naming), else for
 *       an export in {@code onnx/} the repository's {@code tokenizer.json} one folder up.</li>
 * </ul>
 */
record ModelFiles(Path weights, Path config, Path tokenizer) {
    static ModelFiles locate(Path model, Path tokenizer) throws IOException {
        if (model == null || !Files.exists(model)) {
            throw new IllegalArgumentException("model " + model + ": no such file or folder: expected a .onnx file, "
                    + "a .safetensors file, or a folder holding one with config.json and tokenizer.json");
        }
        Path weights = Files.isDirectory(model) ? weightsIn(model) : model;
        String name = weights.getFileName().toString();
        if (!name.endsWith(".onnx") && !name.endsWith(".safetensors")) {
            throw new IllegalArgumentException("model " + model + ": expected a .onnx or .safetensors file, or a "
                    + "folder holding one");
        }
        Path folder = weights.toAbsolutePath().getParent();
        Path config = folder.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            if (name.endsWith(".safetensors")) {
                throw new IllegalArgumentException("model " + weights + ": no config.json beside it: a safetensors "
                        + "checkpoint needs the model's config.json in the same folder");
            }
            config = null;
        }
        return new ModelFiles(weights, config, tokenizer != null ? requireFile(tokenizer) : tokenizerBeside(weights));
    }

    /** The configuration read off an ONNX export's graph, for a model without config.json. */
    static BertConfig onnxConfig(WeightSource source) {
        return ((OnnxBertWeights) source).config();
    }

    WeightSource openWeights() throws IOException {
        return weights.getFileName().toString().endsWith(".onnx") ? OnnxBertWeights.open(weights)
                : SafeTensorsWeightSource.open(weights);
    }

    private static Path weightsIn(Path folder) throws IOException {
        if (Files.isRegularFile(folder.resolve("model.safetensors"))) {
            return folder.resolve("model.safetensors");
        }
        List<Path> exports = new ArrayList<>();
        for (Path dir : new Path[] {folder, folder.resolve("onnx")}) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".onnx")).sorted().forEach(exports::add);
                }
            }
        }
        if (exports.size() != 1) {
            throw new IllegalArgumentException("model folder " + folder + ": found " + (exports.isEmpty() ? "no"
                    : exports.size() + " (" + exports + ")") + " .onnx files and no model.safetensors: expected "
                    + "model.safetensors or exactly one .onnx file (or name the file)");
        }
        return exports.get(0);
    }

    private static Path tokenizerBeside(Path weights) {
        Path folder = weights.toAbsolutePath().getParent();
        String name = weights.getFileName().toString();
        String stem = name.substring(0, name.lastIndexOf('.'));
        // a Hugging Face repository keeps its export in onnx/ and the tokenizer at the top
        Path repository = folder.getFileName() != null && folder.getFileName().toString().equals("onnx")
                ? folder.getParent() : null;
        for (Path candidate : new Path[] {folder.resolve("tokenizer.json"), folder.resolve(stem + "-tokenizer.json"),
                repository == null ? null : repository.resolve("tokenizer.json")}) {
            if (candidate != null && Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("model " + weights + ": no tokenizer.json beside it: give the tokenizer "
                + "file (--tokenizer)");
    }

    private static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("tokenizer " + file + ": no such file: expected a Hugging Face "
                    + "tokenizer.json");
        }
        return file;
    }
}
