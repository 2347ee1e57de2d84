#pragma once
// RunOptions: how the CLI (or a test) runs a suite, tournament or self-play config: which shard,
// where progress goes, the stop flag, and the factory that builds each model's client.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "harness/clients/client_factory.h"
#include "harness/run/shard.h"
#include "harness/store/run_store.h"

namespace gauntlet::harness {

struct RunOptions {
  std::optional<Shard> shard;
  std::string command_line;                 // recorded in the runs table
  std::ostream* progress_out = nullptr;     // nullptr: no progress output
  bool progress_live = false;               // redraw one line (TTY) instead of periodic lines
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT): finish in-flight work, then stop
  // Builds a model's client; empty: make_client (clients/client_factory.h).
  ClientFactory make_client;

  // make_client when set, else the provider's client.
  std::unique_ptr<ModelClient> client_for(const ModelSpec& model) const;
  bool stop_requested() const { return stop && stop->load(); }
  // The runs-table row for config `name` read from `config_path`: command line and shard from here.
  RunInfo run_info(const std::string& name, const std::filesystem::path& config_path) const;
};

}  // namespace gauntlet::harness
