#include "sim/vote_node.hpp"

#include "core/bytes.hpp"

namespace stakecast::sim {
namespace {
__extension__ using U128 = unsigned __int128;
constexpr std::size_t kVoteHeader = 1 + 8 + 4;  // kind, slot, voter
}  // namespace

VoteNode::VoteNode(std::unique_ptr<Node> inner, ValidatorIndex self, std::shared_ptr<const VoteConfig> config,
                   BlockProbe has_block)
    : inner_(std::move(inner)), self_(self), config_(std::move(config)), has_block_(std::move(has_block)) {
  const std::size_t n = config_->stakes.size();
  for (Stake s : config_->stakes) total_ += s.get();
  notar_.seen.assign(n, false);
  final_.seen.assign(n, false);
}

bool VoteNode::over(const Tally& t, std::uint32_t permille) const {
  return U128{t.stake} * 1000 > U128{total_} * permille;
}

void VoteNode::on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) {
  now_ = now;
  if (channel != kVoteChannel) {
    inner_->on_message(from, channel, bytes, now);
    check_block();
    return;
  }
  const Bytes& b = *bytes;
  if (b.size() < kVoteHeader) return;
  if (load_le64(b.data() + 1) != config_->slot.get()) {  // another slot's: the layer inside may want it
    inner_->on_message(from, channel, bytes, now);
    check_block();
    return;
  }
  const std::uint32_t voter = load_le32(b.data() + 9);
  // The sender must be the voter (certificates name their assembler): a relay cannot vote for others.
  if (voter != from.get() || voter >= config_->stakes.size()) return;
  ++votes_received_;
  ++votes_since_;
  on_vote(static_cast<Kind>(b[0]), voter);
  advance();
}

void VoteNode::on_deadline(TimePoint now) {
  now_ = now;
  inner_->on_deadline(now);
  check_block();
}

void VoteNode::check_block() {
  if (times_.block) return;
  if (auto t = has_block_(*inner_)) {
    times_.block = *t;
    if (*t > now_) now_ = *t;
    broadcast(notar_vote);
    on_vote(notar_vote, self_.get());  // our own vote counts
    advance();
  }
}

void VoteNode::on_vote(Kind kind, std::uint32_t voter) {
  switch (kind) {
    case notar_vote:
      if (!notar_.seen[voter]) {
        notar_.seen[voter] = true;
        notar_.stake += config_->stakes[voter].get();
      }
      break;
    case final_vote:
      if (!final_.seen[voter]) {
        final_.seen[voter] = true;
        final_.stake += config_->stakes[voter].get();
      }
      break;
    case notar_cert:
      got_notar_cert_ = true;
      break;
    case fast_cert:
      got_fast_cert_ = true;
      break;
    case final_cert:
      got_final_cert_ = true;
      break;
  }
}

void VoteNode::advance() {
  if (!times_.block) return;  // votes and certificates wait for the block
  const VoteConfig& c = *config_;
  if (!times_.notarized && (got_notar_cert_ || over(notar_, c.notar_permille) || got_fast_cert_)) {
    times_.notarized = now_;
    if (c.certificates && !got_notar_cert_ && !got_fast_cert_) broadcast(notar_cert);
  }
  if (times_.notarized && !sent_final_vote_) {
    sent_final_vote_ = true;
    broadcast(final_vote);
    on_vote(final_vote, self_.get());
  }
  if (!times_.fast_finalized && (got_fast_cert_ || over(notar_, c.fast_permille))) {
    times_.fast_finalized = now_;
    if (c.certificates && !got_fast_cert_ && !times_.finalized) broadcast(fast_cert);
  }
  if (!times_.slow_finalized && times_.notarized && (got_final_cert_ || over(final_, c.final_permille))) {
    times_.slow_finalized = now_;
    if (c.certificates && !got_final_cert_ && !times_.finalized) broadcast(final_cert);
  }
  if (!times_.finalized && (times_.fast_finalized || times_.slow_finalized)) times_.finalized = now_;
}

void VoteNode::broadcast(Kind kind) {
  const bool cert = kind == notar_cert || kind == fast_cert || kind == final_cert;
  const std::size_t size =
      std::max<std::size_t>(kVoteHeader, cert ? config_->cert_bytes : config_->vote_bytes);
  Bytes b(size, 0);
  b[0] = kind;
  store_le64(b.data() + 1, config_->slot.get());
  store_le32(b.data() + 9, self_.get());
  out_.push_back(Pending{std::make_shared<const Bytes>(std::move(b)), 0});
}

std::optional<Message> VoteNode::poll_transmit() {
  if (auto m = inner_->poll_transmit()) return m;
  check_block();  // a command (the leader's broadcast) may have completed the block without a message
  const auto n = static_cast<std::uint32_t>(config_->stakes.size());
  while (out_head_ < out_.size()) {
    Pending& p = out_[out_head_];
    if (p.next == self_.get()) ++p.next;
    if (p.next >= n) {
      ++out_head_;
      continue;
    }
    Message m{ValidatorIndex{p.next++}, kVoteChannel, prio::Class::critical, p.bytes, 0};
    ++messages_sent_;
    bytes_sent_ += p.bytes->size();
    return m;
  }
  out_.clear();
  out_head_ = 0;
  return std::nullopt;
}

Duration VoteNode::poll_cpu() {
  const Duration d = inner_->poll_cpu() + config_->cpu_per_vote * static_cast<std::int64_t>(votes_since_);
  votes_since_ = 0;
  return d;
}

}  // namespace stakecast::sim
