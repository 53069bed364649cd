package org.attention4j.cli.serve;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.attention4j.cli.Main;
import picocli.CommandLine;

/**
 * {@code attention4j serve ...} running in-process on a thread of its own, as the shell would run it:
 * {@link #start} returns once the command has printed its "listening" line, {@link #stop} interrupts
 * the command (which then stops as on SIGTERM) and returns its exit code.
 */
final class ServeRun implements AutoCloseable {
    private static final Pattern ADDRESS = Pattern.compile("http://[^:/]+:(\\d+)");

    private final Thread thread;
    private final StringWriter err;
    private final String line;
    private volatile int exit = -1;

    private ServeRun(String[] args) throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        this.err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new LineWriter(lines), true));
        cli.setErr(new PrintWriter(err, true));
        this.thread = Thread.ofPlatform().name("serve-command").start(() -> exit = cli.execute(args));
        String first = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5); // a hang guard, not a speed limit
        while (first == null && System.nanoTime() < deadline) {
            first = lines.poll(100, TimeUnit.MILLISECONDS);
            if (first == null && !thread.isAlive()) {
                first = lines.poll();
                break;
            }
        }
        this.line = first;
    }

    /** Starts the command; fails the test when it does not print its line. */
    static ServeRun start(String... args) throws InterruptedException {
        ServeRun run = new ServeRun(args);
        if (run.line == null) {
            run.thread.interrupt();
            throw new AssertionError("serve printed no line (exit " + run.exit + "): " + run.err);
        }
        return run;
    }

    /** The line printed on stdout once listening. */
    String line() {
        return line;
    }

    int port() {
        Matcher m = ADDRESS.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no address in: " + line);
        }
        return Integer.parseInt(m.group(1));
    }

    String err() {
        return err.toString();
    }

    /** Stops the command as SIGTERM would; returns its exit code. */
    int stop() throws InterruptedException {
        thread.interrupt();
        thread.join(TimeUnit.MINUTES.toMillis(1));
        if (thread.isAlive()) {
            throw new AssertionError("serve did not stop: " + err);
        }
        return exit;
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Hands each complete line to a queue. */
    private static final class LineWriter extends Writer {
        private final BlockingQueue<String> lines;
        private final StringBuilder current = new StringBuilder();

        LineWriter(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(char[] chars, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (chars[i] == '\n') {
                    lines.add(current.toString());
                    current.setLength(0);
                } else if (chars[i] != '\r') {
                    current.append(chars[i]);
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
