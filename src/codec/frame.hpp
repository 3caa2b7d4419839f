// Unsigned-varint length-prefixed frames (libp2p's framing for multistream-select, identify, pubsub and
// our /stakecast/* protocols). A streaming reader that accepts input split anywhere and checks the
// announced length against a limit before buffering anything. No I/O.
#pragma once

#include <cstddef>
#include <optional>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"

namespace stakecast::codec {

enum class FrameErrc {
  bad_varint = 1,  // overlong or non-minimal length prefix
  too_large,       // announced length above the reader's limit
};
const char* describe(FrameErrc e);
STAKECAST_ERRC_FUNCS(FrameErrc, "frame")

// Appends varint(len(body)) || body to out.
void append_frame(Bytes& out, BytesView body);

class FrameReader {
 public:
  explicit FrameReader(std::size_t max_frame) : max_(max_frame) {}

  // Consumes bytes from `in` until one frame is complete or `in` is exhausted. Returns the number of
  // bytes consumed; after an error the reader stays failed (the stream must be reset).
  // Errors: bad_varint, too_large.
  Result<std::size_t> feed(BytesView in);
  // The completed frame, if any; valid until the next feed().
  std::optional<BytesView> frame() const;
  // Moves past the completed frame.
  void next();
  // Feeds all of `in`, calling on_frame(BytesView) for each frame it completes (the view is valid during
  // the call). Errors: as feed(); frames before the error were delivered.
  template <class F>
  Status feed_all(BytesView in, F&& on_frame) {
    while (!in.empty()) {
      auto used = feed(in);
      if (!used) return Err(used.error());
      in = in.subspan(*used);
      if (auto f = frame()) {
        on_frame(*f);
        next();
      }
    }
    return {};
  }

 private:
  std::size_t max_;
  std::uint8_t prefix_[10] = {};
  std::size_t prefix_len_ = 0;
  std::optional<std::size_t> want_;
  Bytes body_;
  bool failed_ = false;
  std::error_code error_;
};

}  // namespace stakecast::codec

STAKECAST_ERRC_ENUM(stakecast::codec::FrameErrc)
