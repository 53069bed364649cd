package org.attention4j.model;

/**
 * How a sequence's token states become one vector.
 *
 * @since 0.1
 */
public enum Pooling {
    /** The mean over every token of the sequence, [CLS] and [SEP] included (sentence-transformers' mean pooling). */
    MEAN,
    /** The state of the first token ([CLS]). */
    CLS
}
