package org.attention4j.cli.profile;

import java.util.Locale;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.Kernel;
import org.attention4j.Tensor;
import org.attention4j.bench.NaiveAttention;

/** What {@code --kernel} selects: the engine's best flash kernel, its scalar twin, or the naive peer. */
public enum KernelChoice {
    FLASH, SCALAR, NAIVE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A ready kernel on {@code threads} threads; reused for every shape of a run. */
    Runner open(int threads) {
        return switch (this) {
            case FLASH -> new EngineRunner(AttentionEngine.builder().kernel(Kernel.AUTO).threads(threads).build());
            case SCALAR -> new EngineRunner(AttentionEngine.builder().kernel(Kernel.SCALAR).threads(threads).build());
            case NAIVE -> new NaiveRunner(new NaiveAttention(Kernel.AUTO, threads));
        };
    }

    /** One kernel behind one interface: run, and say what memory it holds beyond the tensors. */
    interface Runner extends AutoCloseable {
        void forward(AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v, Tensor out);

        /** Bytes beyond Q, K, V, O a call with {@code spec} needs (workspace, or the score matrices). */
        long workingBytes(AttentionSpec spec);

        /** E.g. {@code vector-256}. */
        String implementation();

        @Override
        void close();
    }

    private record EngineRunner(AttentionEngine engine) implements Runner {
        public void forward(AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v, Tensor out) {
            engine.forward(spec, q, k, v, out, null, mask, Long.MAX_VALUE);
        }

        public long workingBytes(AttentionSpec spec) {
            return engine.workspaceBytes(spec);
        }

        public String implementation() {
            return engine.kernelName();
        }

        public void close() {
            engine.close();
        }
    }

    private record NaiveRunner(NaiveAttention naive) implements Runner {
        public void forward(AttentionSpec spec, AttentionMask mask, Tensor q, Tensor k, Tensor v, Tensor out) {
            naive.forward(spec, q, k, v, out); // never called with a mask: see ProfilePlan.naiveSkipReason
        }

        public long workingBytes(AttentionSpec spec) {
            return naive.scoreBytes(spec);
        }

        public String implementation() {
            return "naive-" + org.attention4j.bench.KernelInfo.provider();
        }

        public void close() {
            naive.close();
        }
    }
}
