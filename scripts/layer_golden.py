#!/usr/bin/env python3
"""Golden files for the multi-head attention layer (issue #8): an independent float64 NumPy model.

Regenerates tests/src/test/resources/layer/*.safetensors, byte for byte, from a fixed seed:

    python3 scripts/layer_golden.py          # numpy >= 1.20; seed SEED = 8 below, one Generator per case

Each file is one case and holds, under Hugging Face names, the block's nn.Linear weights ([out, in],
as PyTorch stores them; biases where the model family has them), the input "x" ([n, d_model], float32),
for cross-attention "x_kv", and the expected output "y" ([n, d_model], float32, computed in float64
from exactly the stored values: F16/BF16 weights are decoded before use). The "__metadata__" strings
say how to run the case (heads, names preset, prefix, causal, rope base and position), so the Java
test (GoldenLayerTest) needs no table of its own.

The model, written from the formulas and sharing nothing with the Java code:
    Q = x Wq^T + bq,  K = x_kv Wk^T + bk,  V = x_kv Wv^T + bv
    RoPE (optional, Llama/HF rotate_half): pairs (i, i + D/2) rotated by pos * base^(-2i/D)
    O_h = softmax(Q_h K_g^T / sqrt(D) + causal mask) V_g,  g = h // (H / Hkv)
    y = [O_0 .. O_{H-1}] Wo^T + bo
"""
import json
import pathlib

import numpy as np

SEED = 8
D_MODEL = 64
OUT = pathlib.Path(__file__).resolve().parent.parent / "tests/src/test/resources/layer"

CASES = [
    # name, names preset, prefix, heads, kv heads, n_q, n_kv (None: self), causal, rope base, position, dtype
    ("bert_self", "bert", "encoder.layer.0.", 4, 4, 13, None, False, None, 0, "F32"),
    ("bert_cross", "bert", "", 4, 4, 11, 17, False, None, 0, "F32"),
    ("llama_gqa", "llama", "model.layers.0.", 4, 2, 15, None, True, None, 0, "F16"),
    ("llama_rope", "llama", "model.layers.1.", 4, 1, 12, None, True, 10000.0, 5, "BF16"),
]

NAMES = {
    "bert": ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"),
    "llama": ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"),
}


def to_bf16_bits(a):
    """float32 -> bfloat16 bit patterns, round to nearest even."""
    bits = np.asarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def stored(a, dtype):
    """(bytes as written, float64 values as decoded) of array a in dtype."""
    if dtype == "F32":
        s = a.astype("<f4")
        return s.tobytes(), s.astype(np.float64)
    if dtype == "F16":
        s = a.astype("<f2")
        return s.tobytes(), s.astype(np.float64)
    if dtype == "BF16":
        bits = to_bf16_bits(a).astype("<u2")
        return bits.tobytes(), (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    raise ValueError(dtype)


def rope(x, positions, base, dim):
    """x [n, heads*dim]; rotate_half pairing."""
    n = x.shape[0]
    xh = x.reshape(n, -1, dim)
    half = dim // 2
    theta = base ** (-2.0 * np.arange(half) / dim)
    angle = positions[:, None] * theta[None, :]
    cos, sin = np.cos(angle)[:, None, :], np.sin(angle)[:, None, :]
    x1, x2 = xh[..., :half], xh[..., half:]
    return np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], axis=-1).reshape(n, -1)


def attention(q, k, v, heads, kv_heads, dim, causal):
    lq, lk = q.shape[0], k.shape[0]
    out = np.zeros((lq, heads * dim))
    group = heads // kv_heads
    for h in range(heads):
        g = h // group
        s = q[:, h * dim:(h + 1) * dim] @ k[:, g * dim:(g + 1) * dim].T / np.sqrt(dim)
        if causal:  # bottom-right aligned: query i sees key j <= i + lk - lq
            visible = np.arange(lk)[None, :] <= np.arange(lq)[:, None] + (lk - lq)
            s = np.where(visible, s, -np.inf)
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        out[:, h * dim:(h + 1) * dim] = p @ v[:, g * dim:(g + 1) * dim]
    return out


def write_safetensors(path, tensors, metadata):
    """tensors: name -> (dtype, shape, bytes); sorted names, header padded with spaces to 8 bytes."""
    header = {"__metadata__": metadata}
    offset = 0
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for name in sorted(tensors):
            f.write(tensors[name][2])


def make_case(index, name, preset, prefix, heads, kv_heads, n_q, n_kv, causal, rope_base, position, dtype):
    rng = np.random.default_rng([SEED, index])
    dim = D_MODEL // heads
    with_bias = preset == "bert"
    tensors, decoded = {}, {}
    for module, out_features, in_features in zip(
            NAMES[preset], (heads * dim, kv_heads * dim, kv_heads * dim, D_MODEL),
            (D_MODEL, D_MODEL, D_MODEL, heads * dim)):
        w = rng.uniform(-1, 1, (out_features, in_features)) / np.sqrt(in_features)
        data, values = stored(w, dtype)
        tensors[prefix + module + ".weight"] = (dtype, w.shape, data)
        decoded[module + ".weight"] = values
        if with_bias:
            b = rng.uniform(-0.5, 0.5, out_features)
            data, values = stored(b, dtype)
            tensors[prefix + module + ".bias"] = (dtype, b.shape, data)
            decoded[module + ".bias"] = values
        else:
            decoded[module + ".bias"] = np.zeros(out_features)
    x = rng.standard_normal((n_q, D_MODEL)).astype(np.float32)
    x_kv = x if n_kv is None else rng.standard_normal((n_kv, D_MODEL)).astype(np.float32)

    def linear(module, inputs):
        return inputs.astype(np.float64) @ decoded[module + ".weight"].T + decoded[module + ".bias"]

    qn, kn, vn, on = NAMES[preset]
    q, k, v = linear(qn, x), linear(kn, x_kv), linear(vn, x_kv)
    if rope_base is not None:
        q = rope(q, position + np.arange(q.shape[0]), rope_base, dim)
        k = rope(k, position + np.arange(k.shape[0]), rope_base, dim)
    y = linear(on, attention(q, k, v, heads, kv_heads, dim, causal))

    tensors["x"] = ("F32", x.shape, x.astype("<f4").tobytes())
    if n_kv is not None:
        tensors["x_kv"] = ("F32", x_kv.shape, x_kv.astype("<f4").tobytes())
    tensors["y"] = ("F32", y.shape, y.astype("<f4").tobytes())
    metadata = {"heads": str(heads), "names": preset, "prefix": prefix, "causal": str(causal).lower(),
                "rope_base": "" if rope_base is None else repr(rope_base), "position": str(position),
                "generator": "scripts/layer_golden.py seed %d case %d" % (SEED, index)}
    write_safetensors(OUT / (name + ".safetensors"), tensors, metadata)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for index, case in enumerate(CASES):
        make_case(index, *case)
        print("wrote", OUT / (case[0] + ".safetensors"))


if __name__ == "__main__":
    main()
