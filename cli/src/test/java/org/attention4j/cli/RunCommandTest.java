package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.attention4j.AttentionSpec;
import org.attention4j.Tensor;
import org.attention4j.cli.io.FloatArray;
import org.attention4j.cli.io.Npy;
import org.attention4j.cli.io.SafeTensors;
import org.attention4j.reference.ReferenceAttention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} end to end: files in, the engine's output against the float64 reference, every error path. */
class RunCommandTest {
    @TempDir
    Path dir;

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** Writes q, k, v .npy files of a BSHD or BHSD problem (V of K's shape); returns their paths. */
    private Path[] inputs(long[] qShape, long[] kShape) throws IOException {
        return inputs(qShape, kShape, kShape);
    }

    private Path[] inputs(long[] qShape, long[] kShape, long[] vShape) throws IOException {
        Path q = dir.resolve("q.npy"), k = dir.resolve("k.npy"), v = dir.resolve("v.npy");
        Npy.write(q, qShape, random((int) FloatArray.elements("q", qShape), 1));
        Npy.write(k, kShape, random((int) FloatArray.elements("k", kShape), 2));
        Npy.write(v, vShape, random((int) FloatArray.elements("v", vShape), 3));
        return new Path[] {q, k, v};
    }

    /** The worst relative error of out.npy against the reference for the BSHD problem in q/k/v.npy. */
    private double errorAgainstReference(Path[] in, Path out, boolean causal) {
        FloatArray q = Npy.read(in[0]), k = Npy.read(in[1]), v = Npy.read(in[2]), o = Npy.read(out);
        long[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        AttentionSpec spec = AttentionSpec.builder().batch((int) qs[0]).queryLength((int) qs[1]).keyLength((int) ks[1])
                .heads((int) qs[2]).kvHeads((int) ks[2]).headDim((int) qs[3]).valueHeadDim((int) vs[3])
                .causal(causal).build();
        ReferenceAttention.Result ref = ReferenceAttention.compute(spec,
                Tensor.bshd(q.data(), (int) qs[1], (int) qs[2], (int) qs[3]),
                Tensor.bshd(k.data(), (int) ks[1], (int) ks[2], (int) ks[3]),
                Tensor.bshd(v.data(), (int) vs[1], (int) vs[2], (int) vs[3]));
        assertArrayEquals(new long[] {qs[0], qs[1], qs[2], vs[3]}, o.shape(), "O: Q's shape with V's head size");
        double worst = 0;
        for (int i = 0; i < o.data().length; i++) {
            worst = Math.max(worst, Math.abs(o.data()[i] - ref.out()[i]));
        }
        return worst;
    }

    @Test
    void computesWhatTheReferenceComputesForEveryKernel() throws IOException {
        Path[] in = inputs(new long[] {2, 37, 4, 24}, new long[] {2, 53, 2, 24});
        Path out = dir.resolve("o.npy"), lse = dir.resolve("lse.npy");
        for (String kernel : new String[] {"flash", "scalar", "reference"}) {
            CliRun run = CliRun.of("run", "--q", in[0].toString(), "--k", in[1].toString(), "--v", in[2].toString(),
                    "--out", out.toString(), "--lse", lse.toString(), "--causal", "--kernel", kernel);
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(errorAgainstReference(in, out, true) < 1e-5, kernel);
            FloatArray l = Npy.read(lse);
            assertEquals(2 * 4 * 37, l.data().length);
            assertEquals(3, l.rank());
        }
    }

    @Test
    void valuesWithAHeadSizeOfTheirOwnGiveAnOutputOfThatSize() throws IOException {
        Path[] in = inputs(new long[] {2, 3, 6, 8}, new long[] {2, 3, 6, 8}, new long[] {2, 3, 6, 10});
        Path out = dir.resolve("o.npy"), ref = dir.resolve("ref.npy");
        for (String kernel : new String[] {"flash", "scalar", "reference"}) {
            CliRun run = CliRun.of("run", "--q", in[0].toString(), "--k", in[1].toString(), "--v", in[2].toString(),
                    "--out", out.toString(), "--causal", "--kernel", kernel);
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(errorAgainstReference(in, out, true) < 1e-5, kernel);
        }
        // BHSD and GQA: the flash output against the reference's, through --expect, which wants V's head size
        Path[] gqa = inputs(new long[] {1, 4, 37, 8}, new long[] {1, 2, 53, 8}, new long[] {1, 2, 53, 10});
        CliRun reference = CliRun.of("run", "--q", gqa[0].toString(), "--k", gqa[1].toString(), "--v",
                gqa[2].toString(), "--layout", "bhsd", "--kernel", "reference", "--out", ref.toString());
        assertEquals(0, reference.exitCode(), reference.toString());
        assertArrayEquals(new long[] {1, 4, 37, 10}, Npy.read(ref).shape());
        CliRun expect = CliRun.of("run", "--q", gqa[0].toString(), "--k", gqa[1].toString(), "--v", gqa[2].toString(),
                "--layout", "bhsd", "--expect", ref.toString());
        assertEquals(0, expect.exitCode(), expect.toString());
        assertTrue(expect.out().startsWith("matches"), expect.out());
        CliRun wrongShape = CliRun.of("run", "--q", gqa[0].toString(), "--k", gqa[1].toString(), "--v",
                gqa[2].toString(), "--layout", "bhsd", "--expect", gqa[0].toString());
        assertEquals(2, wrongShape.exitCode(), wrongShape.toString());
        assertTrue(wrongShape.err().contains("expected the output's [1, 4, 37, 10]"), wrongShape.toString());
    }

    @Test
    void bhsdLayoutAndExpectAndRepeat() throws IOException {
        Path[] in = inputs(new long[] {1, 4, 33, 16}, new long[] {1, 1, 40, 16}); // BHSD, MQA
        Path ref = dir.resolve("ref.npy"), out = dir.resolve("o.npy");
        CliRun reference = CliRun.of("run", "--q", in[0].toString(), "--k", in[1].toString(), "--v", in[2].toString(),
                "--layout", "bhsd", "--kernel", "reference", "--out", ref.toString());
        assertEquals(0, reference.exitCode(), reference.toString());
        CliRun run = CliRun.of("run", "--q", in[0].toString(), "--k", in[1].toString(), "--v", in[2].toString(),
                "--layout", "bhsd", "--expect", ref.toString(), "--repeat", "3", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("matches"), run.out());
        assertTrue(run.err().contains("3 calls, latency min"), run.err());
        // a different scale gives a different output: --expect must fail with the worst position
        CliRun wrong = CliRun.of("run", "--q", in[0].toString(), "--k", in[1].toString(), "--v", in[2].toString(),
                "--layout", "bhsd", "--expect", ref.toString(), "--scale", "2");
        assertEquals(1, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.out().matches("(?s)MISMATCH with .*worst error .* at \\[0, \\d+, \\d+, \\d+\\]: got .*"),
                wrong.out());
    }

    @Test
    void readsQKVFromOneSafetensorsFile() throws IOException {
        Path[] in = inputs(new long[] {1, 20, 2, 8}, new long[] {1, 20, 2, 8});
        Path st = dir.resolve("qkv.safetensors"), out = dir.resolve("o.npy");
        SafeTensors.write(st, Map.of("q", Npy.read(in[0]), "k", Npy.read(in[1]), "v", Npy.read(in[2])));
        CliRun run = CliRun.of("run", "--input", st.toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(errorAgainstReference(in, out, false) < 1e-5);
    }

    @Test
    void badInputExitsTwoNamesTheProblemAndWritesNothing() throws IOException {
        Path[] in = inputs(new long[] {1, 8, 4, 16}, new long[] {1, 8, 3, 16});
        Path out = dir.resolve("never.npy");
        Path k2 = dir.resolve("k2.npy"), v3 = dir.resolve("v3.npy"), d = dir.resolve("d.npy"), r3 = dir.resolve("r3.npy");
        Npy.write(k2, new long[] {1, 8, 2, 16}, new float[256]);
        Npy.write(v3, new long[] {1, 9, 2, 16}, new float[288]);
        Npy.write(d, new long[] {1, 8, 2, 8}, new float[128]);
        Path v0 = dir.resolve("v0.npy"), v257 = dir.resolve("v257.npy"), vh = dir.resolve("vh.npy");
        Npy.write(v0, new long[] {1, 8, 2, 0}, new float[0]);
        Npy.write(v257, new long[] {1, 8, 2, 257}, new float[8 * 2 * 257]);
        Npy.write(vh, new long[] {1, 8, 4, 10}, new float[8 * 4 * 10]);
        Npy.write(r3, new long[] {8, 4, 16}, new float[512]);
        Path garbage = dir.resolve("garbage.npy");
        Files.writeString(garbage, "definitely not numpy");
        String q = in[0].toString();
        String[][] cases = {
            {"3 key/value heads do not divide the 4 query heads", "--q", q, "--k", in[1].toString(), "--v", in[2].toString()},
            {"v3.npy: shape [1, 9, 2, 16] differs from " + k2 + "'s [1, 8, 2, 16] in its sequence length (9, "
                + "expected 8)", "--q", q, "--k", k2.toString(), "--v", v3.toString()},
            {"vh.npy: shape [1, 8, 4, 10] differs from " + k2 + "'s [1, 8, 2, 16] in its key/value heads (4, "
                + "expected 2)", "--q", q, "--k", k2.toString(), "--v", vh.toString()},
            {"v0.npy: value head size 0, expected 1..256", "--q", q, "--k", k2.toString(), "--v", v0.toString()},
            {"v257.npy: value head size 257, expected 1..256", "--q", q, "--k", k2.toString(), "--v", v257.toString()},
            {"head dimension 8, expected 16", "--q", q, "--k", d.toString(), "--v", d.toString()},
            {"has 3 dimensions, expected 4", "--q", r3.toString(), "--k", k2.toString(), "--v", k2.toString()},
            {"wrong magic", "--q", garbage.toString(), "--k", k2.toString(), "--v", k2.toString()},
            {"no such file", "--q", dir.resolve("missing.npy").toString(), "--k", k2.toString(), "--v", k2.toString()},
            {"missing input", "--q", q},
            {"either --input", "--input", "x.safetensors", "--q", q},
            {"--kernel cuda", "--q", q, "--k", k2.toString(), "--v", k2.toString(), "--kernel", "cuda"},
            {"--window 3", "--q", q, "--k", k2.toString(), "--v", k2.toString(), "--window", "3"},
            {"--repeat 0", "--q", q, "--k", k2.toString(), "--v", k2.toString(), "--repeat", "0"}};
        for (String[] c : cases) {
            String[] args = new String[c.length + 2];
            args[0] = "run";
            System.arraycopy(c, 1, args, 1, c.length - 1);
            args[c.length] = "--out";
            args[c.length + 1] = out.toString();
            CliRun run = CliRun.of(args);
            assertEquals(2, run.exitCode(), c[0] + "\n" + run);
            assertTrue(run.err().contains(c[0]), c[0] + "\n" + run);
            assertFalse(run.err().contains("\tat "), run.toString());
            assertFalse(Files.exists(out), c[0]);
        }
        CliRun nothing = CliRun.of("run", "--q", q, "--k", k2.toString(), "--v", k2.toString());
        assertEquals(2, nothing.exitCode());
        assertTrue(nothing.err().contains("nothing to do"), nothing.toString());
    }
}
