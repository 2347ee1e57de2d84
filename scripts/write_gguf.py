#!/usr/bin/python3
"""Converts a Hugging Face qwen3_moe checkpoint directory into a GGUF file that llama.cpp loads.

Usage: write_gguf.py MODEL_DIR OUT.gguf [--outtype source|f32]

MODEL_DIR holds config.json, model.safetensors (or shards and model.safetensors.index.json),
tokenizer.json and optionally tokenizer_config.json, as written by `gauntlet make-model`.
Needs only Python 3 and numpy. Written from the GGUF v3 layout (little-endian):

  "GGUF" u32 version=3, u64 tensor count, u64 metadata count,
  metadata: string key, u32 value type, value (arrays: u32 item type, u64 count, items),
  tensor infos: string name, u32 n_dims, u64 ne[n_dims] (fastest-varying first, i.e. the PyTorch
  shape reversed), u32 ggml type, u64 offset into the data section,
  zero padding to the alignment, then the data section (each tensor aligned).
Strings are u64 length + UTF-8 bytes.

Weights keep their bytes: a PyTorch [out, in] row-major tensor is ggml ne {in, out}. Experts are
stacked on a new slowest axis (ffn_*_exps: ne {in, out, E}). Qwen models use NEOX RoPE in
llama.cpp, so Q and K rows are written unpermuted. 1-D tensors (norms) are always f32; with
--outtype f32 every tensor is widened to f32 (exact from bf16 and f16); `source` (default) keeps
the checkpoint's dtype.

Refused with a message naming what is wrong (exit 2): other architectures, and qwen3_moe settings
llama.cpp's qwen3moe graph cannot express (dense layers, norm_topk_prob false, rope scaling,
attention bias), missing or mis-shaped tensors, unknown dtypes, a pre-tokeniser other than
Qwen2's.
"""

import argparse
import json
import os
import struct
import sys

import numpy as np

GGUF_VERSION = 3
ALIGNMENT = 32

# GGUF metadata value types.
T_UINT32, T_INT32, T_FLOAT32, T_BOOL, T_STRING, T_ARRAY = 4, 5, 6, 7, 8, 9
# ggml tensor types and the llama_ftype recorded in general.file_type.
GGML_F32, GGML_F16, GGML_BF16 = 0, 1, 30
FTYPE = {GGML_F32: 0, GGML_F16: 1, GGML_BF16: 32}
SAFETENSORS_DTYPES = {"F32": (GGML_F32, 4), "F16": (GGML_F16, 2), "BF16": (GGML_BF16, 2)}

# tokenizer.ggml.token_type values.
TOKEN_NORMAL, TOKEN_CONTROL, TOKEN_USER_DEFINED, TOKEN_UNUSED = 1, 3, 4, 5

# The Qwen2 / Qwen3 pre-tokeniser split; llama.cpp selects it with tokenizer.ggml.pre = "qwen2".
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
               r"|\s*[\r\n]+|\s+(?!\S)|\s+")


class ConvertError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Reading the checkpoint


class SafetensorsFile:
    """One memory-mapped .safetensors file: name -> (dtype, shape, raw bytes as a uint8 view)."""

    def __init__(self, path):
        self.path = path
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            raw = f.read(8)
            if len(raw) < 8:
                raise ConvertError(f"{path}: shorter than the 8-byte header length")
            (n,) = struct.unpack("<Q", raw)
            if n > size - 8:
                raise ConvertError(f"{path}: header length {n} runs past the end of the file ({size} bytes)")
            try:
                self.header = json.loads(f.read(n))
            except ValueError as e:
                raise ConvertError(f"{path}: header is not JSON: {e}")
        self.data_start = 8 + n
        self.map = np.memmap(path, dtype=np.uint8, mode="r") if size > 0 else None
        self.size = size
        self.header.pop("__metadata__", None)

    def names(self):
        return self.header.keys()

    def info(self, name):
        entry = self.header[name]
        dtype = entry.get("dtype")
        if dtype not in SAFETENSORS_DTYPES:
            raise ConvertError(f"{self.path}: tensor {name}: dtype {dtype} is not one of F32, F16, BF16")
        shape = [int(d) for d in entry["shape"]]
        begin, end = (int(x) for x in entry["data_offsets"])
        elem = SAFETENSORS_DTYPES[dtype][1]
        if end - begin != elem * int(np.prod(shape, dtype=np.int64)) or begin > end:
            raise ConvertError(f"{self.path}: tensor {name}: offsets [{begin}, {end}) do not hold shape {shape} {dtype}")
        if self.data_start + end > self.size:
            raise ConvertError(f"{self.path}: tensor {name}: data runs past the end of the file")
        return dtype, shape, self.map[self.data_start + begin:self.data_start + end]


