"""The qwen3_moe forward pass in plain torch (1.13): the math of Hugging Face's Qwen3MoeForCausalLM.

Pre-norm decoder layers: x += o_proj(attn(rms(x))); x += moe(rms(x)); logits = lm_head(rms(x)).
Attention: per-head RMSNorm on q and k, NEOX (rotate-half) RoPE, GQA (q head h reads kv head
h // (heads / kv_heads)), causal softmax. MoE: softmax over all experts, top-k, renormalised
(norm_topk_prob), SwiGLU experts; no biases anywhere; untied lm_head.
"""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass
class Shape:
    vocab: int = 320
    hidden: int = 128
    layers: int = 4
    heads: int = 4
    kv_heads: int = 2
    head_dim: int = 32
    experts: int = 16
    top_k: int = 2
    moe_ff: int = 128
    rope_theta: float = 10000.0
    rms_eps: float = 1e-6


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Layer(torch.nn.Module):
    def __init__(self, s: Shape):
        super().__init__()
        self.s = s
        p = torch.nn.Parameter
        self.input_layernorm = p(torch.ones(s.hidden))
        self.q_proj = p(torch.empty(s.heads * s.head_dim, s.hidden))
        self.k_proj = p(torch.empty(s.kv_heads * s.head_dim, s.hidden))
        self.v_proj = p(torch.empty(s.kv_heads * s.head_dim, s.hidden))
        self.o_proj = p(torch.empty(s.hidden, s.heads * s.head_dim))
        self.q_norm = p(torch.ones(s.head_dim))
        self.k_norm = p(torch.ones(s.head_dim))
        self.post_attention_layernorm = p(torch.ones(s.hidden))
        self.gate = p(torch.empty(s.experts, s.hidden))                   # router
        self.gate_proj = p(torch.empty(s.experts, s.moe_ff, s.hidden))   # [E, ff, H]
        self.up_proj = p(torch.empty(s.experts, s.moe_ff, s.hidden))     # [E, ff, H]
        self.down_proj = p(torch.empty(s.experts, s.hidden, s.moe_ff))   # [E, H, ff]

    def attention(self, h, cos, sin, mask, cache):
        s = self.s
        B, T, _ = h.shape
        q = F.linear(h, self.q_proj).view(B, T, s.heads, s.head_dim)
        k = F.linear(h, self.k_proj).view(B, T, s.kv_heads, s.head_dim)
        v = F.linear(h, self.v_proj).view(B, T, s.kv_heads, s.head_dim)
        q = rms_norm(q, self.q_norm, s.rms_eps).transpose(1, 2)  # [B, heads, T, D]
        k = rms_norm(k, self.k_norm, s.rms_eps).transpose(1, 2)  # [B, kv, T, D]
        v = v.transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            if cache.get("k") is not None:
                k = torch.cat((cache["k"], k), dim=2)
                v = torch.cat((cache["v"], v), dim=2)
            cache["k"], cache["v"] = k, v
        group = s.heads // s.kv_heads
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(s.head_dim) + mask  # [B, heads, T, S]
        out = torch.matmul(torch.softmax(scores, dim=-1), v)  # [B, heads, T, D]
        return F.linear(out.transpose(1, 2).reshape(B, T, s.heads * s.head_dim), self.o_proj)

    def moe(self, h):
        s = self.s
        shape = h.shape
        x = h.reshape(-1, s.hidden)  # [N, H]
        probs = torch.softmax(F.linear(x, self.gate).float(), dim=-1)  # [N, E]
        weights, chosen = torch.topk(probs, s.top_k, dim=-1)  # [N, k]
        weights = weights / weights.sum(-1, keepdim=True)
        out = torch.zeros_like(x)
        flat_expert = chosen.reshape(-1)
        flat_token = torch.arange(x.shape[0], device=x.device).repeat_interleave(s.top_k)
        flat_weight = weights.reshape(-1)
        for e in range(s.experts):
            sel = (flat_expert == e).nonzero(as_tuple=True)[0]
            if sel.numel() == 0:
                continue
            tok = flat_token[sel]
            xe = x.index_select(0, tok)
            y = F.linear(F.silu(F.linear(xe, self.gate_proj[e])) * F.linear(xe, self.up_proj[e]), self.down_proj[e])
            out.index_add_(0, tok, y * flat_weight[sel].unsqueeze(1))
        return out.view(shape), probs, chosen

    def forward(self, x, cos, sin, mask, cache=None):
        x = x + self.attention(rms_norm(x, self.input_layernorm, self.s.rms_eps), cos, sin, mask, cache)
        y, probs, chosen = self.moe(rms_norm(x, self.post_attention_layernorm, self.s.rms_eps))
        return x + y, probs, chosen


