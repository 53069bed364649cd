/** Transformer encoders (the BERT family) and sentence embeddings running on the attention4j engine. */
package org.attention4j.model;
