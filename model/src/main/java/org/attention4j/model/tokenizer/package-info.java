/**
 * Tokenizers read from a Hugging Face {@code tokenizer.json}, giving the same ids as Hugging Face
 * {@code tokenizers}: {@link org.attention4j.model.tokenizer.WordPieceTokenizer} for the BERT family.
 *
 * @since 0.1
 */
package org.attention4j.model.tokenizer;
