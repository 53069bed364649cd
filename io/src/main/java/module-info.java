/**
 * attention4j io: strict readers and writers of tensor files (safetensors, NumPy {@code .npy}), from a path or
 * from bytes in memory, for the CLI, the layers' weight loader, the model and services. Bounded before any
 * allocation: a hostile file is a clear error, never a huge array.
 */
@SuppressWarnings("module") // org.attention4j.model is not observable when io compiles alone
module org.attention4j.io {
    requires transitive org.attention4j; // ElementType: the types a tensor is kept in

    exports org.attention4j.io;
    exports org.attention4j.io.json to org.attention4j.model; // config.json, tokenizer.json
}
