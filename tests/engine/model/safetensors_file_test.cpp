// SafetensorsFile: valid files parse into views; every malformed header is a CheckpointError that
// names the file (and the tensor when there is one).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "engine/model/checkpoint_error.h"
#include "engine/model/safetensors_file.h"
#include "tests/support/command.h"

namespace {

using gauntlet::engine::CheckpointError;
using gauntlet::engine::DType;
using gauntlet::engine::SafetensorsFile;
using gauntlet::testing::TempDir;

std::string le64(std::uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(n >> (8 * i));
  return s;
}

// header JSON (space-padded to 8 bytes, as writers do) + data bytes, with the true header length
// unless one is given.
std::string file_bytes(std::string header, const std::string& data, std::int64_t header_len = -1) {
  header.append((8 - header.size() % 8) % 8, ' ');
  return le64(header_len < 0 ? header.size() : static_cast<std::uint64_t>(header_len)) + header + data;
}

// Opens `bytes` as x.safetensors and returns the error message ("" when it opens).
std::string open_error(const TempDir& dir, const std::string& bytes) {
  dir.write("x.safetensors", bytes);
  try {
    SafetensorsFile f(dir.file("x.safetensors"));
  } catch (const CheckpointError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(dir.file("x.safetensors")), std::string::npos) << msg;
    return msg;
  }
  return "";
}

bool has(const std::string& msg, const std::string& part) { return msg.find(part) != std::string::npos; }

TEST(SafetensorsFile, ParsesTensorsAndIgnoresMetadata) {
  TempDir dir;
  float values[3] = {1.5f, -2.0f, 3.25f};
  std::string data(reinterpret_cast<const char*>(values), sizeof values);
  data += std::string("\x80\x3f\x00\x40", 4);  // bf16 1.0, 2.0
  std::string header =
      R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
      R"("b":{"dtype":"BF16","shape":[1,2],"data_offsets":[12,16]},"empty":{"dtype":"F16","shape":[0,4],"data_offsets":[16,16]}})";
  dir.write("x.safetensors", file_bytes(header, data));
  SafetensorsFile f(dir.file("x.safetensors"));
  EXPECT_EQ(f.tensors().size(), 3u);
  EXPECT_FALSE(f.contains("__metadata__"));
  const auto& a = f.tensor("a");
  EXPECT_EQ(a.dtype, DType::kF32);
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(std::memcmp(a.data, values, sizeof values), 0);
  const auto& b = f.tensor("b");
  EXPECT_EQ(b.dtype, DType::kBF16);
  EXPECT_EQ(b.shape, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(static_cast<const unsigned char*>(b.data)[1], 0x3f);
  EXPECT_EQ(f.tensor("empty").numel(), 0);
  EXPECT_EQ(f.find("nope"), nullptr);
  try {
    f.tensor("nope");
    FAIL();
  } catch (const CheckpointError& e) {
    EXPECT_TRUE(has(e.what(), "missing tensor nope"));
  }
  SafetensorsFile moved = std::move(f);
  EXPECT_EQ(std::memcmp(moved.tensor("a").data, values, sizeof values), 0);
}

TEST(SafetensorsFile, TruncatedFile) {
  TempDir dir;
  EXPECT_TRUE(has(open_error(dir, ""), "truncated"));
  EXPECT_TRUE(has(open_error(dir, "\x10\x00\x00"), "truncated"));
}

TEST(SafetensorsFile, HeaderLengthBeyondFile) {
  TempDir dir;
  std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  auto msg = open_error(dir, file_bytes(header, "abcd", 1000));
  EXPECT_TRUE(has(msg, "header length 1000")) << msg;
  msg = open_error(dir, le64(~0ULL) + "{}");
  EXPECT_TRUE(has(msg, "beyond the file")) << msg;
  // Truncated in the data: the tensor's offsets now point past the end.
  msg = open_error(dir, file_bytes(header, "ab"));
  EXPECT_TRUE(has(msg, "tensor a")) << msg;
  EXPECT_TRUE(has(msg, "out of range")) << msg;
}

TEST(SafetensorsFile, HeaderNotJsonObject) {
  TempDir dir;
  EXPECT_TRUE(has(open_error(dir, file_bytes("{\"a\": [", "")), "not valid JSON"));
  EXPECT_TRUE(has(open_error(dir, file_bytes("[1, 2]", "")), "not a JSON object"));
  EXPECT_TRUE(has(open_error(dir, file_bytes(R"({"a": 3})", "")), "tensor a: entry is not an object"));
  EXPECT_TRUE(has(open_error(dir, file_bytes(R"({"a": {"dtype":"F32","shape":[1]}})", "abcd")), "data_offsets"));
  EXPECT_TRUE(has(open_error(dir, file_bytes(R"({"a": {"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", "abcd")),
                  "shape"));
}

TEST(SafetensorsFile, UnknownDtypeIsNamed) {
  TempDir dir;
  auto msg = open_error(dir, file_bytes(R"({"w":{"dtype":"I8","shape":[4],"data_offsets":[0,4]}})", "abcd"));
  EXPECT_TRUE(has(msg, "tensor w")) << msg;
  EXPECT_TRUE(has(msg, "unsupported dtype I8")) << msg;
  msg = open_error(dir, file_bytes(R"({"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}})", "abcd"));
  EXPECT_TRUE(has(msg, "F8_E4M3")) << msg;
}

TEST(SafetensorsFile, ShapeMustMatchOffsetSpan) {
  TempDir dir;
  auto msg = open_error(dir, file_bytes(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})",
                                        std::string(24, 'x')));
  EXPECT_TRUE(has(msg, "tensor w")) << msg;
  EXPECT_TRUE(has(msg, "needs 24 bytes")) << msg;
}

