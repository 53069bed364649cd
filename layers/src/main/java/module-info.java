/**
 * attention4j layers: the transformer blocks built on the engine: the multi-head attention layer
 * ({@code org.attention4j.layer}: projections through a packed GEMM, positional and rotary encodings, incremental
 * decoding against a KV cache, weights from arrays or a Hugging Face checkpoint) and the experimental linear
 * approximations ({@code org.attention4j.layer.linear}: Performer, Linformer).
 */
module org.attention4j.layers {
    requires transitive org.attention4j;
    requires org.attention4j.io; // SafeTensorsWeights

    exports org.attention4j.layer;
    exports org.attention4j.layer.linear;
}
