/**
 * attention4j: FlashAttention-style tiled attention for the JVM.
 *
 * <p>The Vector API is optional at run time ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} the engine logs one warning and runs its scalar kernel.
 *
 * <p>Exported to everyone: what users call ({@code docs/DESIGN.md}, "API surface"). The kernels and the shared
 * plumbing are exported to the project's modules built on the engine only (qualified exports): the layers'
 * projections run on the GEMM kernels, the tooling runs the naive peer and the FMA peak on the kernels' ops. The
 * CLI, the JMH benchmarks and the examples run on the class path, where every package is visible.
 */
@SuppressWarnings("module") // the modules named below are not observable when the engine compiles alone
module org.attention4j {
    requires static jdk.incubator.vector;
    requires jdk.jfr;
    // Optional: AttentionEngine.warmUp watches the JIT through it (internal.JitQuiet), and the provider reads
    // the VM options that decide whether C2 runs (kernel.JitCompiler), when it is present.
    requires static java.management;

    exports org.attention4j;

    exports org.attention4j.kernel to org.attention4j.layers, org.attention4j.tooling;
    exports org.attention4j.kernel.gemm to org.attention4j.layers;
    // JitQuiet (SentenceEmbedder.warmUp), ExactRowWeights (the test-kit's oracle)
    exports org.attention4j.internal to org.attention4j.model, org.attention4j.testkit;
}
