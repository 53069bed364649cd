package org.attention4j.cli;

import static org.attention4j.cli.io.TestFiles.bfloat16;
import static org.attention4j.cli.io.TestFiles.bytes;
import static org.attention4j.cli.io.TestFiles.float16;
import static org.attention4j.cli.io.TestFiles.random;
import static org.attention4j.cli.io.TestFiles.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attention4j.AttentionEngine;
import org.attention4j.AttentionSpec;
import org.attention4j.ElementType;
import org.attention4j.Tensor;
import org.attention4j.cli.io.FloatArray;
import org.attention4j.cli.io.Npy;
import org.attention4j.cli.io.TestFiles;
import org.attention4j.cli.io.TestFiles.Stored;
import org.attention4j.kernel.Widening;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} with keys and values in float16, bfloat16 or int8 files, and {@code --kv-dtype}: the output
 * against the engine's own float32 run on the widened (or dequantized) values, which the test widens by
 * itself from the bits it wrote. A file read as the wrong type, or K/V converted otherwise than the
 * engine's {@code Widening.convert}, misses by far more than the 1e-5 allowed.
 */
class RunKvDtypeTest {
    @TempDir
    Path dir;

    // GQA, query and key lengths that differ, V with a head size of its own, in either layout (BSHD: Lq 12, H 10,
    // Lk 6, Hkv 5; BHSD: H 12, Lq 10, Hkv 6, Lk 5)
    private static final long[] Q = {2, 12, 10, 16}, K = {2, 6, 5, 16}, V = {2, 6, 5, 12};
    private static final int QN = 2 * 12 * 10 * 16, KN = 2 * 6 * 5 * 16, VN = 2 * 6 * 5 * 12;

    /** The engine's float32 output for float32 q, k, v of these shapes in the layout. */
    private static float[] engine(float[] q, float[] k, float[] v, boolean bhsd, boolean causal) {
        int seqAxis = bhsd ? 2 : 1, headAxis = bhsd ? 1 : 2;
        int lq = (int) Q[seqAxis], lk = (int) K[seqAxis], h = (int) Q[headAxis], hkv = (int) K[headAxis];
        AttentionSpec spec = AttentionSpec.builder().batch((int) Q[0]).queryLength(lq).keyLength(lk).heads(h)
                .kvHeads(hkv).headDim((int) Q[3]).valueHeadDim((int) V[3]).causal(causal).build();
        float[] out = new float[(int) (Q[0] * Q[1] * Q[2] * V[3])];
        try (AttentionEngine e = AttentionEngine.builder().threads(2).build()) {
            e.forward(spec, view(q, lq, h, (int) Q[3], bhsd), view(k, lk, hkv, (int) K[3], bhsd),
                    view(v, lk, hkv, (int) V[3], bhsd), view(out, lq, h, (int) V[3], bhsd));
        }
        return out;
    }

    private static Tensor view(float[] data, int seq, int heads, int dim, boolean bhsd) {
        return bhsd ? Tensor.bhsd(data, seq, heads, dim) : Tensor.bshd(data, seq, heads, dim);
    }

