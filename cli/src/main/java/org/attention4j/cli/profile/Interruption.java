package org.attention4j.cli.profile;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Ctrl-C during a profile: the first one asks the run to stop after the current call and still write
 * the rows done so far; a second one exits at once (status 130). Falls back to the JVM's default where
 * signals cannot be handled.
 */
final class Interruption {
    private final AtomicBoolean requested = new AtomicBoolean();

    boolean requested() {
        return requested.get();
    }

    /** Installs the handler for SIGINT; returns this for chaining. */
    Interruption install(Progress progress) {
        try {
            Signal.handle(new Signal("INT"), signal -> {
                if (requested.getAndSet(true)) {
                    Runtime.getRuntime().halt(130);
                }
                progress.message("interrupted: finishing the current call, then writing the rows done so far "
                        + "(Ctrl-C again to quit at once)");
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // no signal support: Ctrl-C ends the JVM as usual
        }
        return this;
    }
}
