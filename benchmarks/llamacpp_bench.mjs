// llama.cpp's side of benchmarks/engine_vs_llamacpp.sh: prefill and greedy-decode throughput of a GGUF
// model through node-llama-cpp's prebuilt CPU binaries (never downloaded or compiled here).
// Usage: node llamacpp_bench.mjs PEERS_DIR MODEL.gguf PROMPT_IDS DECODE_TOKENS THREADS
// Prints {"prefill_tokens_per_s","decode_tokens_per_s","prefill_tokens_per_cpu_s",
// "decode_tokens_per_cpu_s"} measured as `gauntlet generate` measures them: prefill = prompt tokens /
// time to the first sampled token (one batch, logits of the last position only); decode = forward
// passes after it / their time, each sampling greedily over the whole vocabulary; per CPU-second
// with the process's CPU time (all threads) instead of wall time. End-of-generation tokens do not
// stop the decode.
import { loadLlamaModel } from "../scripts/llamacpp_loader.mjs";

const [peersDir, modelPath, promptArg, decodeArg, threadsArg] = process.argv.slice(2);
if (!peersDir || !modelPath || !promptArg || !decodeArg || !threadsArg) {
  console.error("usage: node llamacpp_bench.mjs PEERS_DIR MODEL.gguf PROMPT_IDS DECODE_TOKENS THREADS");
  process.exit(2);
}
const promptIds = promptArg.split(",").map(Number);
const decodeTokens = Number(decodeArg);
const threads = Number(threadsArg);

const { llama, model } = await loadLlamaModel(peersDir, modelPath, threads);
const context = await model.createContext({
  contextSize: promptIds.length + decodeTokens + 16,
  batchSize: promptIds.length,
  sequences: 1,
  threads: { ideal: threads, min: threads },
});
const sequence = context.getSequence();

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
let generated = 0;
const start = process.hrtime.bigint();
const cpuStart = cpu();
let firstAt = 0n;
let cpuFirst = 0;
for await (const token of sequence.evaluate(promptIds, { temperature: 0, yieldEogToken: true })) {
  void token;
  if (generated === 0) {
    firstAt = process.hrtime.bigint();
    cpuFirst = cpu();
  }
  if (++generated > decodeTokens) break;
}
const end = process.hrtime.bigint();
const cpuEnd = cpu();
const seconds = (a, b) => Number(b - a) / 1e9;
process.stdout.write(
  JSON.stringify({
    prefill_tokens_per_s: promptIds.length / seconds(start, firstAt),
    decode_tokens_per_s: (generated - 1) / seconds(firstAt, end),
    prefill_tokens_per_cpu_s: promptIds.length / (cpuFirst - cpuStart),
    decode_tokens_per_cpu_s: (generated - 1) / (cpuEnd - cpuFirst),
  }) + "\n",
);
await context.dispose();
await model.dispose();
await llama.dispose();