TEST(SafetensorsFile, OffsetsOutOfRange) {
  TempDir dir;
  auto msg = open_error(dir, file_bytes(R"({"w":{"dtype":"F16","shape":[4],"data_offsets":[4,12]}})",
                                        std::string(10, 'x')));
  EXPECT_TRUE(has(msg, "tensor w")) << msg;
  EXPECT_TRUE(has(msg, "out of range")) << msg;
}

TEST(SafetensorsFile, OffsetsNotInOrder) {
  TempDir dir;
  auto msg = open_error(dir, file_bytes(R"({"w":{"dtype":"F16","shape":[0],"data_offsets":[8,4]}})",
                                        std::string(8, 'x')));
  EXPECT_TRUE(has(msg, "tensor w")) << msg;
  EXPECT_TRUE(has(msg, "not in order")) << msg;
}

TEST(SafetensorsFile, OverlappingTensors) {
  TempDir dir;
  auto msg = open_error(dir, file_bytes(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                                        R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                                        std::string(24, 'x')));
  EXPECT_TRUE(has(msg, "overlap")) << msg;
  EXPECT_TRUE(has(msg, "a [0, 16]") && has(msg, "b [8, 24]")) << msg;
  // A tensor inside a longer one, with a zero-size tensor in between, is caught too.
  msg = open_error(dir, file_bytes(R"({"long":{"dtype":"F32","shape":[8],"data_offsets":[0,32]},)"
                                   R"("z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
                                   R"("inner":{"dtype":"F32","shape":[1],"data_offsets":[20,24]}})",
                                   std::string(32, 'x')));
  EXPECT_TRUE(has(msg, "long") && has(msg, "inner")) << msg;
}

TEST(SafetensorsFile, MisalignedTensor) {
  TempDir dir;
  // The header is padded, but the F32 tensor starts one byte into the data.
  std::string header = R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[1,5]}})";
  auto msg = open_error(dir, file_bytes(header, std::string(5, 'x')));
  EXPECT_TRUE(has(msg, "tensor w")) << msg;
  EXPECT_TRUE(has(msg, "not aligned")) << msg;
}

TEST(SafetensorsFile, MissingFileAndDirectory) {
  TempDir dir;
  EXPECT_THROW(SafetensorsFile(dir.file("absent.safetensors")), CheckpointError);
  EXPECT_THROW(SafetensorsFile(dir.path()), CheckpointError);
}

// Issue 21: header limits. Deep nesting is refused while parsing; a header over 100 MB (the
// reference implementation's limit) is refused before it is parsed.
TEST(SafetensorsFile, HeaderLimits) {
  TempDir dir;
  const std::string deep = std::string(66000, '[') + std::string(66000, ']');
  auto msg = open_error(dir, file_bytes("{\"__metadata__\": {\"a\": " + deep + "}}", ""));
  EXPECT_TRUE(has(msg, "header: nested deeper than 128 levels (the limit)")) << msg.substr(0, 300);
  using namespace std::string_literals;
  EXPECT_TRUE(has(open_error(dir, file_bytes("{}\0\0\0\0\0\0"s, "")), "header: a NUL byte at offset 2"));

  dir.write("big.safetensors", le64(100'000'001) + "{}");
  std::filesystem::resize_file(dir.file("big.safetensors"), 8 + 100'000'001);  // sparse
  try {
    SafetensorsFile f(dir.file("big.safetensors"));
    FAIL() << "no error";
  } catch (const CheckpointError& e) {
    EXPECT_TRUE(has(e.what(), "header length 100000001 is more than 100000000 bytes (the limit)")) << e.what();
  }
}

}  // namespace