    /** The worst |o − e| / max(1, |e|). */
    private static double worst(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
        }
        return worst;
    }

    private static void assertClose(float[] expected, Path out, String what) {
        FloatArray o = Npy.read(out);
        assertArrayEquals(new long[] {Q[0], Q[1], Q[2], V[3]}, o.shape(), what);
        double error = worst(expected, o.data());
        assertTrue(error <= 1e-5, what + ": worst relative error " + error);
    }

    private static float[] widenFloat16(short[] bits) {
        float[] x = new float[bits.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.float16ToFloat(bits[i]);
        }
        return x;
    }

    private static float[] widenBfloat16(short[] bits) {
        float[] x = new float[bits.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat(bits[i] << 16);
        }
        return x;
    }

    /** int8 times the scale of its row (rows of {@code dim}). */
    private static float[] dequantize(byte[] data, float[] scales, int dim) {
        float[] x = new float[data.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = data[i] * scales[i / dim];
        }
        return x;
    }

    /** {@code x} (C order, rows of {@code shape[3]}) stored as {@code type} by the engine, read back as float32. */
    private static float[] storedAs(float[] x, long[] shape, ElementType type) {
        int b = (int) shape[0], s = (int) shape[1], h = (int) shape[2], d = (int) shape[3];
        Tensor t = Widening.convert("x", Tensor.bshd(x, s, h, d), b, s, h, d, type, false);
        float[] back = new float[x.length];
        for (int i = 0; i < back.length; i++) {
            back[i] = t.get(i / (s * h * d), i / (h * d) % s, i / d % h, i % d);
        }
        return back;
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void npyFloat16KeysAndValuesAreComputedOnAsStored() throws IOException {
        float[] q = random(QN, 1, 1);
        short[] k = float16(random(KN, 2, 2)), v = float16(random(VN, 3, 2));
        Path qf = TestFiles.npy(dir.resolve("q.npy"), "<f4", Q, bytes(q));
        Path kf = TestFiles.npy(dir.resolve("k.npy"), "<f2", K, bytes(k));
        Path vf = TestFiles.npy(dir.resolve("v.npy"), "<f2", V, bytes(v));
        Path out = dir.resolve("o.npy");
        for (String layout : new String[] {"bshd", "bhsd"}) {
            float[] expected = engine(q, widenFloat16(k), widenFloat16(v), layout.equals("bhsd"), true);
            for (String kernel : new String[] {"flash", "scalar", "reference"}) {
                CliRun r = run("--q", qf.toString(), "--k", kf.toString(), "--v", vf.toString(), "--causal",
                        "--layout", layout, "--kernel", kernel, "--out", out.toString());
                assertEquals(0, r.exitCode(), r.toString());
                assertClose(expected, out, layout + " " + kernel);
            }
        }
        // a float16 Q is widened on load: the same output as its float32 twin
        short[] q16 = float16(q);
        Path q16f = TestFiles.npy(dir.resolve("q16.npy"), "<f2", Q, bytes(q16));
        CliRun r = run("--q", q16f.toString(), "--k", kf.toString(), "--v", vf.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertClose(engine(widenFloat16(q16), widenFloat16(k), widenFloat16(v), false, false), out, "float16 Q");
    }

    @Test
    void safetensorsF16Bf16AndI8WithScales() throws IOException {
        float[] q = random(QN, 4, 1);
        short[] k16 = float16(random(KN, 5, 2)), vb16 = bfloat16(random(VN, 6, 2));
        Path mixed = TestFiles.safetensors(dir.resolve("mixed.safetensors"), new Stored("q", "F32", Q, bytes(q)),
                new Stored("k", "F16", K, bytes(k16)), new Stored("v", "BF16", V, bytes(vb16)));
        Path out = dir.resolve("o.npy");
        CliRun r = run("--input", mixed.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertClose(engine(q, widenFloat16(k16), widenBfloat16(vb16), false, false), out, "F16 K, BF16 V");

        short[] q16 = float16(q);
        byte[] k8 = randomBytes(KN, 7), v8 = randomBytes(VN, 8);
        float[] kScale = random(KN / 16, 9, 0.02f), vScale = random(VN / 12, 10, 0.02f);
        Path int8 = TestFiles.safetensors(dir.resolve("int8.safetensors"), new Stored("q", "F16", Q, bytes(q16)),
                new Stored("k", "I8", K, k8), new Stored("k_scale", "F32", new long[] {2, 6, 5}, bytes(kScale)),
                new Stored("v", "I8", V, v8), new Stored("v_scale", "F32", new long[] {2, 6, 5, 1}, bytes(vScale)));
        for (String layout : new String[] {"bshd", "bhsd"}) {
            r = run("--input", int8.toString(), "--layout", layout, "--causal", "--out", out.toString());
            assertEquals(0, r.exitCode(), r.toString());
            assertClose(engine(widenFloat16(q16), dequantize(k8, kScale, 16), dequantize(v8, vScale, 12),
                    layout.equals("bhsd"), true), out, "I8 K/V " + layout);
        }
    }

    @Test
    void kvDtypeConvertsAfterLoadingAsTheEngineConverts() throws IOException {
        float[] q = random(QN, 11, 1), k = random(KN, 12, 2), v = random(VN, 13, 2);
        Path qf = TestFiles.npy(dir.resolve("q.npy"), "<f4", Q, bytes(q));
        Path kf = TestFiles.npy(dir.resolve("k.npy"), "<f4", K, bytes(k));
        Path vf = TestFiles.npy(dir.resolve("v.npy"), "<f4", V, bytes(v));
        Path out = dir.resolve("o.npy");
        float[] fp32 = engine(q, k, v, false, true);
        for (ElementType type : new ElementType[] {ElementType.BFLOAT16, ElementType.FLOAT16, ElementType.INT8}) {
            String name = KvDtype.name(type);
            float[] expected = engine(q, storedAs(k, K, type), storedAs(v, V, type), false, true);
            assertTrue(worst(fp32, expected) > 1e-4, name + ": the test must tell the type from float32");
            CliRun r = run("--q", qf.toString(), "--k", kf.toString(), "--v", vf.toString(), "--causal",
                    "--kv-dtype", name, "--out", out.toString());
            assertEquals(0, r.exitCode(), r.toString());
            assertClose(expected, out, "--kv-dtype " + name);
        }
        CliRun r = run("--q", qf.toString(), "--k", kf.toString(), "--v", vf.toString(), "--causal", "--kv-dtype",
                "fp32", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertClose(fp32, out, "--kv-dtype fp32");

        // Typed files and another --kv-dtype: through float32, as their float32 twins would be converted
        short[] kb = bfloat16(k), vb = bfloat16(v);
        Path typed = TestFiles.safetensors(dir.resolve("bf16.safetensors"), new Stored("q", "F32", Q, bytes(q)),
                new Stored("k", "BF16", K, bytes(kb)), new Stored("v", "BF16", V, bytes(vb)));
        r = run("--input", typed.toString(), "--kv-dtype", "int8", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertClose(engine(q, storedAs(widenBfloat16(kb), K, ElementType.INT8),
                storedAs(widenBfloat16(vb), V, ElementType.INT8), false, false), out, "BF16 file, --kv-dtype int8");
        r = run("--input", typed.toString(), "--kv-dtype", "fp32", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertClose(engine(q, widenBfloat16(kb), widenBfloat16(vb), false, false), out, "BF16 file, --kv-dtype fp32");
    }

    @Test
    void badTypesExitTwoNameTheArgumentAndWriteNothing() throws IOException {
        float[] k = random(KN, 12, 2);
        k[40] = 70000f; // beyond float16: row 2, element 8
        Path q = TestFiles.npy(dir.resolve("q.npy"), "<f4", Q, bytes(random(QN, 11, 1)));
        Path kBig = TestFiles.npy(dir.resolve("kbig.npy"), "<f4", K, bytes(k));
        Path v = TestFiles.npy(dir.resolve("v.npy"), "<f4", V, bytes(random(VN, 13, 2)));
        Path q8 = TestFiles.npy(dir.resolve("q8.npy"), "|i1", Q, new byte[QN]);
        Stored sq = new Stored("q", "F32", Q, bytes(random(QN, 1, 1))), sv = new Stored("v", "F32", V, new byte[VN * 4]);
        Stored k8 = new Stored("k", "I8", K, new byte[KN]);
        Path noScale = TestFiles.safetensors(dir.resolve("noscale.safetensors"), sq, k8, sv);
        Path intQ = TestFiles.safetensors(dir.resolve("intq.safetensors"), new Stored("q", "I8", Q, new byte[QN]),
                new Stored("k", "F32", K, new byte[KN * 4]), sv);
        Path out = dir.resolve("never.npy"), lse = dir.resolve("never-lse.npy");
        String[][] cases = {
            {"--kv-dtype fp64: expected fp32, bf16, fp16 or int8", "--q", q.toString(), "--k", kBig.toString(), "--v",
                v.toString(), "--kv-dtype", "fp64"},
            {kBig + " (--kv-dtype fp16): element 8 of a row is 70000.0: beyond float16's range ±65504", "--q",
                q.toString(), "--k", kBig.toString(), "--v", v.toString(), "--kv-dtype", "fp16"},
            {"tensor 'k': dtype I8 needs its scales: a tensor 'k_scale' of shape [2, 6, 5]", "--input",
                noScale.toString()},
            {"tensor 'k': dtype I8 needs its scales", "--input", noScale.toString(), "--kv-dtype", "fp32"},
            {"tensor 'q': dtype I8: expected F32, F64, F16 or BF16", "--input", intQ.toString()},
            {q8 + ": dtype '|i1': expected a float tensor", "--q", q8.toString(), "--k", kBig.toString(), "--v",
                v.toString()}};
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of(c).subList(1, c.length));
            args.addAll(List.of("--out", out.toString(), "--lse", lse.toString()));
            CliRun r = run(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), c[0] + "\n" + r);
            assertTrue(r.err().startsWith("attention4j run: "), r.toString());
            assertTrue(r.err().contains(c[0]), c[0] + "\n" + r);
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
            assertFalse(Files.exists(out) || Files.exists(lse), c[0]);
        }
        // bf16 keeps float32's range: the same file is fine there
        CliRun r = run("--q", q.toString(), "--k", kBig.toString(), "--v", v.toString(), "--kv-dtype", "bf16",
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
    }
}
