/**
 * attention4j model: transformer encoders (the BERT family) and sentence embeddings on the engine.
 */
module org.attention4j.model {
    requires transitive org.attention4j;
    requires org.attention4j.io; // safetensors checkpoints, config.json and tokenizer.json (io.json)
    requires org.attention4j.layers; // the encoder's attention blocks and projections

    exports org.attention4j.model;
    exports org.attention4j.model.tokenizer;
    exports org.attention4j.model.onnx;
}
