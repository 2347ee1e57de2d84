#!/usr/bin/env bash
# `make bench-serve`: builds (once, kept in BENCH_DIR) a random bf16 qwen3_moe of bench-engine's
# shape (hidden 1024, 8 layers, 16 heads, 2 KV heads, head_dim 128, 32 experts top-4, moe_ff 512,
# vocabulary 151,669; 0.75 B parameters) with the built-in tokenizer, then runs serve_bench on it:
# output tokens/s at each concurrency against one request at a time, in the same run.
# Options (environment): THREADS (2), PROMPT_TOKENS (32), DECODE_TOKENS (64), CONCURRENCY (1,8,32),
# BASELINE_REQUESTS (4), MODEL (a model directory to use instead).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
gauntlet="${GAUNTLET:-$root/build/gauntlet}"
bench="${BENCH:-$root/build/benchmarks/serve_bench}"
bench_dir="${BENCH_DIR:-$root/build/bench-serve}"
model="${MODEL:-$bench_dir/qwen3moe-h1024-l8-e32-v151669}"
shape="--layers 8 --hidden 1024 --heads 16 --kv-heads 2 --head-dim 128 --experts 32 --top-k 4 --moe-ff 512 --vocab 151669"
if [ -z "${MODEL:-}" ] && { [ ! -f "$model/.complete" ] || [ "$(cat "$model/.complete")" != "$shape" ]; }; then
  rm -rf "$model"
  mkdir -p "$bench_dir"
  echo "building the model in $model ..." >&2
  "$gauntlet" make-model --arch qwen3_moe --out "$model" $shape --dtype bf16 --seed 1 >&2
  echo "$shape" > "$model/.complete"
fi
exec "$bench" --model "$model" --threads "${THREADS:-2}" --prompt-tokens "${PROMPT_TOKENS:-32}" \
  --decode-tokens "${DECODE_TOKENS:-64}" --concurrency "${CONCURRENCY:-1,8,32}" \
  --baseline-requests "${BASELINE_REQUESTS:-4}"
