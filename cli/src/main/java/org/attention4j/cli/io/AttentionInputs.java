package org.attention4j.cli.io;

import java.util.Arrays;
import org.attention4j.AttentionSpec;
import org.attention4j.cli.BadInputException;

/** Q, K and V read from files (or a request): checks that their shapes agree and derives the spec. */
public final class AttentionInputs {
    private AttentionInputs() {}

    /**
     * The spec of 4-D {@code q}, {@code k}, {@code v} in BSHD ({@code [B, L, H, D]}) or BHSD layout, with
     * the mask and scale options already set on {@code options}. V has K's shape but for its head size,
     * which becomes the spec's value head size (the output's). Every disagreement names the input (by the
     * given names) and the expected value.
     */
    public static AttentionSpec spec(FloatArray q, FloatArray k, FloatArray v, boolean bhsd, String qName,
                                     String kName, String vName, AttentionSpec.Builder options) {
        return spec(q.shape(), k.shape(), v.shape(), bhsd, qName, kName, vName, options);
    }

    /** The same from the shapes alone (K and V of any element type). */
    public static AttentionSpec spec(long[] qs, long[] ks, long[] vs, boolean bhsd, String qName, String kName,
                                     String vName, AttentionSpec.Builder options) {
        for (Object[] t : new Object[][] {{qName, qs}, {kName, ks}, {vName, vs}}) {
            long[] shape = (long[]) t[1];
            if (shape.length != 4) {
                throw new BadInputException(t[0] + ": shape " + Arrays.toString(shape) + " has " + shape.length
                        + " dimensions, expected 4: " + (bhsd ? "[B, H, L, D]" : "[B, L, H, D]"));
            }
        }
        int seqAxis = bhsd ? 2 : 1, headAxis = bhsd ? 1 : 2;
        for (int axis = 0; axis < 3; axis++) { // V has K's shape but for its head size (the last axis)
            if (vs[axis] != ks[axis]) {
                String what = axis == 0 ? "batch" : axis == seqAxis ? "sequence length" : "key/value heads";
                throw new BadInputException(vName + ": shape " + Arrays.toString(vs) + " differs from " + kName + "'s "
                        + Arrays.toString(ks) + " in its " + what + " (" + vs[axis] + ", expected " + ks[axis]
                        + "); expected the same but for the head size");
            }
        }
        if (vs[3] < 1 || vs[3] > AttentionSpec.MAX_HEAD_DIM) {
            throw new BadInputException(vName + ": value head size " + vs[3] + ", expected 1.."
                    + AttentionSpec.MAX_HEAD_DIM);
        }
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
                    .heads((int) qs[headAxis]).kvHeads((int) ks[headAxis]).headDim((int) qs[3])
                    .valueHeadDim((int) vs[3]).build();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(qName + ": " + e.getMessage());
        }
    }
}
