package org.attention4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.attention4j.kernel.Widening;
import org.junit.jupiter.api.Test;

/**
 * The error the storage type itself introduces (issue 22): attention over K and V stored as bfloat16,
 * float16 or int8 against the same call over the float32 K and V they were made from, on N(0,1) inputs
 * and on activations with outlier channels (a few head dims ×20, as large language models' keys have).
 * Prints the table docs/KV_CACHE.md quotes; the bounds fail on a broken conversion (a wrong rounding, a
 * scale per tensor instead of per row), not on the type's own rounding.
 */
class StorageErrorTest {
    private static final int B = 1, LQ = 64, LK = 2048, H = 8, HKV = 2, D = 128;

    @Test
    void errorOfEachStorageTypeAgainstFloat32() {
        System.out.println("StorageErrorTest: attention " + LQ + "x" + LK + ", H " + H + "/" + HKV + ", D " + D
                + "; max over (b, h) of max|O - O_fp32| / max|O_fp32|, and of max|K - K_fp32| / max|K_fp32|");
        System.out.println("| inputs | type | output error | stored K error |");
        System.out.println("|---|---|---|---|");
        for (boolean outliers : new boolean[] {false, true}) {
            SplittableRandom random = new SplittableRandom(outliers ? 2 : 1);
            float[] q = gaussian(random, B * LQ * H * D, false);
            float[] k = gaussian(random, B * LK * HKV * D, outliers);
            float[] v = gaussian(random, B * LK * HKV * D, outliers);
            AttentionSpec spec = AttentionSpec.builder().batch(B).queryLength(LQ).keyLength(LK).heads(H).kvHeads(HKV)
                    .headDim(D).causal(true).build();
            Tensor tq = Tensor.bshd(q, LQ, H, D), tk = Tensor.bshd(k, LK, HKV, D), tv = Tensor.bshd(v, LK, HKV, D);
            float[] exact = new float[B * LQ * H * D];
            try (AttentionEngine engine = AttentionEngine.create(2)) {
                engine.forward(spec, tq, tk, tv, Tensor.bshd(exact, LQ, H, D));
                for (ElementType type : new ElementType[] {ElementType.BFLOAT16, ElementType.FLOAT16, ElementType.INT8}) {
                    Tensor sk = Widening.convert("k", tk, B, LK, HKV, D, type, false);
                    Tensor sv = Widening.convert("v", tv, B, LK, HKV, D, type, false);
                    float[] got = new float[exact.length];
                    engine.forward(spec, tq, sk, sv, Tensor.bshd(got, LQ, H, D));
                    double outputError = worstRelative(exact, got, LQ, H);
                    double keyError = storedError(tk, sk);
                    System.out.printf("| %s | %s | %.2e | %.2e |%n", outliers ? "outlier channels" : "N(0,1)", type,
                            outputError, keyError);
                    // The type's own rounding is 2^-9 (bf16), 2^-12 (fp16) relative per element, max/254 (int8);
                    // outlier channels make the scores peaky, which magnifies it (the table): ~3× the
                    // measured error, so a conversion that rounds wrong or scales per tensor fails.
                    double bound = switch (type) {
                        case BFLOAT16 -> outliers ? 5e-2 : 1e-2;
                        case FLOAT16 -> outliers ? 6e-3 : 2e-3;
                        default -> outliers ? 3e-1 : 5e-2;
                    };
                    assertTrue(outputError < bound, type + " " + outputError);
                    assertTrue(outputError > 1e-7, type + ": stored exactly? the conversion did nothing");
                }
            }
        }
    }

    /** N(0,1); with outliers, head dims 3 and 77 of every row ×20. */
    private static float[] gaussian(SplittableRandom random, int n, boolean outliers) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
            if (outliers && (i % D == 3 || i % D == 77)) {
                x[i] *= 20;
            }
        }
        return x;
    }

    private static double worstRelative(float[] exact, float[] got, int rows, int heads) {
        double worst = 0;
        for (int h = 0; h < heads; h++) {
            double maxRef = 0, maxDiff = 0;
            for (int i = 0; i < rows; i++) {
                for (int d = 0; d < D; d++) {
                    int at = (i * heads + h) * D + d;
                    maxRef = Math.max(maxRef, Math.abs(exact[at]));
                    maxDiff = Math.max(maxDiff, Math.abs(exact[at] - got[at]));
                }
            }
            worst = Math.max(worst, maxDiff / maxRef);
        }
        return worst;
    }

    private static double storedError(Tensor exact, Tensor stored) {
        double maxRef = 0, maxDiff = 0;
        for (int s = 0; s < LK; s++) {
            for (int h = 0; h < HKV; h++) {
                for (int d = 0; d < D; d++) {
                    float e = exact.get(0, s, h, d);
                    maxRef = Math.max(maxRef, Math.abs(e));
                    maxDiff = Math.max(maxDiff, Math.abs(e - stored.get(0, s, h, d)));
                }
            }
        }
        return maxDiff / maxRef;
    }
}
