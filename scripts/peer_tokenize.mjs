// Peer tokeniser for the `peer` tests: encodes with @lenml/tokenizers (the transformers.js port).
// Usage: node peer_tokenize.mjs PEERS_DIR TOKENIZER_DIR < lines.jsonl > ids.jsonl
//   PEERS_DIR      folder holding node_modules/@lenml/tokenizers (scripts/install_peers.sh)
//   TOKENIZER_DIR  folder with tokenizer.json and tokenizer_config.json
// Each input line is one JSON string; each output line is the JSON array of its token ids
// (special tokens parsed, nothing added).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [peersDir, tokenizerDir] = process.argv.slice(2);
if (!peersDir || !tokenizerDir) {
  console.error("usage: node peer_tokenize.mjs PEERS_DIR TOKENIZER_DIR < lines.jsonl");
  process.exit(2);
}
const require = createRequire(join(peersDir, "package.json"));
const { TokenizerLoader } = require("@lenml/tokenizers");
const tokenizer = TokenizerLoader.fromPreTrained({
  tokenizerJSON: JSON.parse(readFileSync(join(tokenizerDir, "tokenizer.json"), "utf8")),
  tokenizerConfig: JSON.parse(readFileSync(join(tokenizerDir, "tokenizer_config.json"), "utf8")),
});

const input = readFileSync(0, "utf8");
const out = [];
for (const line of input.split("\n")) {
  if (line.length === 0) continue;
  const text = JSON.parse(line);
  out.push(JSON.stringify(tokenizer.encode(text, { add_special_tokens: false })));
}
process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