class Qwen3Moe(torch.nn.Module):
    def __init__(self, s: Shape):
        super().__init__()
        self.s = s
        self.embed_tokens = torch.nn.Parameter(torch.empty(s.vocab, s.hidden))
        self.layers = torch.nn.ModuleList(Layer(s) for _ in range(s.layers))
        self.norm = torch.nn.Parameter(torch.ones(s.hidden))
        self.lm_head = torch.nn.Parameter(torch.empty(s.vocab, s.hidden))
        inv = 1.0 / (s.rope_theta ** (torch.arange(0, s.head_dim, 2, dtype=torch.float64) / s.head_dim))
        self.register_buffer("inv_freq", inv.float(), persistent=False)

    def init_weights(self, generator, std=0.02):
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                with torch.no_grad():
                    p.normal_(0.0, std, generator=generator)

    def rope(self, positions):
        freqs = positions.unsqueeze(-1).float() * self.inv_freq  # [B, T, D/2]
        emb = torch.cat((freqs, freqs), dim=-1).unsqueeze(1)  # [B, 1, T, D]
        return emb.cos(), emb.sin()

    def forward(self, ids, positions, mask, caches=None):
        """ids, positions: [B, T]; mask: additive, broadcastable to [B, heads, T, S]."""
        cos, sin = self.rope(positions)
        x = F.embedding(ids, self.embed_tokens)
        router = []
        for i, layer in enumerate(self.layers):
            x, probs, chosen = layer(x, cos, sin, mask, None if caches is None else caches[i])
            router.append((probs, chosen))
        return F.linear(rms_norm(x, self.norm, self.s.rms_eps), self.lm_head), router


def causal_mask(T, device=None):
    return torch.full((T, T), float("-inf"), device=device).triu(1)


def load_balancing_loss(router, valid, experts, top_k):
    """Switch / HF form E * sum_e f_e * P_e per layer (balanced value: top_k), averaged over layers.
    `valid` [N] bool marks the real (non-padding) tokens."""
    total = 0.0
    for probs, chosen in router:
        p = probs[valid]
        f = F.one_hot(chosen[valid], experts).float().sum(1).mean(0)  # [E], sums to top_k
        total = total + experts * (f * p.mean(0)).sum()
    return total / len(router)


@torch.no_grad()
def greedy(model, prompts, stop_ids, max_new_tokens):
    """Greedy continuations of a batch of prompts (lists of ids), left-padded, with a KV cache.
    Returns one list of generated ids per prompt (the stop token included when reached)."""
    B = len(prompts)
    P = max(len(p) for p in prompts)
    ids = torch.zeros(B, P, dtype=torch.long)
    keep = torch.zeros(B, P, dtype=torch.bool)
    for b, p in enumerate(prompts):
        ids[b, P - len(p):] = torch.tensor(p)
        keep[b, P - len(p):] = True
    positions = (keep.long().cumsum(1) - 1).clamp(min=0)
    caches = [dict() for _ in model.layers]
    key_ok = keep.clone()  # [B, S]
    mask = causal_mask(P).unsqueeze(0).unsqueeze(0) + torch.where(key_ok, 0.0, float("-inf"))[:, None, None, :]
    # Padding queries see no key at all: give them their own position so the softmax stays finite.
    mask = torch.where(torch.eye(P, dtype=torch.bool)[None, None], torch.zeros(()), mask)
    logits, _ = model(ids, positions, mask, caches)
    next_pos = positions[:, -1] + 1
    outputs = [[] for _ in range(B)]
    done = [False] * B
    token = logits[:, -1].argmax(-1)
    for _ in range(max_new_tokens):
        for b in range(B):
            if not done[b]:
                outputs[b].append(int(token[b]))
                done[b] = int(token[b]) in stop_ids or len(outputs[b]) >= max_new_tokens
        if all(done):
            break
        key_ok = torch.cat((key_ok, torch.ones(B, 1, dtype=torch.bool)), dim=1)
        step_mask = torch.where(key_ok, 0.0, float("-inf"))[:, None, None, :]
        logits, _ = model(token.view(B, 1), next_pos.view(B, 1), step_mask, caches)
        next_pos = next_pos + 1
        token = logits[:, -1].argmax(-1)
    return outputs
