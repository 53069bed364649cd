/**
 * LangChain4j integration: {@link org.attention4j.langchain4j.Attention4jEmbeddingModel}, a
 * {@code dev.langchain4j.model.embedding.EmbeddingModel} running BERT-family sentence embeddings on attention4j
 * from the files LangChain4j's in-process models use.
 *
 * <pre>{@code
 * // EmbeddingModel embeddingModel = new AllMiniLmL6V2EmbeddingModel();
 * EmbeddingModel embeddingModel = Attention4jEmbeddingModel.of(Path.of("all-minilm-l6-v2.onnx"));
 * }</pre>
 *
 * <p>No {@code module-info}: langchain4j-core 1.19.0's jar declares no {@code Automatic-Module-Name}, so a
 * {@code requires} could only name the file-derived {@code langchain4j.core}. This jar's manifest names its
 * automatic module {@code org.attention4j.langchain4j}.
 *
 * @since 0.1
 */
package org.attention4j.langchain4j;
