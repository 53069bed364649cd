package org.attention4j.internal;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Tells a warm-up whether the JIT compilers have been idle for a while, so that it ends only once
 * C2 has compiled the kernels. Timing alone cannot tell: on a busy machine C2 compiles the Vector API
 * code seconds late, and meanwhile the calls run C1 code at a steady pace 3–45× slower than the
 * final one. A gate warm-up that waited for "no call faster by 3 % for half a second" stopped on such
 * a plateau in 8 of 24 runs beside another JVM (samples 2–13 ms per call, then 0.3 ms once C2 was
 * done), which is how CI saw the same kernel 2–3× slower than its baseline.
 *
 * <p>Busy means: a compile in progress or queued (HotSpot's {@code Compiler.queue} diagnostic command,
 * as {@code jcmd} shows it), or the JVM's total compilation time grew since the last look. Polled at
 * most every {@link #POLL_NANOS}; one poll costs 0.2–1 ms. Where the JVM reports neither (no
 * {@code java.management} module: the engine only {@code requires static} it), the JIT counts as quiet
 * and warm-ups fall back on their other conditions. Used by {@link org.attention4j.AttentionEngine#warmUp},
 * the CLI's {@code profile} and {@code gate}. One instance per warm-up loop, on one thread.
 */
public final class JitQuiet {
    private static final long POLL_NANOS = 100_000_000L;
    private static final String[] NO_ARGUMENTS = {null};
    private static final String[] SIGNATURE = {String[].class.getName()};

    private CompilationMXBean compilation;
    private MBeanServer server;
    private ObjectName diagnostics;
    private long lastPoll;
    /** Since when no poll saw the JIT busy; the first poll starts the watch (nothing is known before). */
    private long quietSince;
    private boolean polled;
    private long lastTotalMillis = -1;

    public JitQuiet() {
        try {
            CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
            compilation = bean != null && bean.isCompilationTimeMonitoringSupported() ? bean : null;
            server = ManagementFactory.getPlatformMBeanServer();
            diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
        } catch (Exception | LinkageError e) { // no java.management in this runtime: nothing to watch
            compilation = null;
            server = null;
        }
    }

    /**
     * Whether nothing was compiled or queued for compilation during the last {@code nanos}, as far as
     * this watch has seen: call it on every step of a warm-up loop (it polls at most every
     * {@link #POLL_NANOS}), not only once the other conditions hold.
     */
    public boolean quietFor(long nanos) {
        long now = System.nanoTime();
        if (!polled || now - lastPoll >= POLL_NANOS) {
            boolean busy = busy();
            if (busy || !polled) {
                quietSince = now;
            }
            polled = true;
            lastPoll = now;
        }
        return now - quietSince >= nanos;
    }

    /**
     * The warm-up rule every warm-up here shares: still warming before {@code minNanos} have elapsed, and
     * after that while the JIT compiled something in the last {@code quietNanos}, until {@code maxNanos}.
     * Call it on every step of the loop, whatever the caller's other conditions: it is what polls the JIT.
     */
    public boolean stillWarming(long elapsedNanos, long minNanos, long maxNanos, long quietNanos) {
        boolean quiet = quietFor(quietNanos);
        return elapsedNanos < minNanos || !quiet && elapsedNanos < maxNanos;
    }

    /**
     * The warm-up loop of a caller that repeats one call: runs {@code call} at least {@code minCalls}
     * times and while {@link #stillWarming} holds on a new watch. Returns the number of calls.
     */
    public static int runUntilCompiled(Runnable call, int minCalls, long minNanos, long maxNanos, long quietNanos) {
        JitQuiet jit = new JitQuiet();
        long start = System.nanoTime();
        int calls = 0;
        // '|', not '||': the watch must be polled on every step.
        while (calls < minCalls | jit.stillWarming(System.nanoTime() - start, minNanos, maxNanos, quietNanos)) {
            call.run();
            calls++;
        }
        return calls;
    }

    private boolean busy() {
        boolean busy = false;
        if (compilation != null) {
            long total = compilation.getTotalCompilationTime();
            busy = lastTotalMillis >= 0 && total != lastTotalMillis;
            lastTotalMillis = total;
        }
        return busy || compilesQueued();
    }

    /** A compile in progress or waiting: every task line names a method ({@code Class::method}). */
    private boolean compilesQueued() {
        if (server == null) {
            return false;
        }
        try {
            Object queue = server.invoke(diagnostics, "compilerQueue", NO_ARGUMENTS, SIGNATURE);
            return queue != null && queue.toString().contains("::");
        } catch (Exception | LinkageError e) {
            server = null; // not HotSpot, or no diagnostic commands: timing and compile time only
            return false;
        }
    }
}
