// Byzantine roles as wrappers around nodes (ARCHITECTURE.md 7; issue 6 item 1): the wrapped machine is
// the honest one, unchanged; the wrapper decides what of its output reaches the network. Withholding and
// corrupting relays filter or alter outgoing messages; an equivocating leader is two machines with the
// same key, each heard by a different part of the network. No I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "sim/runner.hpp"

namespace stakecast::sim {

// Passes every outgoing message through `fn`: returned (possibly altered) or dropped (nullopt).
class OutputFilter final : public Node {
 public:
  using Fn = std::function<std::optional<Message>(Message)>;
  OutputFilter(std::unique_ptr<Node> inner, Fn fn) : inner_(std::move(inner)), fn_(std::move(fn)) {}

  Node& inner() { return *inner_; }
  std::uint64_t dropped() const { return dropped_; }

  void on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) override {
    inner_->on_message(from, channel, bytes, now);
  }
  void on_deadline(TimePoint now) override { inner_->on_deadline(now); }
  TimePoint next_deadline() const override { return inner_->next_deadline(); }
  Duration poll_cpu() override { return inner_->poll_cpu(); }
  std::optional<Message> poll_transmit() override;

 private:
  std::unique_ptr<Node> inner_;
  Fn fn_;
  std::uint64_t dropped_ = 0;
};

// Drops everything sent on `channel` (a withholding relay: channel = rotor::Protocol::shred).
OutputFilter::Fn withhold(std::uint8_t channel);
// Flips one byte of everything sent on `channel` (at `offset` modulo the size): a corrupting relay.
OutputFilter::Fn corrupt(std::uint8_t channel, std::size_t offset);

// Validators for a fault role by stake share: the ones not yet `taken`, in an order drawn from `seed`, each
// taken while the chosen stake stays at or below `fraction` of the total (one that would exceed it is
// skipped). Chosen validators are marked in `taken`, so roles drawn one after the other are disjoint; mark
// the leader first to spare it. fraction in [0, 1].
std::vector<ValidatorIndex> pick_by_stake(std::span<const Stake> stakes, double fraction, std::uint64_t seed,
                                          std::vector<bool>& taken);

// Two machines behind one validator: `a` is heard by the validators for which `to_a` is true, `b` by the
// rest; both hear everything. With two engines holding the leader's key and broadcasting different blocks
// for one slot, this is an equivocating leader.
class Split final : public Node {
 public:
  using Side = std::function<bool(ValidatorIndex)>;
  Split(std::unique_ptr<Node> a, std::unique_ptr<Node> b, Side to_a)
      : a_(std::move(a)), b_(std::move(b)), to_a_(std::move(to_a)) {}

  Node& a() { return *a_; }
  Node& b() { return *b_; }

  void on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) override;
  void on_deadline(TimePoint now) override;
  TimePoint next_deadline() const override;
  Duration poll_cpu() override { return a_->poll_cpu() + b_->poll_cpu(); }
  std::optional<Message> poll_transmit() override;

 private:
  std::unique_ptr<Node> a_, b_;
  Side to_a_;
};

}  // namespace stakecast::sim
