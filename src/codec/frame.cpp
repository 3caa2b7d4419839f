#include "codec/frame.hpp"

#include <algorithm>

#include "core/varint.hpp"

namespace stakecast::codec {

const char* describe(FrameErrc e) {
  switch (e) {
    case FrameErrc::bad_varint:
      return "frame length prefix is not a valid unsigned varint";
    case FrameErrc::too_large:
      return "frame length exceeds the limit";
  }
  return "unknown frame error";
}

void append_frame(Bytes& out, BytesView body) {
  varint::append(out, body.size());
  append(out, body);
}

Result<std::size_t> FrameReader::feed(BytesView in) {
  if (failed_) return Err(error_);
  std::size_t used = 0;
  while (!want_ && used < in.size()) {
    prefix_[prefix_len_++] = in[used++];
    auto d = varint::decode(BytesView(prefix_, prefix_len_));
    if (d.status == varint::DecodeStatus::need_more) continue;
    if (d.status != varint::DecodeStatus::ok) {
      failed_ = true;
      error_ = make_error_code(FrameErrc::bad_varint);
      return Err(error_);
    }
    if (d.value > max_) {
      failed_ = true;
      error_ = make_error_code(FrameErrc::too_large);
      return Err(error_);
    }
    want_ = static_cast<std::size_t>(d.value);
    body_.clear();
    body_.reserve(*want_);
  }
  if (want_ && body_.size() < *want_) {
    const std::size_t n = std::min(*want_ - body_.size(), in.size() - used);
    body_.insert(body_.end(), in.begin() + static_cast<std::ptrdiff_t>(used),
                 in.begin() + static_cast<std::ptrdiff_t>(used + n));
    used += n;
  }
  return used;
}

std::optional<BytesView> FrameReader::frame() const {
  if (!want_ || body_.size() < *want_) return std::nullopt;
  return BytesView(body_);
}

void FrameReader::next() {
  if (!frame()) return;
  want_.reset();
  prefix_len_ = 0;
  body_.clear();
}

}  // namespace stakecast::codec
