// llama.cpp's side of benchmarks/serve_bench.sh: output tokens/s of C sequences decoded in parallel in
// one llama.cpp context (node-llama-cpp's prebuilt CPU binaries, `sequences: C`), as serve_bench measures
// the engine's scheduler. Sequence i evaluates line i of PROMPTS_FILE (comma-separated token ids, as
// `serve_bench --write-prompts` writes them) and decodes DECODE_TOKENS tokens: temperature 0.8, seed
// 100 + i, top-k 40, top-p off, end-of-generation tokens do not stop it. All C sequences are evaluated
// concurrently and node-llama-cpp puts the tokens they have queued into one llama.cpp decode call
// (default batching: dispatch as soon as every sequence has queued, else on the next event-loop cycle;
// items "maximumParallelism"). Left alone, one sequence tends to miss each step (C-1 per batch, C/(C-1)
// times the decode calls), so the sequences move in lockstep: each asks for its next token only when
// all have their current one, and every decode call holds all C sequences, as in a batched server.
// The decode calls are counted to show it.
// Usage: node llamacpp_parallel_bench.mjs PEERS_DIR MODEL.gguf PROMPTS_FILE DECODE_TOKENS THREADS 1,8,32
// Prints one JSON line per concurrency: concurrency, output_tokens, wall_s, output_tokens_per_s (wall,
// prefill included, as a client sees it), output_tokens_per_cpu_s (the process's CPU time, all threads),
// ttft_p50_s/ttft_p99_s (start to a sequence's first token), itl_p50_s/itl_p99_s (between tokens),
// decode_batches and sequences_per_batch (mean sequences in a llama.cpp decode call).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadLlamaModel } from "../scripts/llamacpp_loader.mjs";

const [peersDir, modelPath, promptsFile, decodeArg, threadsArg, concurrencyArg] = process.argv.slice(2);
if (!peersDir || !modelPath || !promptsFile || !decodeArg || !threadsArg || !concurrencyArg) {
  console.error("usage: node llamacpp_parallel_bench.mjs PEERS_DIR MODEL.gguf PROMPTS_FILE DECODE_TOKENS THREADS 1,8,32");
  process.exit(2);
}
const prompts = readFileSync(promptsFile, "utf8").split("\n").filter((l) => l.trim() !== "")
  .map((l) => l.split(",").map(Number));
const decodeTokens = Number(decodeArg);
const threads = Number(threadsArg);
const concurrency = concurrencyArg.split(",").map(Number);
const most = Math.max(...concurrency);
if (prompts.length < most) {
  console.error(`llamacpp_parallel_bench: ${promptsFile} has ${prompts.length} prompts, concurrency ${most} needs ${most}`);
  process.exit(2);
}

// The default prioritisation strategy, wrapped to count the decode batches it fills. The file is not in
// the package's exports, so it is imported by path.
const require = createRequire(join(peersDir, "package.json"));
const dist = dirname(require.resolve("node-llama-cpp"));
const { maximumParallelismStrategy } = await import(pathToFileURL(join(dist,
  "evaluator/LlamaContext/utils/batchItemsPrioritizationStrategies/maximumParallelismStrategy.js")).href);
let batches = 0;
let batchedSequences = 0;
const countingStrategy = (options) => {
  const chosen = maximumParallelismStrategy(options);
  batches += 1;
  batchedSequences += chosen.filter((c) => c.processAmount > 0).length;
  return chosen;
};

const { llama, model } = await loadLlamaModel(peersDir, modelPath, threads);
const vocab = model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length;
if (vocab != null && prompts.some((p) => p.some((id) => !(id >= 0 && id < vocab)))) {
  console.error(`llamacpp_parallel_bench: a prompt id in ${promptsFile} is outside the model's ${vocab} tokens`);
  process.exit(2);
}
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const percentile = (v, p) => {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const promptTokens = prompts[0].length;

// Holds each sequence until every sequence still running has its token for this step.
function lockstep(parties) {
  let waiting = [];
  const release = () => {
    if (waiting.length < parties) return;
    const go = waiting;
    waiting = [];
    for (const resume of go) resume();
  };
  return {
    wait: () => new Promise((resume) => { waiting.push(resume); release(); }),
    leave: () => { --parties; release(); },
  };
}

async function run(c, decode) {
  const context = await model.createContext({
    contextSize: promptTokens + decode + 16,  // per sequence: node-llama-cpp allocates c times this
    batchSize: Math.max(c * promptTokens, 512),
    sequences: c,
    threads: { ideal: threads, min: threads },
    batching: { dispatchSchedule: "nextCycle", itemPrioritizationStrategy: countingStrategy },
  });
  const sequences = Array.from({ length: c }, () => context.getSequence());
  const ttft = [];
  const itl = [];
  let generated = 0;
  batches = 0;
  batchedSequences = 0;
  const start = process.hrtime.bigint();
  const cpuStart = cpu();
  const step = lockstep(c);
  await Promise.all(sequences.map(async (sequence, i) => {
    let last = start;
    let count = 0;
    const options = { temperature: 0.8, seed: 100 + i, topK: 40, topP: 1, minP: 0, yieldEogToken: true };
    const tokens = sequence.evaluate(prompts[i], options)[Symbol.asyncIterator]();
    try {
      while (count < decode && !(await tokens.next()).done) {
        const now = process.hrtime.bigint();
        (count === 0 ? ttft : itl).push(Number(now - last) / 1e9);
        last = now;
        ++generated;
        if (++count < decode) await step.wait();
      }
    } finally {
      step.leave();
      await tokens.return();
    }
  }));
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuSeconds = cpu() - cpuStart;
  await context.dispose();
  return {
    concurrency: c,
    output_tokens: generated,
    wall_s: wall,
    output_tokens_per_s: generated / wall,
    output_tokens_per_cpu_s: generated / cpuSeconds,
    ttft_p50_s: percentile(ttft, 0.5),
    ttft_p99_s: percentile(ttft, 0.99),
    itl_p50_s: percentile(itl, 0.5),
    itl_p99_s: percentile(itl, 0.99),
    decode_batches: batches,
    sequences_per_batch: batches ? batchedSequences / batches : 0,
  };
}

// Warm-up (pages the weights in, as serve_bench's serial baseline does for the engine), not reported.
await run(1, Math.min(decodeTokens, 4));
for (const c of concurrency) process.stdout.write(JSON.stringify(await run(c, decodeTokens)) + "\n");
await model.dispose();
await llama.dispose();
