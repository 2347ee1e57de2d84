#include "engine/serve/paged_sequence.h"

#include <stdexcept>

namespace gauntlet::engine {

PagedSequence::~PagedSequence() {
  for (int b : table_) pool_->release(b);
}

std::unique_ptr<PagedSequence> PagedSequence::fork() const {
  auto copy = std::make_unique<PagedSequence>(*pool_);
  for (int b : table_) pool_->retain(b);
  copy->table_ = table_;
  copy->size_ = size_;
  return copy;
}

void PagedSequence::adopt(std::span<const int> blocks) {
  const int bs = pool_->block_size();
  if (size_ % bs != 0 || static_cast<int>(table_.size()) * bs != size_)
    throw std::logic_error("PagedSequence::adopt: the sequence does not end on a block boundary");
  table_.insert(table_.end(), blocks.begin(), blocks.end());
  size_ += static_cast<int>(blocks.size()) * bs;
}

void PagedSequence::resize(int tokens) {
  if (tokens < 0) throw std::invalid_argument("PagedSequence::resize: negative size");
  const int bs = pool_->block_size();
  const std::size_t need = static_cast<std::size_t>((tokens + bs - 1) / bs);
  if (tokens <= size_) {
    while (table_.size() > need) {
      pool_->release(table_.back());
      table_.pop_back();
    }
    size_ = tokens;
    return;
  }
  // Rows [size_, tokens) will be written: the block holding size_ (when partly filled and shared)
  // is copied first; then fresh blocks. All allocations first, so a KvFullError changes nothing.
  const std::size_t first_written = static_cast<std::size_t>(size_ / bs);
  const bool copy_last = first_written < table_.size() && pool_->ref_count(table_[first_written]) > 1;
  const std::size_t fresh = need - table_.size();
  std::vector<int> got;
  try {
    for (std::size_t i = 0; i < fresh + (copy_last ? 1 : 0); ++i) got.push_back(pool_->allocate());
  } catch (const KvFullError&) {
    for (int b : got) pool_->release(b);
    throw;
  }
  std::size_t next = 0;
  if (copy_last) {
    const int mine = got[next++];
    pool_->copy(table_[first_written], mine);
    pool_->release(table_[first_written]);
    table_[first_written] = mine;
  }
  while (next < got.size()) table_.push_back(got[next++]);
  size_ = tokens;
}

}  // namespace gauntlet::engine
