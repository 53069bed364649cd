/**
 * Tokenizers read from a Hugging Face {@code tokenizer.json}, giving the same ids as Hugging Face
 * {@code tokenizers}: {@link org.attention4j.model.tokenizer.WordPieceTokenizer} for the BERT family.
 */
package org.attention4j.model.tokenizer;
