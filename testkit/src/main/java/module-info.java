/**
 * attention4j test-kit: the float64 oracles of every kernel and layer, in one place, for the tests of every
 * module and for {@code attention4j run --check}. Not published; it may change in any commit.
 */
module org.attention4j.testkit {
    requires transitive org.attention4j;
    requires transitive org.attention4j.layers; // ReferenceMultiHeadAttention reads MultiHeadAttentionWeights

    exports org.attention4j.reference;
}
