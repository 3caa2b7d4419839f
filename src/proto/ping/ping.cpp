#include "proto/ping/ping.hpp"

#include <algorithm>

namespace stakecast::ping {

Bytes Responder::on_bytes(BytesView in) {
  append(pending_, in);
  const std::size_t whole = pending_.size() / kPayload * kPayload;
  Bytes echo(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(whole));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(whole));
  return echo;
}

std::array<std::uint8_t, kPayload> Initiator::start(Entropy& entropy, TimePoint now) {
  entropy.fill(sent_);
  got_.clear();
  started_ = now;
  return sent_;
}

Initiator::Outcome Initiator::on_bytes(BytesView in, TimePoint now) {
  append(got_, in.first(std::min(in.size(), kPayload - std::min(kPayload, got_.size()))));
  if (got_.size() < kPayload) return Outcome::pending;
  if (!std::equal(got_.begin(), got_.end(), sent_.begin())) return Outcome::mismatch;
  rtt_ = now - started_;
  return Outcome::ok;
}

}  // namespace stakecast::ping
