package org.attention4j.cli.gate;

import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.attention4j.cli.gate.runner.BuildRunner;
import org.attention4j.cli.profile.ProfileInputs;

/** A scenario made runnable: {@link #call()} does one unit of the measured work. */
interface Workload extends AutoCloseable {
    /**
     * Multiplies the synthetic workloads' cost (default 1): lets a test, or a user checking the gate
     * itself, inject a known slowdown ({@code -Dattention4j.gate.syntheticSlowdown=1.25}).
     */
    String SLOWDOWN_PROPERTY = "attention4j.gate.syntheticSlowdown";

    void call();

    @Override
    void close();

    static Workload open(Scenario s) {
        return switch (s.kind()) {
            case Scenario.SYNTHETIC -> new Synthetic(s.work());
            case Scenario.ENCODER -> new Encoder(s);
            default -> new Attention(s);
        };
    }

    /** A BERT-shaped encoder embedding a packed batch: the runner's call ({@link BuildRunner#encoder}) in process. */
    final class Encoder implements Workload {
        private final Runnable call;
        private final AutoCloseable encoder;

        Encoder(Scenario s) {
            Object[] created = new Object[1];
            try {
                call = BuildRunner.encoder(Workload.class.getClassLoader(), s.layers(), s.heads(), s.headDim(),
                        s.batch(), s.seq(), s.threads(), created);
            } catch (Exception e) {
                throw new IllegalStateException("scenario " + s.name() + ": the encoder could not be built: " + e, e);
            }
            encoder = (AutoCloseable) created[0];
        }

        @Override
        public void call() {
            call.run();
        }

        @Override
        public void close() {
            try {
                encoder.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The engine on one shape, inputs generated once (seeded), outside any timing. */
    final class Attention implements Workload {
        private final AttentionEngine engine;
        private final ProfileInputs inputs;
        private final AttentionSpec spec;

        Attention(Scenario s) {
            spec = s.spec();
            engine = AttentionEngine.builder().kernel(Kernel.AUTO).threads(s.threads()).build();
            inputs = new ProfileInputs(spec, false, false, 7);
        }

        @Override
        public void call() {
            engine.forward(spec, inputs.q, inputs.k, inputs.v, inputs.out);
        }

        @Override
        public void close() {
            engine.close();
            inputs.close();
        }
    }

    /**
     * Eight independent floating-point chains: pure CPU, cost proportional to {@code work}. Floating
     * point, because C2 may not reassociate it (an integer LCG it collapsed to ~40 ps per iteration);
     * eight chains, because a throughput-bound loop is what the yardstick and attention are: one
     * latency-bound chain did not slow down when a neighbour took the FP units, and drifted ±30 %
     * against the yardstick.
     */
    final class Synthetic implements Workload {
        private static volatile double sink;
        private final long iterations;

        Synthetic(long work) {
            double factor = Double.parseDouble(System.getProperty(SLOWDOWN_PROPERTY, "1"));
            iterations = Math.max(1, Math.round(work * factor));
        }

        @Override
        public void call() {
            sink = BuildRunner.spin(sink, iterations) * 1e-30; // one loop for both modes of the gate
        }

        @Override
        public void close() {}
    }
}
