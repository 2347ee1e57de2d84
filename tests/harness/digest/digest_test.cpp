// Content digests and fingerprints: streaming SHA-256, checkpoint digests that follow content and
// ignore location, and the compatible comparison that keeps databases written before them working.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/digest/checkpoint_digest.h"
#include "harness/digest/fingerprint.h"
#include "harness/digest/sha256.h"
#include "tests/support/command.h"

namespace {

namespace fs = std::filesystem;
using namespace gauntlet::harness;
using gauntlet::testing::TempDir;
using nlohmann::json;

TEST(Sha256, StreamedInAnyPiecesEqualsOneShotAndKnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string text;
  for (int i = 0; i < 1000; ++i) text += static_cast<char>('a' + i % 26);
  for (std::size_t piece : {1u, 3u, 63u, 64u, 65u, 500u}) {
    Sha256 sha;
    for (std::size_t at = 0; at < text.size(); at += piece) sha.update(std::string_view(text).substr(at, piece));
    EXPECT_EQ(sha.hex(), sha256_hex(text)) << piece;
  }
}

void write(const fs::path& p, const std::string& content) { std::ofstream(p, std::ios::binary) << content; }

TEST(CheckpointDigest, FollowsContentNotLocationAndIgnoresNotes) {
  TempDir root;
  const fs::path a = fs::path(root.path()) / "a", b = fs::path(root.path()) / "deeper" / "b";
  fs::create_directories(a);
  write(a / "config.json", R"({"hidden_size": 8})");
  write(a / "tokenizer.json", "{}");
  write(a / "model.safetensors", std::string(3 << 20, 'w'));  // cached: over 1 MiB
  const auto digest = checkpoint_digest(a);
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_TRUE(fs::exists(a / kCheckpointDigestCache));
  EXPECT_EQ(checkpoint_digest(a), digest);  // from the cache

  fs::create_directories(b.parent_path());
  fs::copy(a, b, fs::copy_options::recursive);
  EXPECT_EQ(checkpoint_digest(b), digest);  // moved: same content, same digest

  write(b / "README.md", "notes");
  write(b / "NOTE.md", "more notes");
  EXPECT_EQ(checkpoint_digest(b), digest);  // notes do not change answers

  write(b / "config.json", R"({"hidden_size": 16})");
  EXPECT_NE(checkpoint_digest(b), digest);
  write(b / "config.json", R"({"hidden_size": 8})");
  EXPECT_EQ(checkpoint_digest(b), digest);

  // Changed weights with the same size: the cache is keyed by size and modification time, so the
  // rewrite (a new mtime) is hashed again.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  write(b / "model.safetensors", std::string(3 << 20, 'x'));
  EXPECT_NE(checkpoint_digest(b), digest);
}

TEST(CheckpointDigest, AStaleCacheEntryIsNotBelieved) {
  TempDir root;
  const fs::path a(root.path());
  write(a / "model.safetensors", std::string(2 << 20, 'a'));
  const auto digest = checkpoint_digest(a);
  auto cache = json::parse(std::ifstream(a / kCheckpointDigestCache));
  cache["model.safetensors"]["sha256"] = std::string(64, '0');
  cache["model.safetensors"]["stamp"] = "1/2";  // another size and time: not this file
  std::ofstream(a / kCheckpointDigestCache) << cache.dump();
  EXPECT_EQ(checkpoint_digest(a), digest);
}

TEST(CheckpointDigest, AnUnreadableCacheFileIsNoCache) {
  TempDir root;
  const fs::path a(root.path());
  write(a / "model.safetensors", std::string(2 << 20, 'a'));
  const auto digest = checkpoint_digest(a);
  // Not JSON, then nested far past any reader's depth (an unbounded recursive parse would overflow
  // the stack): the digests are computed again, and the cache is rewritten.
  for (const std::string& junk : {std::string("{not json"), std::string(1 << 20, '[')}) {
    std::ofstream(a / kCheckpointDigestCache) << junk;
    EXPECT_EQ(checkpoint_digest(a), digest);
    EXPECT_TRUE(json::parse(std::ifstream(a / kCheckpointDigestCache)).is_object());
  }
}

TEST(SameDefinition, LegacyPathMatchesTheDigestOfWhatItNamesOrAnyWhenGone) {
  TempDir root;
  const fs::path a(root.path());
  write(a / "config.json", "{}");
  const auto digest = checkpoint_digest(a);
  json current = {{"provider", "engine"}, {"model", "m"}, {"params", {{"max_tokens", 8}}}, {"checkpoint", digest}};
  json legacy_gone = current;
  legacy_gone.erase("checkpoint");
  legacy_gone["path"] = "/no/such/checkout/model";
  EXPECT_TRUE(same_definition(legacy_gone, current));
  json legacy_here = legacy_gone;
  legacy_here["path"] = a.string();
  EXPECT_TRUE(same_definition(legacy_here, current));
  json other = current;
  other["checkpoint"] = std::string(64, 'f');
  EXPECT_FALSE(same_definition(legacy_here, other));  // the old path still holds other weights
  EXPECT_FALSE(same_definition(current, other));      // two digests: two models
  json params = legacy_gone;
  params["params"]["max_tokens"] = 9;
  EXPECT_FALSE(same_definition(params, current));     // anything else that changes answers
  // Nested, as in a self-play run's definition.
  EXPECT_TRUE(same_definition(json{{"proposer", {{"model", legacy_gone}}}}, json{{"proposer", {{"model", current}}}}));
  EXPECT_FALSE(same_definition(json{{"a", 1}}, json{{"a", 2}}));
}

}  // namespace
