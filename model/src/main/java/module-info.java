/**
 * attention4j model: transformer encoders (the BERT family) and sentence embeddings on the engine.
 */
module org.attention4j.model {
    requires transitive org.attention4j;

    exports org.attention4j.model;
    exports org.attention4j.model.tokenizer;
    exports org.attention4j.model.onnx;
}
