/**
 * attention4j: FlashAttention-style tiled attention for the JVM.
 *
 * <p>The Vector API is optional at run time ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} the engine logs one warning and runs its scalar kernel.
 *
 * <p>Exported to everyone: what users call ({@code docs/DESIGN.md}, "API surface"). The tooling and
 * plumbing the project's own modules share are exported to the model module only; the CLI, the JMH
 * benchmarks and the examples run on the class path, where every package is visible.
 */
@SuppressWarnings("module") // org.attention4j.model is not observable when the engine compiles alone
module org.attention4j {
    requires static jdk.incubator.vector;
    requires jdk.jfr;
    // Optional: AttentionEngine.warmUp watches the JIT through it (internal.JitQuiet), and the provider reads
    // the VM options that decide whether C2 runs (kernel.JitCompiler), when it is present.
    requires static java.management;

    exports org.attention4j;
    exports org.attention4j.io;
    exports org.attention4j.layer;
    exports org.attention4j.layer.linear;

    // StrictJson (config.json, tokenizer.json), JitQuiet (SentenceEmbedder.warmUp)
    exports org.attention4j.internal to org.attention4j.model;
    exports org.attention4j.reference to org.attention4j.model; // ReferenceMath: the model's tests' oracle
}
