// Bytes a machine has produced and its owner has not pulled yet: writers append to buffer(), the owner
// pulls with poll() into its own buffer (ARCHITECTURE.md 3, outputs are pulled). No I/O.
#pragma once

#include <algorithm>
#include <cstring>

#include "core/bytes.hpp"

namespace stakecast {

class Outbox {
 public:
  // Append directly; bytes before the pull position are already gone.
  Bytes& buffer() { return buf_; }
  bool empty() const { return sent_ == buf_.size(); }
  std::size_t pending() const { return buf_.size() - sent_; }

  // Copies up to out.size() pending bytes into out; returns how many.
  std::size_t poll(MutBytes out) {
    const std::size_t n = std::min(out.size(), buf_.size() - sent_);
    if (n == 0) return 0;  // (memcpy from an empty vector's null data() would be undefined)
    std::memcpy(out.data(), buf_.data() + sent_, n);
    sent_ += n;
    if (sent_ == buf_.size()) {
      buf_.clear();
      sent_ = 0;
    }
    return n;
  }

 private:
  Bytes buf_;
  std::size_t sent_ = 0;
};

}  // namespace stakecast
