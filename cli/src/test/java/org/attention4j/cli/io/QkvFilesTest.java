package org.attention4j.cli.io;

import static org.attention4j.cli.io.TestFiles.bfloat16;
import static org.attention4j.cli.io.TestFiles.bytes;
import static org.attention4j.cli.io.TestFiles.float16;
import static org.attention4j.cli.io.TestFiles.random;
import static org.attention4j.cli.io.TestFiles.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.attention4j.ElementType;
import org.attention4j.Tensor;
import org.attention4j.cli.BadInputException;
import org.attention4j.cli.io.TestFiles.Stored;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code run} reads: K and V keep the file's element type bit for bit (not widened on load), int8
 * comes with its scales, Q is float32; and every file it must refuse, with the tensor named.
 */
class QkvFilesTest {
    @TempDir
    Path dir;

    private static final long[] Q = {1, 5, 4, 8}, K = {1, 6, 2, 8}, ROWS = {1, 6, 2};

    @Test
    void npyFloat16KeysAndValuesAreKeptAsStoredAndQueriesWidened() throws IOException {
        short[] q = float16(random(160, 1, 3)), k = float16(random(96, 2, 3));
        float[] v = random(96, 3, 1);
        QkvFiles files = QkvFiles.fromNpy(TestFiles.npy(dir.resolve("q.npy"), "<f2", Q, bytes(q)),
                TestFiles.npy(dir.resolve("k.npy"), "<f2", K, bytes(k)),
                TestFiles.npy(dir.resolve("v.npy"), "<f4", K, bytes(v)));
        assertEquals(ElementType.FLOAT16, files.k().type());
        assertArrayEquals(k, files.k().data().toArray(ValueLayout.JAVA_SHORT), "the bits of the file");
        assertEquals(ElementType.FLOAT32, files.v().type());
        assertArrayEquals(v, files.v().data().toArray(ValueLayout.JAVA_FLOAT));
        for (int i = 0; i < q.length; i++) {
            assertEquals(Float.float16ToFloat(q[i]), files.q().data()[i], "q widened exactly, element " + i);
        }
        // The view reads element (b, s, h, d) of [B, L, H, D] as the file's element there, widened.
        Tensor view = files.k().view(false);
        assertEquals(Float.float16ToFloat(k[(3 * 2 + 1) * 8 + 5]), view.get(0, 3, 1, 5));
        Tensor bhsd = files.k().view(true); // the same memory read as [B, H, L, D]: [1, 6, 2, 8] is H = 6, L = 2
        assertEquals(Float.float16ToFloat(k[(3 * 2 + 1) * 8 + 5]), bhsd.get(0, 1, 3, 5));
    }

    @Test
    void safetensorsKeepF16Bf16AndI8WithTheirScales() throws IOException {
        short[] q = bfloat16(random(160, 1, 3)), k = float16(random(96, 2, 3));
        byte[] v = randomBytes(96, 3);
        float[] vScale = random(12, 4, 0.01f);
        Path file = TestFiles.safetensors(dir.resolve("qkv.safetensors"),
                new Stored("q", "BF16", Q, bytes(q)),
                new Stored("k", "F16", K, bytes(k)),
                new Stored("v", "I8", K, v),
                new Stored("v_scale", "F32", new long[] {1, 6, 2, 1}, bytes(vScale))); // keepdim=True
        QkvFiles files = QkvFiles.fromSafetensors(file);
        assertEquals(ElementType.FLOAT16, files.k().type());
        assertArrayEquals(k, files.k().data().toArray(ValueLayout.JAVA_SHORT));
        assertEquals(ElementType.INT8, files.v().type());
        assertArrayEquals(v, files.v().data().toArray(ValueLayout.JAVA_BYTE));
        assertArrayEquals(vScale, files.v().scales());
        Tensor view = files.v().view(false);
        assertEquals(v[(4 * 2 + 1) * 8 + 7] * vScale[4 * 2 + 1], view.get(0, 4, 1, 7));
        assertEquals(v[(4 * 2 + 1) * 8 + 7] * vScale[4 * 2 + 1], files.v().widened().data()[(4 * 2 + 1) * 8 + 7]);
        Tensor bhsd = files.v().view(true); // [B, H, L, D]: the scale of (b, h = 4, l = 1) is still row 4·2 + 1
        assertEquals(v[(4 * 2 + 1) * 8 + 7] * vScale[4 * 2 + 1], bhsd.get(0, 1, 4, 7));
        assertEquals(Float.intBitsToFloat(q[77] << 16), files.q().data()[77], "q widened exactly");
    }

