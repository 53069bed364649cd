#!/usr/bin/env python3
"""Writes engine/.../kernel/panama/MicroKernels.java: the micro-kernel family, every shape from one template.

Usage: python3 scripts/gen-micro-kernels.py   (then build and A/B: the JIT is sensitive here; see docs/PERFORMANCE.md)
"""
import os

def tile(R, V):
    L=[]
    cols = ['0','1'] if V==2 else ['']
    def acc(i,j): return f"c{i}{j}" if V==2 else f"c{i}"
    name=f"tile{R}x{V}"
    L.append(f"    static void {name}(float[] a, int aFirst, int aRowStride, int depth, float[] b, int bFirst, float[] c,")
    L.append(f"                         int cFirst, int cRowStride, float[] scale, int scaleFirst, boolean load) {{")
    for i in range(R):
        L.append(f"        int r{i} = cFirst + {i} * cRowStride;" if i else f"        int r0 = cFirst;")
    decl=", ".join(acc(i,j) for i in range(R) for j in cols)
    L.append(f"        FloatVector {decl};")
    off=lambda j: "" if j in ('','0') else " + LANES"
    L.append("        if (scale != null) {")
    if V==2:
        L.append("            FloatVector s0 = FloatVector.fromArray(SPECIES, scale, scaleFirst);")
        L.append("            FloatVector s1 = FloatVector.fromArray(SPECIES, scale, scaleFirst + LANES);")
    else:
        L.append("            FloatVector s0 = FloatVector.fromArray(SPECIES, scale, scaleFirst);")
    for i in range(R):
        parts=[f"{acc(i,j)} = FloatVector.fromArray(SPECIES, c, r{i}{off(j)}).mul(s{j if j else '0'});" for j in cols]
        L.append("            "+" ".join(parts))
    L.append("        } else if (load) {")
    for i in range(R):
        parts=[f"{acc(i,j)} = FloatVector.fromArray(SPECIES, c, r{i}{off(j)});" for j in cols]
        L.append("            "+" ".join(parts))
    L.append("        } else {")
    L.append("            FloatVector zero = FloatVector.zero(SPECIES);")
    for i in range(R):
        L.append("            "+" ".join(f"{acc(i,j)} = zero;" for j in cols))
    L.append("        }")
    for i in range(R):
        L.append(f"        int a{i} = aFirst + {i} * aRowStride;" if i else "        int a0 = aFirst;")
    L.append("        for (int k = 0, bk = bFirst; k < depth; k++, bk += TILE_WIDTH) {")
    if V==2:
        L.append("            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk), b1 = FloatVector.fromArray(SPECIES, b, bk + LANES);")
        L.append("            FloatVector x;")
        for i in range(R):
            L.append(f"            x = FloatVector.broadcast(SPECIES, a[a{i} + k]);")
            L.append(f"            c{i}0 = b0.fma(x, c{i}0); c{i}1 = b1.fma(x, c{i}1);")
    else:
        L.append("            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk);")
        for i in range(R):
            L.append(f"            c{i} = b0.fma(FloatVector.broadcast(SPECIES, a[a{i} + k]), c{i});")
    L.append("        }")
    for i in range(R):
        L.append("        "+" ".join(f"{acc(i,j)}.intoArray(c, r{i}{off(j)});" for j in cols))
    L.append("    }")
    return "\n".join(L)

def gemm_tile(R):
    """The GEMM's R × 2 tile: A rows a compile-time constant (GEMM_DEPTH_BLOCK) apart, so one index
    addresses all R broadcasts (the row offsets fold into the addressing mode) and no scale."""
    L=[]
    L.append(f"    static void gemmTile{R}x2(float[] a, int aFirst, int depth, float[] b, int bFirst, float[] c, int cFirst,")
    L.append(f"                            int cRowStride, boolean load) {{")
    # C's row offsets are written out where used, not held in locals across the loop: 12 of them plus the
    # loop's indices overflowed the general registers and the tile ran at ~50 % of the peak (Zen 5).
    row = lambda i: "cFirst" if i == 0 else f"cFirst + {i} * cRowStride"
    decl=", ".join(f"c{i}{j}" for i in range(R) for j in '01')
    L.append(f"        FloatVector {decl};")
    L.append("        FloatVector zero = FloatVector.zero(SPECIES);")
    for i in range(R):
        L.append(f"        c{i}0 = zero; c{i}1 = zero;")
    L.append("        for (int k = 0, ak = aFirst, bk = bFirst; k < depth; k++, ak++, bk += TILE_WIDTH) {")
    L.append("            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bk), b1 = FloatVector.fromArray(SPECIES, b, bk + LANES);")
    L.append("            FloatVector x;")
    for i in range(R):
        idx = "ak" if i == 0 else f"ak + {i} * GEMM_DEPTH_BLOCK"
        L.append(f"            x = FloatVector.broadcast(SPECIES, a[{idx}]);")
        L.append(f"            c{i}0 = b0.fma(x, c{i}0); c{i}1 = b1.fma(x, c{i}1);")
    L.append("        }")
    # A later depth block's sums are added to C after the loop: loading C into the accumulators before it
    # (a second way into the loop) ran the tile at ~60 % of the peak instead of ~95 % (Zen 5).
    L.append("        if (load) {")
    for i in range(R):
        L.append(f"            c{i}0 = c{i}0.add(FloatVector.fromArray(SPECIES, c, {row(i)})); c{i}1 = c{i}1.add(FloatVector.fromArray(SPECIES, c, {row(i)} + LANES));")
    L.append("        }")
    for i in range(R):
        L.append(f"        c{i}0.intoArray(c, {row(i)}); c{i}1.intoArray(c, {row(i)} + LANES);")
    L.append("    }")
    return "\n".join(L)