class Checkpoint:
    def __init__(self, model_dir):
        self.dir = model_dir
        self.files = {}
        self.where = {}
        index = os.path.join(model_dir, "model.safetensors.index.json")
        single = os.path.join(model_dir, "model.safetensors")
        if os.path.exists(index):
            with open(index) as f:
                weight_map = json.load(f).get("weight_map")
            if not isinstance(weight_map, dict):
                raise ConvertError(f"{index}: no weight_map object")
            for name, shard in weight_map.items():
                if shard not in self.files:
                    self.files[shard] = SafetensorsFile(os.path.join(model_dir, shard))
                if name not in self.files[shard].header:
                    raise ConvertError(f"{index}: tensor {name} is not in {shard}")
                self.where[name] = self.files[shard]
        elif os.path.exists(single):
            st = SafetensorsFile(single)
            for name in st.names():
                self.where[name] = st
        else:
            raise ConvertError(f"{model_dir}: neither model.safetensors nor model.safetensors.index.json")

    def has(self, name):
        return name in self.where

    def get(self, name, shape):
        """(ggml type, raw bytes) of a tensor whose PyTorch shape must be `shape`."""
        if name not in self.where:
            raise ConvertError(f"{self.dir}: tensor {name} is missing")
        dtype, actual, data = self.where[name].info(name)
        if actual != list(shape):
            raise ConvertError(f"{self.dir}: tensor {name} has shape {actual}, expected {list(shape)}")
        return SAFETENSORS_DTYPES[dtype][0], data


def widen_to_f32(ggml_type, data):
    """Raw bytes of one tensor as a float32 numpy array (exact for bf16 and f16)."""
    if ggml_type == GGML_F32:
        return data.view(np.float32)
    if ggml_type == GGML_F16:
        return data.view(np.float16).astype(np.float32)
    return (data.view(np.uint16).astype(np.uint32) << 16).view(np.float32)


# ---------------------------------------------------------------------------------------------
# Model configuration


def read_json(path, required=True):
    if not os.path.exists(path):
        if required:
            raise ConvertError(f"{path}: not found")
        return None
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except ValueError as e:
        raise ConvertError(f"{path}: not valid JSON: {e}")


def config_int(cfg, path, key, default=None):
    value = cfg.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConvertError(f"{path}: {key} must be a positive integer, got {value!r}")
    return value


