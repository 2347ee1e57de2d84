// Peer generator for the `peer` tests: greedy decoding with llama.cpp (node-llama-cpp's prebuilt CPU
// binaries) on a GGUF file, reporting the top log-probabilities of every step.
// Usage: node peer_llamacpp.mjs PEERS_DIR MODEL.gguf PROMPT_IDS MAX_TOKENS TOP_LOGPROBS [THREADS]
//   PEERS_DIR     folder holding node_modules/node-llama-cpp (scripts/install_peers.sh)
//   PROMPT_IDS    comma-separated token ids (no BOS is added)
// Prints one JSON object: {"tokens":[{"id","logprob","top":[{"id","logprob"}]}]}.
// Each step's token is the argmax of the logits (ties to the lower id), picked here and fed back;
// end-of-generation tokens do not stop it. Log-probabilities are log(softmax(logits)) as llama.cpp
// reports them. The KV cache is f32 and flash attention off, so the comparison is not blurred by
// f16 rounding. llama.cpp is never downloaded or compiled: only the prebuilt binaries are used.
import { loadLlamaModel } from "./llamacpp_loader.mjs";

const [peersDir, modelPath, promptArg, maxTokensArg, topArg, threadsArg] = process.argv.slice(2);
if (!peersDir || !modelPath || !promptArg || !maxTokensArg || !topArg) {
  console.error("usage: node peer_llamacpp.mjs PEERS_DIR MODEL.gguf PROMPT_IDS MAX_TOKENS TOP_LOGPROBS [THREADS]");
  process.exit(2);
}
const promptIds = promptArg.split(",").map((s) => {
  const id = Number(s);
  if (!Number.isInteger(id) || id < 0) {
    console.error(`peer_llamacpp: '${s}' is not a token id`);
    process.exit(2);
  }
  return id;
});
const maxTokens = Number(maxTokensArg);
const top = Number(topArg);
const threads = Number(threadsArg ?? 1);

const { llama, model } = await loadLlamaModel(peersDir, modelPath, threads);
const context = await model.createContext({
  contextSize: promptIds.length + maxTokens + 8,
  batchSize: Math.max(promptIds.length, 1),
  sequences: 1,
  threads: { ideal: threads, min: threads },
  flashAttention: false,
  experimentalKvCacheKeyType: "F32",
  experimentalKvCacheValueType: "F32",
});
const sequence = context.getSequence();

const wantNext = { generateNext: { probabilities: true, options: { temperature: 0 } } };
const tokens = [];
let input = promptIds.map((id, i) => (i === promptIds.length - 1 ? [id, wantNext] : id));
for (let step = 0; step < maxTokens; ++step) {
  const results = await sequence.controlledEvaluate(input);
  const probabilities = results[results.length - 1]?.next?.probabilities;
  if (!probabilities) throw new Error(`peer_llamacpp: no probabilities at step ${step}`);
  // The map comes sorted by probability, highest first; re-sort a head of it so that equal
  // probabilities rank the lower id first, as our sampler does.
  const head = [];
  for (const entry of probabilities) {
    if (head.length >= top + 16) break;
    head.push(entry);
  }
  const ranked = head.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const [id, p] = ranked[0];
  tokens.push({
    id,
    logprob: Math.log(p),
    top: ranked.slice(0, top).map(([t, q]) => ({ id: t, logprob: Math.log(q) })),
  });
  input = [[id, wantNext]];
}
process.stdout.write(JSON.stringify({ tokens }) + "\n");
await context.dispose();
await model.dispose();
await llama.dispose();
