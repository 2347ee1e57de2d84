#pragma once
// Harness error types. Thrown where input enters; the CLI turns them into one message and an exit
// code: ConfigError / UsageError -> 2, everything else -> 1.
#include <stdexcept>
#include <string>

namespace gauntlet::harness {

class GauntletError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad suite file or option value. The message names file:line and the key.
class ConfigError : public GauntletError {
 public:
  ConfigError(const std::string& file, int line, const std::string& key, const std::string& what);
  explicit ConfigError(const std::string& what) : GauntletError(what) {}
};

// Bad command-line usage (e.g. a malformed --shard).
class UsageError : public GauntletError {
 public:
  using GauntletError::GauntletError;
};

// Dataset file problems: names the file and line.
class DatasetError : public GauntletError {
 public:
  DatasetError(const std::string& file, int line, const std::string& what);
};

// SQLite failures and store-level inconsistencies (schema too new, fingerprint mismatch).
class StoreError : public GauntletError {
 public:
  using GauntletError::GauntletError;
};

}  // namespace gauntlet::harness
