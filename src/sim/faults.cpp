#include "sim/faults.hpp"

#include <algorithm>

namespace stakecast::sim {

std::optional<Message> OutputFilter::poll_transmit() {
  while (auto m = inner_->poll_transmit()) {
    auto out = fn_(std::move(*m));
    if (out) return out;
    ++dropped_;
  }
  return std::nullopt;
}

OutputFilter::Fn withhold(std::uint8_t channel) {
  return [channel](Message m) -> std::optional<Message> {
    if (m.channel == channel) return std::nullopt;
    return m;
  };
}

OutputFilter::Fn corrupt(std::uint8_t channel, std::size_t offset) {
  return [channel, offset](Message m) -> std::optional<Message> {
    if (m.channel != channel || !m.bytes || m.bytes->empty()) return m;
    Bytes b = *m.bytes;
    b[offset % b.size()] ^= 0x01;
    m.bytes = std::make_shared<const Bytes>(std::move(b));
    return m;
  };
}

void Split::on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) {
  a_->on_message(from, channel, bytes, now);
  b_->on_message(from, channel, bytes, now);
}

void Split::on_deadline(TimePoint now) {
  if (a_->next_deadline() <= now) a_->on_deadline(now);
  if (b_->next_deadline() <= now) b_->on_deadline(now);
}

TimePoint Split::next_deadline() const { return std::min(a_->next_deadline(), b_->next_deadline()); }

std::optional<Message> Split::poll_transmit() {
  while (auto m = a_->poll_transmit())
    if (to_a_(m->to)) return m;
  while (auto m = b_->poll_transmit())
    if (!to_a_(m->to)) return m;
  return std::nullopt;
}

}  // namespace stakecast::sim
