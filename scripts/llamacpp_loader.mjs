// Loads llama.cpp through node-llama-cpp from the peers folder (scripts/install_peers.sh) with its
// prebuilt CPU binaries only — never downloaded or compiled here — and opens a GGUF model with every
// layer on the CPU. Shared by the peer test's generator and the engine benchmark.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export async function loadLlamaModel(peersDir, modelPath, threads) {
  process.env.NODE_LLAMA_CPP_SKIP_DOWNLOAD = "true";
  const require = createRequire(join(peersDir, "package.json"));
  const { getLlama } = await import(pathToFileURL(require.resolve("node-llama-cpp")).href);
  const llama = await getLlama({
    gpu: false,
    build: "never",
    skipDownload: true,
    usePrebuiltBinaries: true,
    progressLogs: false,
    logLevel: "error",
    maxThreads: threads,
  });
  const model = await llama.loadModel({ modelPath, gpuLayers: 0, useMmap: true });
  return { llama, model };
}
