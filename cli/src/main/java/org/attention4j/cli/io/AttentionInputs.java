package org.attention4j.cli.io;

import java.util.Arrays;
import org.attention4j.AttentionSpec;
import org.attention4j.cli.BadInputException;

/** Q, K and V read from files (or a request): checks that their shapes agree and derives the spec. */
public final class AttentionInputs {
    private AttentionInputs() {}

    /**
     * The spec of 4-D {@code q}, {@code k}, {@code v} in BSHD ({@code [B, L, H, D]}) or BHSD layout, with
     * the mask and scale options already set on {@code options}. Every disagreement names the input (by
     * the given names) and the expected value.
     */
    public static AttentionSpec spec(FloatArray q, FloatArray k, FloatArray v, boolean bhsd, String qName,
                                     String kName, String vName, AttentionSpec.Builder options) {
        for (Object[] t : new Object[][] {{qName, q}, {kName, k}, {vName, v}}) {
            FloatArray a = (FloatArray) t[1];
            if (a.rank() != 4) {
                throw new BadInputException(t[0] + ": shape " + a.shapeText() + " has " + a.rank() + " dimensions, "
                        + "expected 4: " + (bhsd ? "[B, H, L, D]" : "[B, L, H, D]"));
            }
        }
        if (!Arrays.equals(k.shape(), v.shape())) {
            throw new BadInputException(vName + ": shape " + v.shapeText() + " differs from " + kName + "'s "
                    + k.shapeText() + "; expected the same");
        }
        long[] qs = q.shape(), ks = k.shape();
        int seqAxis = bhsd ? 2 : 1, headAxis = bhsd ? 1 : 2;
        if (qs[0] != ks[0]) {
            throw new BadInputException(kName + ": batch " + ks[0] + ", expected " + qs[0] + " as in " + qName);
        }
        if (qs[3] != ks[3]) {
            throw new BadInputException(kName + ": head dimension " + ks[3] + ", expected " + qs[3] + " as in " + qName);
        }
        if (ks[headAxis] == 0 || qs[headAxis] % ks[headAxis] != 0) {
            throw new BadInputException(kName + ": " + ks[headAxis] + " key/value heads do not divide the "
                    + qs[headAxis] + " query heads of " + qName + " (layout " + (bhsd ? "bhsd" : "bshd") + ")");
        }
        try {
            return options.batch((int) qs[0]).queryLength((int) qs[seqAxis]).keyLength((int) ks[seqAxis])
                    .heads((int) qs[headAxis]).kvHeads((int) ks[headAxis]).headDim((int) qs[3]).build();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(qName + ": " + e.getMessage());
        }
    }
}
