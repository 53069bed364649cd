/**
 * attention4j: FlashAttention-style tiled attention for the JVM.
 *
 * <p>The Vector API is optional at run time ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} the engine logs one warning and runs its scalar kernel.
 */
module org.attention4j {
    requires static jdk.incubator.vector;
    requires jdk.jfr;
    // Optional: AttentionEngine.warmUp watches the JIT through it (bench.JitQuiet) when it is present.
    requires static java.management;

    exports org.attention4j;
    exports org.attention4j.io;
    exports org.attention4j.layer;
    exports org.attention4j.layer.linear;
    exports org.attention4j.reference;
    exports org.attention4j.bench;
}
