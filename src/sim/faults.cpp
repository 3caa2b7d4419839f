#include "sim/faults.hpp"

#include <algorithm>

#include "core/rng.hpp"

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

std::vector<ValidatorIndex> pick_by_stake(std::span<const Stake> stakes, double fraction, std::uint64_t seed,
                                          std::vector<bool>& taken) {
  long double total = 0;
  for (Stake s : stakes) total += static_cast<long double>(s.get());
  std::vector<std::uint32_t> order;
  for (std::uint32_t i = 0; i < stakes.size(); ++i)
    if (i >= taken.size() || !taken[i]) order.push_back(i);
  auto rng = DeterministicRng::from_u64(seed);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.uniform(i)]);
  const long double budget = total * static_cast<long double>(fraction);
  long double used = 0;
  std::vector<ValidatorIndex> out;
  if (taken.size() < stakes.size()) taken.resize(stakes.size(), false);
  for (std::uint32_t i : order) {
    const auto s = static_cast<long double>(stakes[i].get());
    if (used + s > budget) continue;
    used += s;
    taken[i] = true;
    out.push_back(ValidatorIndex{i});
  }
  std::sort(out.begin(), out.end());
  return out;
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
