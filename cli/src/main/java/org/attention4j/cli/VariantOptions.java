package org.attention4j.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.attention4j.AttentionMask;
import org.attention4j.AttentionSpec;
import org.attention4j.BlockSparseLayout;
import org.attention4j.cli.io.FloatArray;
import org.attention4j.cli.io.Npy;
import picocli.CommandLine.Option;

/**
 * The attention variants shared by {@code run}, {@code profile} and {@code heatmap}: soft-capping, ALiBi,
 * block-sparse patterns and masks read from .npy files (docs/CLI.md). Used as a picocli mixin.
 */
public final class VariantOptions {
    @Option(names = "--softcap", paramLabel = "C", description = "Logit soft-capping C·tanh(s/C) (Gemma 2); C > 0.")
    Float softcap;

    @Option(names = "--alibi", description = "ALiBi with the standard geometric slopes per head.")
    boolean alibi;

    @Option(names = "--block-sparse", paramLabel = "PATTERN", description = "longformer:block=B,band=W[,global=G] or "
            + "bigbird:block=B,band=W[,global=G][,random=R][,seed=S] (blocks of B tokens; see docs/CLI.md).")
    String blockSparse;

    @Option(names = "--key-padding", paramLabel = "FILE.npy|FRACTION", description = "Key-padding mask [B, Lk], "
            + "nonzero = padded key (any dtype); or a fraction in [0, 1): that share of each item's"
            + " last keys is padding.")
    String keyPadding;

    @Option(names = "--mask", paramLabel = "FILE.npy", description = "Mask [B|1, H|1, Lq, Lk]: bool (true = may attend)"
            + " or float (added to the scaled scores, -inf hides).")
    Path mask;

    /** True when any option is set. */
    public boolean any() {
        return softcap != null || alibi || blockSparse != null || keyPadding != null || mask != null;
    }

    /** A short description for reports, e.g. {@code "softcap 30, alibi"}; empty when nothing is set. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (softcap != null) s.append("softcap ").append(softcap).append(", ");
        if (alibi) s.append("alibi, ");
        if (blockSparse != null) s.append(blockSparse).append(", ");
        if (keyPadding != null) s.append("key padding ").append(keyPadding).append(", ");
        if (mask != null) s.append("mask ").append(mask.getFileName()).append(", ");
        return s.isEmpty() ? "" : s.substring(0, s.length() - 2);
    }

    /** {@code spec} with the spec-level options (soft-cap, ALiBi, block-sparse layout) set. */
    public AttentionSpec apply(AttentionSpec spec) {
        AttentionSpec.Builder b = spec.toBuilder();
        applyScoreOptions(b, spec.heads());
        if (blockSparse != null) {
            try {
                b.blockSparse(BlockSparseLayout.parse(blockSparse, spec.heads(), spec.queryLength(), spec.keyLength()));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--block-sparse: " + e.getMessage());
            }
        }
        return b.build();
    }

    /** Sets soft-capping and ALiBi (the options that do not depend on the lengths) on {@code b}. */
    public void applyScoreOptions(AttentionSpec.Builder b, int heads) {
        if (softcap != null) {
            if (!(softcap > 0) || softcap.isInfinite()) {
                throw new BadInputException("--softcap " + softcap + ": expected a finite number > 0");
            }
            b.softcap(softcap);
        }
        if (alibi) {
            b.alibiSlopes(AttentionSpec.standardAlibiSlopes(heads));
        }
    }

    /** The call's masks for {@code spec}, read from the files (checked against the spec), or null. */
    public AttentionMask mask(AttentionSpec spec) {
        AttentionMask result = null;
        if (keyPadding != null) {
            result = keyPaddingMask(spec);
        }
        if (mask != null) {
            AttentionMask general = generalMask(spec);
            result = result == null ? general : result.and(general);
        }
        if (result != null) {
            try {
                result.checkFits(spec);
            } catch (IllegalArgumentException e) {
                throw new BadInputException((mask != null ? "--mask " + mask : "--key-padding " + keyPadding) + ": "
                        + e.getMessage());
            }
        }
        return result;
    }

    private AttentionMask keyPaddingMask(AttentionSpec spec) {
        Double fraction = fraction(keyPadding);
        if (fraction != null) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new BadInputException("--key-padding " + keyPadding + ": expected a fraction in [0, 1) or a .npy file");
            }
            int real = (int) Math.round(spec.keyLength() * (1 - fraction));
            int[] lengths = new int[spec.batch()];
            Arrays.fill(lengths, real);
            return AttentionMask.keyLengths(lengths, spec.keyLength());
        }
        FloatArray a = Npy.read(Path.of(keyPadding));
        if (a.rank() != 2 || a.shape()[0] != spec.batch() || a.shape()[1] != spec.keyLength()) {
            throw new BadInputException("--key-padding " + keyPadding + ": shape " + a.shapeText() + ", expected ["
                    + spec.batch() + ", " + spec.keyLength() + "] (batch, keyLength)");
        }
        boolean[] padded = new boolean[a.data().length];
        for (int i = 0; i < padded.length; i++) {
            padded[i] = a.data()[i] != 0;
        }
        return AttentionMask.keyPadding(padded, spec.batch(), spec.keyLength());
    }

    private AttentionMask generalMask(AttentionSpec spec) {
        FloatArray a = Npy.read(mask);
        long[] s = a.shape();
        if (a.rank() != 4) {
            throw new BadInputException("--mask " + mask + ": shape " + a.shapeText() + " has " + a.rank()
                    + " dimensions, expected 4: [B|1, H|1, Lq, Lk] = [" + spec.batch() + "|1, " + spec.heads() + "|1, "
                    + spec.queryLength() + ", " + spec.keyLength() + "]");
        }
        int mb = (int) s[0], mh = (int) s[1], lq = (int) s[2], lk = (int) s[3];
        try {
            if (Npy.dtype(mask).equals("|b1")) {
                boolean[] allowed = new boolean[a.data().length];
                for (int i = 0; i < allowed.length; i++) {
                    allowed[i] = a.data()[i] != 0;
                }
                return AttentionMask.allowed(allowed, mb, mh, lq, lk);
            }
            return AttentionMask.additive(a.data(), mb, mh, lq, lk);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--mask " + mask + ": " + e.getMessage());
        }
    }

    /** The number in {@code text} when it is one (profile's synthetic padding), else null (a file name). */
    private static Double fraction(String text) {
        try {
            return Double.valueOf(text.strip().toLowerCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