gemm_doc = {
 12: "/**\n     * The GEMM's 12 rows × 2 vectors (24 accumulators + 2 loads + 1 broadcast of 32 vector registers), A's rows\n     * GEMM_DEPTH_BLOCK apart: {@code c(i) = Σ_k a·b(k)}, plus C's old value after the loop when {@code load}.\n     */",
}

doc = {
 (6,2): "/** 6 rows × 2 vectors: 12 accumulators + 2 loads + 1 broadcast live (16 vector registers). */",
 (8,2): "/** 8 rows × 2 vectors: 16 accumulators + 2 loads + 1 broadcast live (attention on 32 registers). */",
 (6,1): "/**\n     * 6 rows × 1 vector: 6 accumulators. As {@link #tile6x2} on one half of a panel ({@code b(k)}, {@code c(i)} and\n     * {@code scale} one vector each): for the edge keys of a band that only one half of a panel's rows sees.\n     */",
 (8,1): "/** 8 rows × 1 vector: as {@link #tile6x1} with 8 accumulators. */",
}
head = '''package org.attention4j.kernel.panama;

import static org.attention4j.kernel.panama.PanamaConstants.GEMM_DEPTH_BLOCK;
import static org.attention4j.kernel.panama.PanamaConstants.LANES;
import static org.attention4j.kernel.panama.PanamaConstants.SPECIES;
import static org.attention4j.kernel.panama.PanamaConstants.TILE_WIDTH;

import jdk.incubator.vector.FloatVector;

/**
 * The one micro-kernel family behind every product: attention's {@code S = K·Qᵀ} and {@code Oᵀ = Vᵀ·P}
 * and the GEMM's {@code C = A·B}. {@code tile{R}x{V}} keeps an R × V-vector block of C in registers over
 * the whole reduction:
 * <pre>
 *   c(i) = init(i) + Σ_{k < depth} a[aFirst + i·aRowStride + k] · b(k)          for i < R
 *   init(i) = c(i) · scale   (scale != null: the online softmax's rescaling of the accumulators)
 *           = c(i)           (load: a GEMM depth block after the first, AVX2's tile6x2)
 *           = 0              (otherwise)
 * </pre>
 * where {@code b(k)} is V vectors at {@code b[bFirst + k·TILE_WIDTH]} (one panel row: a packed key or
 * value panel, or a packed B panel of NR = TILE_WIDTH columns), {@code c(i)} is V vectors at
 * {@code c[cFirst + i·cRowStride]}, and {@code scale} is V vectors at {@code scale[scaleFirst]}. Each step
 * is R broadcasts, V loads and R·V FMAs; the sums of one element are one FMA chain in k order (gemmTile12x2:
 * one chain from zero per depth block, C's old value added after it).
 *
 * <p>Both indices inside the loop move by compile-time constants (1 and TILE_WIDTH): that is what lets
 * C2 hoist the bounds checks (a stride known only at run time kept them and cost ~25 %); the row strides
 * of A and C appear only outside it. The A rows are read with stride 1 each, never k-major: with the R
 * broadcasts reading adjacent floats (BLIS's packed-A layout) the GEMM ran at 30–40 % of the peak instead
 * of 90 %+ on Zen 3 / JDK 25 (likely C2's superword pass packing those scalar loads). The value product
 * ran at half the speed when its broadcasts came from the probabilities instead of the (transposed)
 * values. Unrolled by hand (accumulators in an array would live in memory, not registers) and generated
 * by scripts/gen-micro-kernels.py: edit the template there and rerun it, so every shape changes alike.
 *
 * <p>The GEMM's own tile on 32 registers, {@code gemmTile12x2}, reads A's 12 rows at a compile-time constant stride
 * ({@code GEMM_DEPTH_BLOCK}: the GEMM packs every depth block at that row stride, the last one too), so a
 * single index addresses all R broadcasts: with R run-time row offsets (12 on AVX-512) x86's 16 general
 * registers could not hold them and the loop indices together, and the same tile ran 6–20 % slower in
 * cache (Zen 5, AVX-512). It also keeps the GEMM's compiled code and profile apart from attention's. A
 * 6-row twin for 16 registers ran at half the speed of {@code tile6x2} under {@code -XX:UseAVX=2}
 * (Zen 5), so the GEMM on AVX2 calls {@code tile6x2} with the stride KC.
 *
 * <p>R: 6 with 16 vector registers (12 accumulators + 2 loads + 1 broadcast = 15; BLIS's sgemm shape on
 * Haswell and Zen; 3×4 spilled, 2×4 and 4×2 were 15–30 % slower on Zen 3); with 32 (AVX-512) 8 for
 * attention (its panels are 8 rows of the micro-tile) and 12 for the GEMM (24 + 3 = 27 registers).
 */
final class MicroKernels {
    private MicroKernels() {}
'''
body = "\n\n".join(["    "+doc[(R,V)]+"\n"+tile(R,V) for (R,V) in [(6,2),(8,2),(6,1),(8,1)]]
                   + ["    "+gemm_doc[R]+"\n"+gemm_tile(R) for R in (12,)])
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'engine/src/main/java/org/attention4j/kernel/panama/MicroKernels.java'), 'w').write(head+"\n"+body+"\n}\n")
