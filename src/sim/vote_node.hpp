// The vote workload of issue 6 item 3, modelled on Alpenglow's Votor (white paper section 2.4): a wrapper
// around any dissemination node that, as soon as its node has the block, sends a small notarization vote
// directly to every validator. A validator holding the block is notarized once votes from more than 60%
// of the stake reached it, fast-finalized at more than 80%, and otherwise finalized after a second round:
// on notarization it sends a finalization vote to everyone, and more than 60% of those finalize it.
// Like Alpenglow, a validator that assembles a certificate (notarization, fast finalization,
// finalization) from votes sends it to everyone, and a certificate counts as the votes it carries; a
// validator acts on votes and certificates only once it has the block itself.
//
// Votes are modelled messages (kind, slot, voter, padded to `vote_bytes`; certificates to `cert_bytes`),
// not signed DirectPath messages: the project has no Votor and no BLS, and an Ed25519 check per vote
// (1,300^2 per round) would dominate the run. Their cost enters through `cpu_per_vote`. No I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/strong.hpp"
#include "sim/runner.hpp"

namespace stakecast::sim {

inline constexpr std::uint8_t kVoteChannel = 0x30;

struct VoteConfig {
  std::vector<Stake> stakes;  // every validator's stake, by index
  Slot slot{1};
  std::uint32_t vote_bytes = 192;  // Alpenglow's simulation: 128-byte signature + 64 bytes of fields
  std::uint32_t cert_bytes = 448;  // signature + 256-byte signer bitmap + fields
  bool certificates = true;        // send assembled certificates to everyone
  Duration cpu_per_vote{0};        // modelled check of one vote or certificate
  // Thresholds in permille of the total stake, exceeded strictly (Alpenglow: > 60%, > 80%).
  std::uint32_t notar_permille = 600;
  std::uint32_t fast_permille = 800;
  std::uint32_t final_permille = 600;
};

// Times one validator reached each step, since the block was broadcast (nullopt: never).
struct VoteTimes {
  std::optional<TimePoint> block, notarized, fast_finalized, slow_finalized, finalized;
};

// Several slots: one VoteNode per slot, each wrapping the previous one; votes for another slot pass inward.
class VoteNode final : public Node {
 public:
  // `has_block(inner)` tells when the wrapped node rebuilt the block (nullopt: not yet); it is asked after
  // every input. `self` is this validator's index.
  using BlockProbe = std::function<std::optional<TimePoint>(const Node& inner)>;
  VoteNode(std::unique_ptr<Node> inner, ValidatorIndex self, std::shared_ptr<const VoteConfig> config,
           BlockProbe has_block);

  Node& inner() { return *inner_; }
  Slot slot() const { return config_->slot; }
  const Node& inner() const { return *inner_; }
  const VoteTimes& times() const { return times_; }
  std::uint64_t votes_received() const { return votes_received_; }
  // Votes and certificates this node emitted (payload bytes, messages).
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  std::uint64_t messages_sent() const { return messages_sent_; }

  // For inputs that do not come through on_message/on_deadline (runner commands): the time they ran at.
  void at(TimePoint now) { now_ = now; }

  void on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) override;
  void on_deadline(TimePoint now) override;
  TimePoint next_deadline() const override { return inner_->next_deadline(); }
  std::optional<Message> poll_transmit() override;
  Duration poll_cpu() override;

 private:
  enum Kind : std::uint8_t { notar_vote = 1, final_vote, notar_cert, fast_cert, final_cert };
  struct Tally {
    std::vector<bool> seen;
    std::uint64_t stake = 0;
  };

  void check_block();
  void on_vote(Kind kind, std::uint32_t voter);
  void broadcast(Kind kind);
  void advance();  // apply what the tallies and certificates allow, given the block
  bool over(const Tally& t, std::uint32_t permille) const;

  std::unique_ptr<Node> inner_;
  ValidatorIndex self_;
  std::shared_ptr<const VoteConfig> config_;
  BlockProbe has_block_;
  std::uint64_t total_ = 0;
  TimePoint now_{};
  VoteTimes times_{};
  Tally notar_, final_;
  bool got_notar_cert_ = false, got_fast_cert_ = false, got_final_cert_ = false;
  bool sent_final_vote_ = false;
  // Outgoing broadcasts, expanded one destination at a time.
  struct Pending {
    Payload bytes;
    std::uint32_t next = 0;
  };
  std::vector<Pending> out_;
  std::size_t out_head_ = 0;
  std::uint64_t votes_received_ = 0, votes_since_ = 0, bytes_sent_ = 0, messages_sent_ = 0;
};

}  // namespace stakecast::sim
