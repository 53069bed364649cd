package org.attention4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The encoder against the float64 {@link ReferenceBert} on random weights of odd sizes. */
class BertEncoderTest {
    // hidden 24 = 3 heads of 8, an intermediate width that is no multiple of any vector length
    private static final BertConfig CONFIG = new BertConfig(50, 24, 2, 3, 37, 40, 2, 1e-12);
    private static final int[] LENGTHS = {1, 7, 17, 40, 2, 33};
    /** float32 through two layers against float64: 16 ulps of O(1) LayerNorm outputs. */
    private static final double TOLERANCE = 2e-5;

    @Test
    void hiddenStatesMatchTheFloat64Reference() throws Exception {
        MapWeightSource weights = MapWeightSource.random(CONFIG, 1);
        int[][] sequences = sequences(new SplittableRandom(2));
        int[] cu = offsets(sequences);
        int[] ids = concat(sequences, cu);
        float[] hidden = new float[cu[cu.length - 1] * CONFIG.hiddenSize()];
        try (BertEncoder encoder = BertEncoder.create(weights, CONFIG, 1)) {
            encoder.encode(ids, null, cu, hidden);
        }
        double worst = 0;
        for (int s = 0; s < sequences.length; s++) {
            double[][] expected = ReferenceBert.encode(weights, CONFIG, sequences[s]);
            for (int t = 0; t < expected.length; t++) {
                for (int j = 0; j < CONFIG.hiddenSize(); j++) {
                    worst = Math.max(worst, Math.abs(expected[t][j] - hidden[(cu[s] + t) * CONFIG.hiddenSize() + j]));
                }
            }
        }
        assertTrue(worst <= TOLERANCE, "worst |error| " + worst + " > " + TOLERANCE);
        assertTrue(worst > 0, "bit-exact against float64 is implausible: is the reference used?");
    }

    @Test
    void pooledVectorsMatchTheReferenceOnOneAndTwoThreads() throws Exception {
        MapWeightSource weights = MapWeightSource.random(CONFIG, 3);
        int[][] sequences = sequences(new SplittableRandom(4));
        int[] cu = offsets(sequences);
        int[] ids = concat(sequences, cu);
        int h = CONFIG.hiddenSize();
        for (Pooling pooling : Pooling.values()) {
            float[] one = new float[sequences.length * h], two = new float[one.length];
            try (BertEncoder a = BertEncoder.create(weights, CONFIG, 1);
                 BertEncoder b = BertEncoder.create(weights, CONFIG, 2)) {
                a.embed(ids, null, cu, pooling, true, one);
                b.embed(ids, null, cu, pooling, true, two);
            }
            // bitwise once compiled; the first calls of a JVM run the Vector API's interpreted fallback, whose
            // lane sums may differ in the last bit (2.5e-7 seen), so a cold pair is compared to 1e-6
            assertArrayEquals(one, two, 1e-6f, pooling + ": 1 and 2 threads");
            for (int s = 0; s < sequences.length; s++) {
                double[][] states = ReferenceBert.encode(weights, CONFIG, sequences[s]);
                double[] v = new double[h];
                int rows = pooling == Pooling.CLS ? 1 : states.length;
                double norm = 0;
                for (int j = 0; j < h; j++) {
                    for (int t = 0; t < rows; t++) {
                        v[j] += states[t][j] / rows;
                    }
                    norm += v[j] * v[j];
                }
                for (int j = 0; j < h; j++) {
                    assertEquals(v[j] / Math.sqrt(norm), one[s * h + j], TOLERANCE, pooling + " sequence " + s + "[" + j + "]");
                }
            }
        }
    }

    @Test
    void badCallsNameTheArgumentAndWriteNothing() throws Exception {
        try (BertEncoder encoder = BertEncoder.create(MapWeightSource.random(CONFIG, 5), CONFIG, 1)) {
            float[] out = new float[4 * CONFIG.hiddenSize()];
            assertMessage(() -> encoder.encode(new int[] {1, 50}, null, new int[] {0, 2}, out), "tokenIds[1] = 50");
            assertMessage(() -> encoder.encode(new int[] {1, 2}, new int[] {0, 2}, new int[] {0, 2}, out), "tokenTypes[1] = 2");
            assertMessage(() -> encoder.encode(new int[41], null, new int[] {0, 41}, new float[41 * 24]), "maxPositions");
            assertMessage(() -> encoder.encode(new int[2], null, new int[] {1, 2}, out), "cuSeqlens[0] = 1");
            assertMessage(() -> encoder.encode(new int[2], null, new int[] {0, 2, 1}, out), "cuSeqlens[2] = 1");
            assertMessage(() -> encoder.encode(new int[5], null, new int[] {0, 5}, out), "hidden.length = 96");
            assertMessage(() -> encoder.embed(new int[2], null, new int[] {0, 0, 2}, Pooling.MEAN, true, out),
                    "sequence 0 is empty");
            for (float f : out) {
                assertEquals(0, f);
            }
        }
    }

    @Test
    void weightsThatDoNotFitTheConfigAreRefusedByName() {
        MapWeightSource missing = MapWeightSource.random(CONFIG, 6);
        missing.data.remove("encoder.layer.1.output.dense.bias");
        missing.shapes.remove("encoder.layer.1.output.dense.bias");
        assertMessage(() -> BertEncoder.create(missing, CONFIG, 1), "no tensor 'encoder.layer.1.output.dense.bias'");
        MapWeightSource wide = MapWeightSource.random(new BertConfig(50, 24, 2, 3, 38, 40, 2, 1e-12), 7);
        assertMessage(() -> BertEncoder.create(wide, CONFIG, 1),
                "tensor 'encoder.layer.0.intermediate.dense.weight' has shape [38, 24]: expected [37, 24]");
        MapWeightSource deeper = MapWeightSource.random(new BertConfig(50, 24, 3, 3, 37, 40, 2, 1e-12), 8);
        assertMessage(() -> BertEncoder.create(deeper, CONFIG, 1), "found encoder.layer.2");
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertMessage(Call call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    private static int[][] sequences(SplittableRandom random) {
        int[][] s = new int[LENGTHS.length][];
        for (int i = 0; i < s.length; i++) {
            s[i] = random.ints(LENGTHS[i], 0, CONFIG.vocabSize()).toArray();
        }
        return s;
    }

    private static int[] offsets(int[][] sequences) {
        int[] cu = new int[sequences.length + 1];
        for (int i = 0; i < sequences.length; i++) {
            cu[i + 1] = cu[i] + sequences[i].length;
        }
        return cu;
    }

    private static int[] concat(int[][] sequences, int[] cu) {
        int[] ids = new int[cu[cu.length - 1]];
        for (int i = 0; i < sequences.length; i++) {
            System.arraycopy(sequences[i], 0, ids, cu[i], sequences[i].length);
        }
        return ids;
    }
}
