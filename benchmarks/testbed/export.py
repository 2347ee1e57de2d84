"""Writes and reads a Hugging Face qwen3_moe checkpoint directory: config.json, model.safetensors
(written here with json + numpy; one tensor per expert, Hub names), tokenizer.json,
tokenizer_config.json and generation_config.json."""

import json
import os
import struct

import numpy as np
import torch

import bpe
from model import Qwen3Moe, Shape

DTYPES = {"F32": np.float32}


def write_safetensors(path, tensors):
    """tensors: ordered {name: float32 numpy array}. Little-endian, 8-byte aligned header."""
    header, offset = {}, 0
    blobs = []
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    base = 8 + n
    out = {}
    for name, meta in header.items():
        if meta["dtype"] not in DTYPES:
            raise ValueError(f"{path}: {name} has dtype {meta['dtype']}; only F32 is read here")
        start, end = meta["data_offsets"]
        out[name] = np.frombuffer(raw[base + start:base + end], dtype="<f4").reshape(meta["shape"])
    return out


def hf_tensors(model: Qwen3Moe):
    t = lambda p: p.detach().cpu().float().numpy()
    out = {"model.embed_tokens.weight": t(model.embed_tokens)}
    for i, layer in enumerate(model.layers):
        pre = f"model.layers.{i}."
        out[pre + "input_layernorm.weight"] = t(layer.input_layernorm)
        for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
            out[pre + f"self_attn.{name}.weight"] = t(getattr(layer, name))
        out[pre + "self_attn.q_norm.weight"] = t(layer.q_norm)
        out[pre + "self_attn.k_norm.weight"] = t(layer.k_norm)
        out[pre + "post_attention_layernorm.weight"] = t(layer.post_attention_layernorm)
        out[pre + "mlp.gate.weight"] = t(layer.gate)
        for e in range(model.s.experts):
            for name in ("gate_proj", "up_proj", "down_proj"):
                out[pre + f"mlp.experts.{e}.{name}.weight"] = t(getattr(layer, name)[e])
    out["model.norm.weight"] = t(model.norm)
    out["lm_head.weight"] = t(model.lm_head)
    return out


def load_hf_tensors(model: Qwen3Moe, tensors):
    expected = hf_tensors(model)
    if set(expected) != set(tensors):
        raise ValueError(f"tensor names differ: missing {sorted(set(expected) - set(tensors))[:3]}, "
                         f"unexpected {sorted(set(tensors) - set(expected))[:3]}")
    with torch.no_grad():
        model.embed_tokens.copy_(torch.from_numpy(tensors["model.embed_tokens.weight"].copy()))
        model.norm.copy_(torch.from_numpy(tensors["model.norm.weight"].copy()))
        model.lm_head.copy_(torch.from_numpy(tensors["lm_head.weight"].copy()))
        for i, layer in enumerate(model.layers):
            pre = f"model.layers.{i}."
            get = lambda n: torch.from_numpy(tensors[pre + n].copy())
            layer.input_layernorm.copy_(get("input_layernorm.weight"))
            for name in ("q_proj", "k_proj", "v_proj", "o_proj", "q_norm", "k_norm"):
                getattr(layer, name).copy_(get(f"self_attn.{name}.weight"))
            layer.post_attention_layernorm.copy_(get("post_attention_layernorm.weight"))
            layer.gate.copy_(get("mlp.gate.weight"))
            for e in range(model.s.experts):
                for name in ("gate_proj", "up_proj", "down_proj"):
                    getattr(layer, name)[e].copy_(get(f"mlp.experts.{e}.{name}.weight"))


def config_json(s: Shape, tok: bpe.Tokenizer):
    return {
        "architectures": ["Qwen3MoeForCausalLM"],
        "model_type": "qwen3_moe",
        "vocab_size": s.vocab,
        "hidden_size": s.hidden,
        "intermediate_size": 4 * s.hidden,
        "num_hidden_layers": s.layers,
        "num_attention_heads": s.heads,
        "num_key_value_heads": s.kv_heads,
        "head_dim": s.head_dim,
        "num_experts": s.experts,
        "num_experts_per_tok": s.top_k,
        "moe_intermediate_size": s.moe_ff,
        "norm_topk_prob": True,
        "decoder_sparse_step": 1,
        "mlp_only_layers": [],
        "hidden_act": "silu",
        "rms_norm_eps": s.rms_eps,
        "rope_theta": s.rope_theta,
        "rope_scaling": None,
        "max_position_embeddings": 1024,
        "attention_bias": False,
        "attention_dropout": 0.0,
        "use_sliding_window": False,
        "sliding_window": None,
        "tie_word_embeddings": False,
        "bos_token_id": tok.token("<|endoftext|>"),
        "eos_token_id": tok.token("<|im_end|>"),
        "router_aux_loss_coef": 0.01,
        "output_router_logits": False,
        "initializer_range": 0.02,
        "torch_dtype": "float32",
        "use_cache": True,
    }


def generation_config_json(tok: bpe.Tokenizer):
    return {
        "bos_token_id": tok.token("<|endoftext|>"),
        "eos_token_id": [tok.token("<|im_end|>"), tok.token("<|endoftext|>")],
        "pad_token_id": tok.token("<|endoftext|>"),
        "do_sample": False,
    }


def _write_json(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def save_checkpoint(out_dir, model: Qwen3Moe, tok: bpe.Tokenizer):
    os.makedirs(out_dir, exist_ok=True)
    _write_json(os.path.join(out_dir, "config.json"), config_json(model.s, tok))
    _write_json(os.path.join(out_dir, "generation_config.json"), generation_config_json(tok))
    _write_json(os.path.join(out_dir, "tokenizer.json"), tok.tokenizer_json())
    _write_json(os.path.join(out_dir, "tokenizer_config.json"), bpe.tokenizer_config(tok))
    write_safetensors(os.path.join(out_dir, "model.safetensors"), hf_tensors(model))


def load_checkpoint(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        c = json.load(f)
    with open(os.path.join(model_dir, "tokenizer.json")) as f:
        tok = bpe.Tokenizer.from_tokenizer_json(json.load(f))
    s = Shape(vocab=c["vocab_size"], hidden=c["hidden_size"], layers=c["num_hidden_layers"],
              heads=c["num_attention_heads"], kv_heads=c["num_key_value_heads"], head_dim=c["head_dim"],
              experts=c["num_experts"], top_k=c["num_experts_per_tok"], moe_ff=c["moe_intermediate_size"],
              rope_theta=c["rope_theta"], rms_eps=c["rms_norm_eps"])
    model = Qwen3Moe(s)
    load_hf_tensors(model, read_safetensors(os.path.join(model_dir, "model.safetensors")))
    return model.eval(), tok
