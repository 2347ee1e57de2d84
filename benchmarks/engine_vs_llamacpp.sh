#!/usr/bin/env bash
# Engine throughput against llama.cpp in the same run (`make bench-engine`).
#
# Builds one random bf16 qwen3_moe model (benchmarks/bench_model.sh: `gauntlet make-model`, hidden
# 1024, 8 layers, 16 heads, 2 KV heads, head_dim 128, 32 experts top-4, moe_ff 512, the real Qwen3
# vocabulary of 151,669 tokens; 0.75 B parameters), converts it to GGUF bf16 with
# scripts/write_gguf.py, then measures prefill and greedy-decode tokens/s of `gauntlet generate` and
# of llama.cpp (node-llama-cpp 3.21.1, prebuilt CPU binaries, benchmarks/llamacpp_bench.mjs) with the
# same prompt ids, decode length and thread count. Runs alternate between the engines; each figure is
# the best of REPS runs, which filters out interference from other processes on a shared machine.
# Besides wall-clock tokens/s it prints tokens per CPU-second (the process's CPU time, all threads),
# which other processes on the machine barely affect. Prints the ratios ours / llama.cpp.
#
# Options (environment): THREADS ("1 2"), PROMPT_TOKENS (128), DECODE_TOKENS (128), REPS (3),
# BENCH_DIR (build/bench-engine: the model and GGUF are kept there and reused), GAUNTLET (build/gauntlet),
# SHAPE (make-model shape flags, for small checks).
# Exit codes: 0 done, 3 the npm registry cannot be reached (no llama.cpp to compare with), 1 errors.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
gauntlet="${GAUNTLET:-$root/build/gauntlet}"
bench_dir="${BENCH_DIR:-$root/build/bench-engine}"
threads_list="${THREADS:-1 2}"
prompt_tokens="${PROMPT_TOKENS:-128}"
decode_tokens="${DECODE_TOKENS:-128}"
reps="${REPS:-3}"
python=/usr/bin/python3

[ -x "$gauntlet" ] || { echo "engine_vs_llamacpp: $gauntlet not built (make build)" >&2; exit 1; }
set +e
peers="$("$root/scripts/install_peers.sh")"
rc=$?
set -e
if [ $rc -eq 3 ]; then
  echo "engine_vs_llamacpp: the npm registry cannot be reached, so llama.cpp (node-llama-cpp) is not installed" >&2
  exit 3
fi
[ $rc -eq 0 ] || exit 1

model="$("$root/benchmarks/bench_model.sh" "$gauntlet" "$bench_dir" "$peers")"
gguf="$model.gguf"

# Prompt: a fixed pseudo-random sequence of ordinary token ids.
prompt_ids="$("$python" -c "
import random
r = random.Random(7)
print(','.join(str(r.randrange(0, 151643)) for _ in range($prompt_tokens)))")"

stats() {  # stats JSON_TEXT: "PREFILL DECODE PREFILL_CPU DECODE_CPU" from the last line (ours nest them in "stats")
  "$python" -c "
import json, sys
j = json.loads(sys.argv[1].strip().splitlines()[-1])
s = j.get('stats', j)
print(*(s[k] for k in ('prefill_tokens_per_s', 'decode_tokens_per_s', 'prefill_tokens_per_cpu_s', 'decode_tokens_per_cpu_s')))" "$1"
}
best() {  # best A B: the larger
  "$python" -c "import sys; print(max(float(sys.argv[1]), float(sys.argv[2])))" "$1" "$2"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; prompt $prompt_tokens tokens, decode $decode_tokens tokens, best of $reps"
printf "%-8s %-10s %14s %14s %18s %18s\n" threads engine "prefill tok/s" "decode tok/s" "prefill tok/cpu-s" "decode tok/cpu-s"
summary=()
for t in $threads_list; do
  ours=(0 0 0 0) peer=(0 0 0 0)
  for ((i = 0; i < reps; i++)); do
    read -r -a got <<< "$(stats "$("$gauntlet" generate --model "$model" --prompt-ids "$prompt_ids" \
      --max-tokens $((decode_tokens + 1)) --ignore-eos --threads "$t" --json)")"
    for k in 0 1 2 3; do ours[k]="$(best "${ours[k]}" "${got[k]}")"; done
    read -r -a got <<< "$(stats "$(node "$root/benchmarks/llamacpp_bench.mjs" "$peers" "$gguf" "$prompt_ids" \
      "$decode_tokens" "$t")")"
    for k in 0 1 2 3; do peer[k]="$(best "${peer[k]}" "${got[k]}")"; done
  done
  printf "%-8s %-10s %14.1f %14.1f %18.1f %18.1f\n" "$t" gauntlet "${ours[@]}"
  printf "%-8s %-10s %14.1f %14.1f %18.1f %18.1f\n" "$t" llama.cpp "${peer[@]}"
  summary+=("$("$python" -c "
o, p = [$(IFS=,; echo "${ours[*]}")], [$(IFS=,; echo "${peer[*]}")]
r = [a / b for a, b in zip(o, p)]
print(f'{$t} thread(s): prefill {r[0]:.2f}x llama.cpp (target 1.0x), decode {r[1]:.2f}x (target 1.2x); '
      f'per CPU-second: prefill {r[2]:.2f}x, decode {r[3]:.2f}x')")")
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%s\n" "${summary[@]}"
