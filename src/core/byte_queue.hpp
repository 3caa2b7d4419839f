// A FIFO of bytes stored as chunks, for stream buffers: appending and consuming cost one copy of the
// bytes and no per-byte bookkeeping. No I/O.
#pragma once

#include <algorithm>
#include <cstring>
#include <deque>

#include "core/bytes.hpp"

namespace stakecast {

class ByteQueue {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void append(BytesView data) {
    if (data.empty()) return;
    chunks_.emplace_back(data.begin(), data.end());
    size_ += data.size();
  }

  // Copies up to out.size() bytes from the front without consuming them; returns the count.
  std::size_t peek(MutBytes out) const {
    std::size_t done = 0, skip = head_;
    for (const auto& c : chunks_) {
      if (done == out.size()) break;
      const std::size_t n = std::min(out.size() - done, c.size() - skip);
      std::memcpy(out.data() + done, c.data() + skip, n);
      done += n;
      skip = 0;
    }
    return done;
  }

  void consume(std::size_t n) {
    n = std::min(n, size_);
    size_ -= n;
    while (n > 0) {
      const std::size_t avail = chunks_.front().size() - head_;
      if (n < avail) {
        head_ += n;
        return;
      }
      n -= avail;
      chunks_.pop_front();
      head_ = 0;
    }
  }

  std::size_t read(MutBytes out) {
    const std::size_t n = peek(out);
    consume(n);
    return n;
  }

 private:
  std::deque<Bytes> chunks_;
  std::size_t head_ = 0;  // consumed bytes of chunks_.front()
  std::size_t size_ = 0;
};

}  // namespace stakecast
