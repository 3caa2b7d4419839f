#include "proto/ping/ping.hpp"

#include <algorithm>
#include <cstring>

namespace stakecast::ping {

const char* describe(Errc e) {
  switch (e) {
    case Errc::mismatch:
      return "ping echo does not match";
    case Errc::unexpected_bytes:
      return "ping bytes with no ping outstanding";
    case Errc::timeout:
      return "ping timed out";
    case Errc::busy:
      return "a ping is already outstanding";
    case Errc::flood:
      return "ping echoes not drained";
  }
  return "unknown ping error";
}

Status Responder::on_bytes(BytesView in, TimePoint /*now*/) {
  if (failed()) return Err(error_);
  // Whole payloads only: a partial one waits for the rest, so the echo never splits a payload.
  while (!in.empty()) {
    const std::size_t n = std::min(in.size(), kPayload - partial_len_);
    std::memcpy(partial_.data() + partial_len_, in.data(), n);
    partial_len_ += n;
    in = in.subspan(n);
    if (partial_len_ < kPayload) break;
    if (out_.pending() + kPayload > config_.max_unsent) {
      error_ = make_error_code(Errc::flood);
      return Err(error_);
    }
    append(out_.buffer(), partial_);
    partial_len_ = 0;
  }
  return {};
}

Status Initiator::fail(Errc e) {
  if (!error_) error_ = make_error_code(e);
  return Err(error_);
}

Status Initiator::ping(Entropy& entropy, TimePoint now) {
  if (failed()) return Err(error_);
  if (outstanding_) return Errc::busy;
  entropy.fill(sent_);
  append(out_.buffer(), sent_);
  got_ = 0;
  outstanding_ = true;
  sent_at_ = now;
  return {};
}

Status Initiator::on_bytes(BytesView in, TimePoint now) {
  if (failed()) return Err(error_);
  if (in.empty()) return {};
  if (!outstanding_) return fail(Errc::unexpected_bytes);
  const std::size_t n = std::min(in.size(), kPayload - got_);
  if (std::memcmp(in.data(), sent_.data() + got_, n) != 0) return fail(Errc::mismatch);
  got_ += n;
  if (n < in.size()) return fail(Errc::unexpected_bytes);  // more than the echo
  if (got_ == kPayload) {
    outstanding_ = false;
    event_ = Event{Event::Kind::pong, now - sent_at_};
  }
  return {};
}

Status Initiator::on_deadline(TimePoint now) {
  if (failed()) return Err(error_);
  if (outstanding_ && now >= sent_at_ + config_.timeout) return fail(Errc::timeout);
  return {};
}

}  // namespace stakecast::ping
