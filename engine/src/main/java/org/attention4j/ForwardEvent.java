package org.attention4j;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A JFR event per forward call, enabled with the usual JFR settings ({@code -XX:StartFlightRecording},
 * a {@code .jfc} file naming {@code org.attention4j.Forward}). Disabled, it costs a check: the engine
 * only creates it when {@code isEnabled()} says so.
 */
@Name("org.attention4j.Forward")
@Label("Attention Forward")
@Category("attention4j")
@Description("One AttentionEngine.forward call: shape, kernel, threads and bytes")
@StackTrace(false)
final class ForwardEvent extends Event {
    @Label("Batch")
    int batch;
    @Label("Query Length")
    int queryLength;
    @Label("Key Length")
    int keyLength;
    @Label("Heads")
    int heads;
    @Label("KV Heads")
    int kvHeads;
    @Label("Head Dim")
    int headDim;
    @Label("Value Head Dim")
    int valueHeadDim;
    @Label("Causal")
    boolean causal;
    @Label("Kernel")
    String kernel;
    @Label("Threads")
    int threads;
    @Label("Tensor Bytes")
    @DataAmount
    long tensorBytes;
    @Label("Workspace Bytes")
    @DataAmount
    long workspaceBytes;
    @Label("Failed")
    boolean failed;
}