def read_config(model_dir):
    path = os.path.join(model_dir, "config.json")
    cfg = read_json(path)
    if cfg.get("model_type") != "qwen3_moe":
        raise ConvertError(f"{path}: model_type {cfg.get('model_type')!r} is not supported (only qwen3_moe)")
    c = {}
    c["hidden"] = config_int(cfg, path, "hidden_size")
    c["layers"] = config_int(cfg, path, "num_hidden_layers")
    c["heads"] = config_int(cfg, path, "num_attention_heads")
    c["kv_heads"] = config_int(cfg, path, "num_key_value_heads", c["heads"])
    if c["heads"] % c["kv_heads"] != 0:
        raise ConvertError(f"{path}: num_attention_heads {c['heads']} is not a multiple of num_key_value_heads {c['kv_heads']}")
    c["head_dim"] = config_int(cfg, path, "head_dim", c["hidden"] // c["heads"])
    if c["head_dim"] % 2 != 0:
        raise ConvertError(f"{path}: head_dim {c['head_dim']} is odd (RoPE rotates pairs)")
    c["experts"] = config_int(cfg, path, "num_experts")
    c["top_k"] = config_int(cfg, path, "num_experts_per_tok")
    if c["top_k"] > c["experts"]:
        raise ConvertError(f"{path}: num_experts_per_tok {c['top_k']} exceeds num_experts {c['experts']}")
    c["moe_ff"] = config_int(cfg, path, "moe_intermediate_size")
    c["ff"] = config_int(cfg, path, "intermediate_size", c["moe_ff"] * c["top_k"])
    c["vocab"] = config_int(cfg, path, "vocab_size")
    c["context"] = config_int(cfg, path, "max_position_embeddings")
    eps = cfg.get("rms_norm_eps", 1e-6)
    if not isinstance(eps, (int, float)) or eps <= 0:
        raise ConvertError(f"{path}: rms_norm_eps must be positive, got {eps!r}")
    c["eps"] = float(eps)
    theta = cfg.get("rope_theta")
    params = cfg.get("rope_parameters")
    if theta is None and isinstance(params, dict):
        if params.get("rope_type", "default") != "default":
            raise ConvertError(f"{path}: rope_parameters.rope_type {params.get('rope_type')!r} is not supported")
        theta = params.get("rope_theta")
    if theta is None:
        theta = 10000.0
    if not isinstance(theta, (int, float)) or theta <= 0:
        raise ConvertError(f"{path}: rope_theta must be positive, got {theta!r}")
    c["theta"] = float(theta)
    # What llama.cpp's qwen3moe graph cannot express: refuse rather than write a different model.
    if cfg.get("rope_scaling"):
        raise ConvertError(f"{path}: rope_scaling {cfg['rope_scaling']!r} is not supported")
    if cfg.get("attention_bias", False):
        raise ConvertError(f"{path}: attention_bias true is not supported by llama.cpp's qwen3moe")
    if cfg.get("norm_topk_prob", False) is not True:
        raise ConvertError(f"{path}: norm_topk_prob must be true (llama.cpp's qwen3moe always renormalises top-k)")
    if cfg.get("decoder_sparse_step", 1) != 1 or cfg.get("mlp_only_layers", []):
        raise ConvertError(f"{path}: dense layers (decoder_sparse_step != 1 or mlp_only_layers) are not supported "
                           "by llama.cpp's qwen3moe")
    c["tied"] = bool(cfg.get("tie_word_embeddings", False))
    c["eos"] = first_id(cfg.get("eos_token_id"))
    c["bos"] = first_id(cfg.get("bos_token_id"))
    c["pad"] = first_id(cfg.get("pad_token_id"))
    return c


def first_id(value):
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


# ---------------------------------------------------------------------------------------------
# Tokenizer


def read_tokenizer(model_dir, cfg):
    path = os.path.join(model_dir, "tokenizer.json")
    tok = read_json(path)
    model = tok.get("model") or {}
    if model.get("type") != "BPE":
        raise ConvertError(f"{path}: model.type {model.get('type')!r} is not BPE")
    splits = []
    pre = tok.get("pre_tokenizer") or {}
    for p in pre.get("pretokenizers", [pre]):
        if p.get("type") == "Split":
            splits.append((p.get("pattern") or {}).get("Regex"))
    if splits != [QWEN2_SPLIT]:
        raise ConvertError(f"{path}: pre-tokeniser split {splits!r} is not Qwen2's (the only one written as "
                           "tokenizer.ggml.pre = qwen2)")
    vocab = model.get("vocab")
    if not isinstance(vocab, dict):
        raise ConvertError(f"{path}: model.vocab is not an object")
    by_id = {}
    for token, i in vocab.items():
        by_id[i] = token
    added = {}
    for t in tok.get("added_tokens", []):
        by_id[t["id"]] = t["content"]
        added[t["id"]] = bool(t.get("special", False))
    size = max(by_id) + 1 if by_id else 0
    if size > cfg["vocab"]:
        raise ConvertError(f"{path}: token id {size - 1} is beyond the model's vocab_size {cfg['vocab']}")
    tokens, types = [], []
    for i in range(cfg["vocab"]):
        token = by_id.get(i)
        if token is None:
            tokens.append(f"[PAD{i}]")
            types.append(TOKEN_UNUSED)
        elif i in added:
            looks_control = token.startswith("<|") and token.endswith("|>")
            tokens.append(token)
            types.append(TOKEN_CONTROL if added[i] or looks_control else TOKEN_USER_DEFINED)
        else:
            tokens.append(token)
            types.append(TOKEN_NORMAL)
    merges = []
    for m in model.get("merges", []):
        if isinstance(m, str):
            merges.append(m)
        elif isinstance(m, list) and len(m) == 2 and all(isinstance(s, str) for s in m):
            merges.append(f"{m[0]} {m[1]}")
        else:
            raise ConvertError(f"{path}: merge {m!r} is neither \"a b\" nor [\"a\", \"b\"]")
    if not merges:
        raise ConvertError(f"{path}: no merges (llama.cpp's gpt2 tokenizer needs them)")

    tcfg = read_json(os.path.join(model_dir, "tokenizer_config.json"), required=False) or {}
    ids = {t: i for i, t in by_id.items()}

    def special_id(key):
        value = tcfg.get(key)
        if isinstance(value, dict):
            value = value.get("content")
        return ids.get(value) if isinstance(value, str) else None

    eos = cfg["eos"] if cfg["eos"] is not None else special_id("eos_token")
    pad = cfg["pad"] if cfg["pad"] is not None else special_id("pad_token")
    bos = cfg["bos"] if cfg["bos"] is not None else special_id("bos_token")
    if bos is None:
        bos = pad  # never added (add_bos_token false); Qwen's converters point it at <|endoftext|>
    return {
        "tokens": tokens,
        "types": types,
        "merges": merges,
        "eos": eos,
        "pad": pad,
        "bos": bos,
        "add_bos": bool(tcfg.get("add_bos_token", False)),
        "chat_template": tcfg.get("chat_template") if isinstance(tcfg.get("chat_template"), str) else None,
    }


# ---------------------------------------------------------------------------------------------
# Tensors


class Tensor:
    """A GGUF tensor: name, ne (fastest first), ggml type and a function yielding its byte chunks."""

    def __init__(self, name, ne, ggml_type, chunks):
        self.name, self.ne, self.type, self.chunks = name, ne, ggml_type, chunks
        elem = 4 if ggml_type == GGML_F32 else 2
        self.nbytes = elem * int(np.prod(ne, dtype=np.int64))


def plan_tensors(ckpt, c, outtype):
    H, L, nh, nkv, hd = c["hidden"], c["layers"], c["heads"], c["kv_heads"], c["head_dim"]
    E, ff, V = c["experts"], c["moe_ff"], c["vocab"]
    tensors = []

    def convert(ggml_type, data, force_f32):
        if force_f32 or (outtype == "f32" and ggml_type != GGML_F32):
            return GGML_F32, lambda: [widen_to_f32(ggml_type, data)]
        return ggml_type, lambda: [data]

    def add(gguf_name, hf_name, shape):
        ggml_type, data = ckpt.get(hf_name, shape)
        out_type, chunks = convert(ggml_type, data, len(shape) == 1)
        tensors.append(Tensor(gguf_name, list(reversed(shape)), out_type, chunks))

    def add_experts(gguf_name, parts, shape):
        """parts: per expert, (ggml type, raw bytes) of a [out, in] matrix; stacked as ne {in, out, E}."""
        types = {t for t, _ in parts}
        if len(types) != 1:
            raise ConvertError(f"{ckpt.dir}: experts of {gguf_name} mix dtypes")
        ggml_type = types.pop()
        out_type = GGML_F32 if outtype == "f32" else ggml_type
        chunks = (lambda: [widen_to_f32(ggml_type, d) for _, d in parts]) if out_type != ggml_type else \
            (lambda: [d for _, d in parts])
        tensors.append(Tensor(gguf_name, [shape[1], shape[0], len(parts)], out_type, chunks))

    add("token_embd.weight", "model.embed_tokens.weight", [V, H])
    for i in range(L):
        p, b = f"model.layers.{i}.", f"blk.{i}."
        add(b + "attn_norm.weight", p + "input_layernorm.weight", [H])
        add(b + "attn_q.weight", p + "self_attn.q_proj.weight", [nh * hd, H])
        add(b + "attn_k.weight", p + "self_attn.k_proj.weight", [nkv * hd, H])
        add(b + "attn_v.weight", p + "self_attn.v_proj.weight", [nkv * hd, H])
        add(b + "attn_output.weight", p + "self_attn.o_proj.weight", [H, nh * hd])
        add(b + "attn_q_norm.weight", p + "self_attn.q_norm.weight", [hd])
        add(b + "attn_k_norm.weight", p + "self_attn.k_norm.weight", [hd])
        add(b + "ffn_norm.weight", p + "post_attention_layernorm.weight", [H])
        add(b + "ffn_gate_inp.weight", p + "mlp.gate.weight", [E, H])
        fused = p + "mlp.experts.gate_up_proj"
        if ckpt.has(fused) or ckpt.has(fused + ".weight"):
            # transformers >= 5 layout: gate_up_proj [E, 2·ff, H] (gate rows first), down_proj [E, H, ff].
            name = fused if ckpt.has(fused) else fused + ".weight"
            t, gate_up = ckpt.get(name, [E, 2 * ff, H])
            down_name = p + "mlp.experts.down_proj" + ("" if ckpt.has(p + "mlp.experts.down_proj") else ".weight")
            td, down = ckpt.get(down_name, [E, H, ff])
            per = gate_up.size // E
            gate = [(t, gate_up[e * per:e * per + per // 2]) for e in range(E)]
            up = [(t, gate_up[e * per + per // 2:(e + 1) * per]) for e in range(E)]
            downs = [(td, down[e * (down.size // E):(e + 1) * (down.size // E)]) for e in range(E)]
        else:
            ex = p + "mlp.experts."
            gate = [ckpt.get(f"{ex}{e}.gate_proj.weight", [ff, H]) for e in range(E)]
            up = [ckpt.get(f"{ex}{e}.up_proj.weight", [ff, H]) for e in range(E)]
            downs = [ckpt.get(f"{ex}{e}.down_proj.weight", [H, ff]) for e in range(E)]
        add_experts(b + "ffn_gate_exps.weight", gate, [ff, H])
        add_experts(b + "ffn_up_exps.weight", up, [ff, H])
        add_experts(b + "ffn_down_exps.weight", downs, [H, ff])
    add("output_norm.weight", "model.norm.weight", [H])
    if ckpt.has("lm_head.weight"):
        add("output.weight", "lm_head.weight", [V, H])
    elif not c["tied"]:
        raise ConvertError(f"{ckpt.dir}: tensor lm_head.weight is missing and tie_word_embeddings is false")
    return tensors


# ---------------------------------------------------------------------------------------------
# Writing


def gguf_string(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def kv(key, vtype, value):
    out = gguf_string(key) + struct.pack("<I", vtype)
    if vtype == T_UINT32:
        return out + struct.pack("<I", value)
    if vtype == T_FLOAT32:
        return out + struct.pack("<f", value)
    if vtype == T_BOOL:
        return out + struct.pack("<?", value)
    if vtype == T_STRING:
        return out + gguf_string(value)
    raise ValueError(vtype)


def kv_array(key, item_type, values):
    out = [gguf_string(key), struct.pack("<IIQ", T_ARRAY, item_type, len(values))]
    if item_type == T_STRING:
        out.extend(gguf_string(v) for v in values)
    elif item_type == T_INT32:
        out.append(np.asarray(values, dtype="<i4").tobytes())
    else:
        raise ValueError(item_type)
    return b"".join(out)


def metadata(c, tok, file_type, name):
    a = "qwen3moe"
    items = [
        kv("general.architecture", T_STRING, a),
        kv("general.name", T_STRING, name),
        kv("general.alignment", T_UINT32, ALIGNMENT),
        kv("general.file_type", T_UINT32, file_type),
        kv(f"{a}.context_length", T_UINT32, c["context"]),
        kv(f"{a}.embedding_length", T_UINT32, c["hidden"]),
        kv(f"{a}.block_count", T_UINT32, c["layers"]),
        kv(f"{a}.feed_forward_length", T_UINT32, c["ff"]),
        kv(f"{a}.attention.head_count", T_UINT32, c["heads"]),
        kv(f"{a}.attention.head_count_kv", T_UINT32, c["kv_heads"]),
        # head_dim need not be hidden / heads: without these llama.cpp would assume it is.
        kv(f"{a}.attention.key_length", T_UINT32, c["head_dim"]),
        kv(f"{a}.attention.value_length", T_UINT32, c["head_dim"]),
        kv(f"{a}.rope.dimension_count", T_UINT32, c["head_dim"]),
        kv(f"{a}.rope.freq_base", T_FLOAT32, c["theta"]),
        kv(f"{a}.attention.layer_norm_rms_epsilon", T_FLOAT32, c["eps"]),
        kv(f"{a}.expert_count", T_UINT32, c["experts"]),
        kv(f"{a}.expert_used_count", T_UINT32, c["top_k"]),
        kv(f"{a}.expert_feed_forward_length", T_UINT32, c["moe_ff"]),
        kv("tokenizer.ggml.model", T_STRING, "gpt2"),
        kv("tokenizer.ggml.pre", T_STRING, "qwen2"),
        kv_array("tokenizer.ggml.tokens", T_STRING, tok["tokens"]),
        kv_array("tokenizer.ggml.token_type", T_INT32, tok["types"]),
        kv_array("tokenizer.ggml.merges", T_STRING, tok["merges"]),
        kv("tokenizer.ggml.add_bos_token", T_BOOL, tok["add_bos"]),
    ]
    for key in ("eos", "pad", "bos"):
        if tok[key] is not None:
            gguf_key = {"eos": "eos_token_id", "pad": "padding_token_id", "bos": "bos_token_id"}[key]
            items.append(kv(f"tokenizer.ggml.{gguf_key}", T_UINT32, tok[key]))
    if tok["chat_template"]:
        items.append(kv("tokenizer.chat_template", T_STRING, tok["chat_template"]))
    return items


def pad_to(n):
    return (ALIGNMENT - n % ALIGNMENT) % ALIGNMENT


def write_gguf(out_path, kvs, tensors):
    head = [b"GGUF", struct.pack("<IQQ", GGUF_VERSION, len(tensors), len(kvs))] + kvs
    offset = 0
    for t in tensors:
        head.append(gguf_string(t.name) + struct.pack("<I", len(t.ne)) + struct.pack(f"<{len(t.ne)}Q", *t.ne) +
                    struct.pack("<IQ", t.type, offset))
        offset += t.nbytes + pad_to(t.nbytes)
    head = b"".join(head)
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(head)
        f.write(b"\0" * pad_to(len(head)))
        for t in tensors:
            written = 0
            for chunk in t.chunks():
                chunk = np.ascontiguousarray(chunk)
                f.write(memoryview(chunk).cast("B"))
                written += chunk.nbytes
            if written != t.nbytes:
                raise ConvertError(f"internal: tensor {t.name} wrote {written} bytes, expected {t.nbytes}")
            f.write(b"\0" * pad_to(written))
    os.replace(tmp, out_path)


def main(argv):
    parser = argparse.ArgumentParser(description="Convert a qwen3_moe checkpoint directory to GGUF.")
    parser.add_argument("model_dir", help="checkpoint directory (config.json, safetensors, tokenizer.json)")
    parser.add_argument("out", help="GGUF file to write")
    parser.add_argument("--outtype", choices=("source", "f32"), default="source",
                        help="tensor type: the checkpoint's (default) or f32 for every tensor")
    args = parser.parse_args(argv)
    try:
        c = read_config(args.model_dir)
        tok = read_tokenizer(args.model_dir, c)
        ckpt = Checkpoint(args.model_dir)
        tensors = plan_tensors(ckpt, c, args.outtype)
        matrix_types = [t.type for t in tensors if len(t.ne) > 1]
        file_type = FTYPE[max(set(matrix_types), key=matrix_types.count)]
        kvs = metadata(c, tok, file_type, os.path.basename(os.path.normpath(args.model_dir)))
        write_gguf(args.out, kvs, tensors)
    except ConvertError as e:
        print(f"write_gguf: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"write_gguf: {e}", file=sys.stderr)
        return 1
    print(f"{args.out}: qwen3moe, {len(tensors)} tensors, {len(kvs)} metadata keys, "
          f"{os.path.getsize(args.out)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
