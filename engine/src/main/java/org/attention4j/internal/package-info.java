/**
 * What the engine uses and the project's other modules share with it, never called by users:
 * {@code JitQuiet} (waiting for the JIT to go idle: {@code AttentionEngine.warmUp}, the model's warm-up, the
 * CLI's measurements), {@code SeededFloats} (reproducible inputs), {@code ExactRowWeights} (one row's
 * attention weights in float64, shared by {@code AttentionWeights} and the test-kit's oracle).
 * Exported to the project's modules only; not API, it may change in any release.
 */
package org.attention4j.internal;