    @Test
    void bf16SafetensorsKeepTheirBitsAndConvertThroughFloat32() throws IOException {
        short[] k = bfloat16(random(96, 5, 3));
        Path file = TestFiles.safetensors(dir.resolve("b.safetensors"),
                new Stored("q", "F32", Q, bytes(random(160, 1, 1))), new Stored("k", "BF16", K, bytes(k)),
                new Stored("v", "BF16", K, bytes(k)));
        TypedArray stored = QkvFiles.fromSafetensors(file).k();
        assertEquals(ElementType.BFLOAT16, stored.type());
        assertArrayEquals(k, stored.data().toArray(ValueLayout.JAVA_SHORT));
        TypedArray int8 = stored.converted(ElementType.INT8, "k");
        float[] widened = stored.widened().data();
        for (int row = 0; row < 12; row++) {
            float max = 0;
            for (int d = 0; d < 8; d++) {
                max = Math.max(max, Math.abs(widened[row * 8 + d]));
            }
            assertEquals(max / 127, int8.scales()[row], "the scale of the bf16 values widened");
        }
        assertEquals(stored, stored.converted(ElementType.BFLOAT16, "k"), "no conversion to its own type");
    }

    private String refused(Stored... tensors) throws IOException {
        Path file = TestFiles.safetensors(dir.resolve("bad" + System.nanoTime() + ".safetensors"), tensors);
        BadInputException e = assertThrows(BadInputException.class, () -> QkvFiles.fromSafetensors(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void refusesWhatTheEngineCannotTakeNamingTheTensor() throws IOException {
        Stored q = new Stored("q", "F32", Q, new byte[160 * 4]), k = new Stored("k", "F32", K, new byte[96 * 4]);
        Stored k8 = new Stored("k", "I8", K, new byte[96]), v = new Stored("v", "F16", K, new byte[96 * 2]);
        String m = refused(q, k8, v);
        assertTrue(m.endsWith("tensor 'k': dtype I8 needs its scales: a tensor 'k_scale' of shape [1, 6, 2] (one "
                + "float32 scale per row, k = k_int8 · k_scale); the file has q, k, v"), m);
        m = refused(new Stored("q", "I8", Q, new byte[160]), k, v);
        assertTrue(m.endsWith("tensor 'q': dtype I8: expected F32, F64, F16 or BF16 (queries are float32; only k "
                + "and v may be I8, with k_scale and v_scale)"), m);
        m = refused(q, k8, v, new Stored("k_scale", "F32", new long[] {1, 6}, new byte[24]));
        assertTrue(m.endsWith("tensor 'k_scale': shape [1, 6], expected [1, 6, 2]: one scale per row of 'k' "
                + "[1, 6, 2, 8]"), m);
        m = refused(q, k, v, new Stored("v_scale", "F32", ROWS, new byte[48]));
        assertTrue(m.endsWith("tensor 'v_scale' is given but 'v' is F16: expected scales only with I8, or no "
                + "'v_scale'"), m);
        float[] nan = new float[12];
        nan[5] = Float.NaN;
        m = refused(q, k8, v, new Stored("k_scale", "F32", ROWS, bytes(nan)));
        assertTrue(m.endsWith("tensor 'k_scale': element 5 is NaN, expected finite scales"), m);
        m = refused(q, k8, v, new Stored("k_scale", "I8", ROWS, new byte[12]));
        assertTrue(m.endsWith("tensor 'k_scale': dtype I8: expected F32, F64, F16 or BF16"), m);
        m = refused(q, k, new Stored("v", "U8", K, new byte[96]));
        assertTrue(m.endsWith("tensor 'v': dtype U8: expected F32, F64, F16, BF16 or I8 (with 'v_scale')"), m);
        m = refused(q, k);
        assertTrue(m.contains("no tensor named 'v': expected one of q, k"), m);
        BadInputException missing = assertThrows(BadInputException.class,
                () -> QkvFiles.fromSafetensors(dir.resolve("none.safetensors")));
        assertTrue(missing.getMessage().endsWith("none.safetensors: no such file"), missing.getMessage());
    }

    @Test
    void npyIntegersAreNotAttentionInputs() throws IOException {
        Path k = TestFiles.npy(dir.resolve("k8.npy"), "|i1", K, new byte[96]);
        Path f = TestFiles.npy(dir.resolve("f.npy"), "<f4", K, new byte[96 * 4]);
        BadInputException e = assertThrows(BadInputException.class, () -> QkvFiles.fromNpy(f, k, f));
        assertTrue(e.getMessage().startsWith(k + ": dtype '|i1': expected a float tensor, '<f4', '<f8' or '<f2'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("k_scale/v_scale in a safetensors file"), e.getMessage());
        assertEquals(0f, Npy.read(k).data()[0], "masks and offsets may still be int8");
    }
}
