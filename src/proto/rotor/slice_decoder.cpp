#include "proto/rotor/slice_decoder.hpp"

#include <algorithm>
#include <cstring>

#include "proto/rotor/shredder.hpp"

namespace stakecast::rotor {

std::string_view to_string(RejectReason r) {
  switch (r) {
    case RejectReason::none:
      return "none";
    case RejectReason::malformed:
      return "malformed";
    case RejectReason::bad_signature:
      return "bad_signature";
    case RejectReason::bad_merkle_proof:
      return "bad_merkle_proof";
    case RejectReason::inconsistent:
      return "inconsistent";
    case RejectReason::bad_encoding:
      return "bad_encoding";
    case RejectReason::over_budget:
      return "over_budget";
  }
  return "unknown";
}

namespace {
ShredResult outcome(ShredOutcome o) { return {o, RejectReason::none, {}}; }
ShredResult reject(RejectReason r, std::error_code ec = {}) { return {ShredOutcome::rejected, r, ec}; }

}  // namespace

bool SliceDecoder::verify_signature(const codec::ShredHeader& h, const crypto::Ed25519PublicKey& key) {
  ++signature_checks_;
  return crypto::ed25519_verify(key, codec::signed_message(h.slot, h.slice, h.last_slice, h.root),
                                h.signature);
}

void SliceDecoder::emit(DecoderEvent e) {
  if (events_.size() >= config_.max_events) events_.pop_front();
  events_.push_back(std::move(e));
}

std::optional<DecoderEvent> SliceDecoder::poll_event() {
  if (events_.empty()) return std::nullopt;
  DecoderEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

ShredResult SliceDecoder::on_shred(BytesView wire, ValidatorIndex from, ValidatorIndex leader,
                                   const crypto::Ed25519PublicKey& leader_key) {
  auto parsed = codec::parse_shred(wire);
  if (!parsed) {
    emit(Misbehaviour{from, Offence::malformed, Slot{}, Bytes(wire.begin(), wire.end()), {}});
    return reject(RejectReason::malformed, parsed.error());
  }
  const codec::ShredView& v = *parsed;
  const codec::ShredHeader& h = v.header();
  if (h.slot.get() < floor_) return outcome(ShredOutcome::ignored);
  const Key key{h.slot.get(), h.slice.get()};

  auto it = slices_.find(key);
  if (it != slices_.end()) {
    Slice& s = it->second;
    if (h.root != s.first.root) {
      // Only a validly signed second root proves equivocation; anything else is a bad relay.
      if (!verify_signature(h, leader_key)) return reject(RejectReason::bad_signature);
      emit(Misbehaviour{leader, Offence::equivocation, h.slot, s.evidence,
                        Bytes(wire.begin(), wire.begin() + codec::kShredFixedHeader)});
      return outcome(ShredOutcome::equivocation);
    }
    if (s.complete) return outcome(ShredOutcome::ignored);
    if (s.have[h.index.get()]) return outcome(ShredOutcome::duplicate);
    // Same root but another signed tuple (flag or signature bytes changed): check it like a new one.
    if ((h.last_slice != s.first.last_slice || h.signature != s.first.signature) &&
        !verify_signature(h, leader_key))
      return reject(RejectReason::bad_signature);
    if (h.data_count != s.first.data_count || h.total_count != s.first.total_count ||
        h.slice_len != s.first.slice_len || h.last_slice != s.first.last_slice)
      return reject(RejectReason::inconsistent);
  } else {
    if (v.payload().size() > config_.max_shred_payload) return reject(RejectReason::over_budget);
    const std::size_t bytes = std::size_t{h.total_count} * v.payload().size();
    if (open_ >= config_.max_open_slices || buffered_ + bytes > config_.max_buffered_bytes)
      return reject(RejectReason::over_budget);
    if (!verify_signature(h, leader_key)) {
      emit(Misbehaviour{from, Offence::bad_signature, h.slot, Bytes(wire.begin(), wire.end()), {}});
      return reject(RejectReason::bad_signature);
    }
  }

  // Merkle proof against the (now trusted) root.
  if (crypto::merkle::root_from_proof(codec::shred_leaf_hash(v), h.index.get(), v.proof()) != h.root) {
    emit(Misbehaviour{from, Offence::bad_merkle_proof, h.slot, Bytes(wire.begin(), wire.end()), {}});
    return reject(RejectReason::bad_merkle_proof);
  }

  if (it == slices_.end()) {
    Slice s;
    s.first = h;
    s.shard_len = v.payload().size();
    s.shards = take_buffer(std::size_t{h.total_count} * s.shard_len);
    s.have.assign(h.total_count, false);
    s.evidence.assign(wire.begin(), wire.begin() + codec::kShredFixedHeader);
    buffered_ += s.shards.size();
    ++open_;
    it = slices_.emplace(key, std::move(s)).first;
  }
  Slice& s = it->second;
  std::memcpy(s.shards.data() + h.index.get() * s.shard_len, v.payload().data(), s.shard_len);
  s.have[h.index.get()] = true;
  if (++s.count < s.first.data_count) return outcome(ShredOutcome::okay);
  return complete_slice(key, s, leader);
}

ShredResult SliceDecoder::complete_slice(Key key, Slice& s, ValidatorIndex leader) {
  const std::size_t k = s.first.data_count, n = s.first.total_count;
  auto release = [&] {
    buffered_ -= s.shards.size();
    --open_;
    s.complete = true;
    recycle(std::move(s.shards));
    std::vector<bool>().swap(s.have);
  };
  auto code = codecs_.get(k, n - k);
  ptrs_.resize(n);
  for (std::size_t i = 0; i < n; ++i) ptrs_[i] = s.shards.data() + i * s.shard_len;
  // Rebuild missing data shards, then re-encode all parity from the data: the re-encode check.
  std::unique_ptr<bool[]> present(new bool[n]);
  for (std::size_t i = 0; i < n; ++i) present[i] = s.have[i];
  if (!code || !code->reconstruct(ptrs_, std::span<const bool>(present.get(), n), s.shard_len, ws_, true)) {
    release();
    return reject(RejectReason::bad_encoding);
  }
  std::span<const std::uint8_t* const> data(const_cast<const std::uint8_t* const*>(ptrs_.data()), k);
  (void)code->encode(data, std::span(ptrs_).subspan(k), s.shard_len);
  leaves_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto prefix = codec::leaf_prefix(static_cast<std::uint8_t>(k), static_cast<std::uint8_t>(n),
                                     ShredIndex{static_cast<std::uint32_t>(i)}, s.first.slice_len);
    leaves_[i] = crypto::merkle::leaf_hash(prefix, BytesView(ptrs_[i], s.shard_len));
  }
  tree_.build(leaves_);
  // Padding after the slice bytes must be zero: one slice, one encoding.
  const std::size_t len = s.first.slice_len;
  const bool padding_zero = std::all_of(s.shards.begin() + static_cast<std::ptrdiff_t>(len),
                                        s.shards.begin() + static_cast<std::ptrdiff_t>(k * s.shard_len),
                                        [](std::uint8_t b) { return b == 0; });
  if (tree_.root() != s.first.root || !padding_zero) {
    emit(Misbehaviour{leader, Offence::bad_encoding, s.first.slot, s.evidence, {}});
    release();
    return reject(RejectReason::bad_encoding);
  }

  Bytes data_bytes(s.shards.begin(), s.shards.begin() + static_cast<std::ptrdiff_t>(len));
  const SliceIndex slice_index = s.first.slice;
  const bool last = s.first.last_slice;
  const crypto::Hash256 root = s.first.root;
  release();
  if (config_.keep_slices_for_blocks) {
    Block& b = blocks_[key.first];
    if (!b.done && b.slices.size() < config_.max_slices_per_block) {
      b.slices.emplace(slice_index.get(), std::make_pair(root, data_bytes));
      if (last) b.last = slice_index.get();
      if (b.last && b.slices.size() == *b.last + 1 && b.slices.rbegin()->first == *b.last) {
        std::vector<crypto::Hash256> roots;
        Bytes block;
        for (auto& [idx, rd] : b.slices) {
          roots.push_back(rd.first);
          append(block, rd.second);
        }
        b.done = true;
        b.slices.clear();
        emit(SliceDoneEvent{Slot{key.first}, slice_index, last, root, std::move(data_bytes)});
        emit(BlockDoneEvent{Slot{key.first}, block_hash(roots), std::move(block)});
        return outcome(ShredOutcome::completes);
      }
    }
  }
  emit(SliceDoneEvent{Slot{key.first}, slice_index, last, root, std::move(data_bytes)});
  return outcome(ShredOutcome::completes);
}

void SliceDecoder::forget_before(Slot slot) {
  floor_ = std::max(floor_, slot.get());
  for (auto it = slices_.begin(); it != slices_.end() && it->first.first < floor_;) {
    if (!it->second.complete) {
      buffered_ -= it->second.shards.size();
      --open_;
      recycle(std::move(it->second.shards));
    }
    it = slices_.erase(it);
  }
  blocks_.erase(blocks_.begin(), blocks_.lower_bound(floor_));
}

Bytes SliceDecoder::take_buffer(std::size_t size) {
  if (spare_.empty()) return Bytes(size);
  Bytes b = std::move(spare_.back());
  spare_.pop_back();
  b.resize(size);
  return b;
}

void SliceDecoder::recycle(Bytes&& buffer) {
  if (spare_.size() < kSpareBuffers) spare_.push_back(std::move(buffer));
  Bytes().swap(buffer);
}

std::vector<ShredIndex> SliceDecoder::held(Slot slot, SliceIndex slice) const {
  std::vector<ShredIndex> out;
  auto it = slices_.find({slot.get(), slice.get()});
  if (it == slices_.end() || it->second.complete) return out;
  for (std::size_t i = 0; i < it->second.have.size(); ++i)
    if (it->second.have[i]) out.push_back(ShredIndex{static_cast<std::uint32_t>(i)});
  return out;
}

bool SliceDecoder::slice_complete(Slot slot, SliceIndex slice) const {
  auto it = slices_.find({slot.get(), slice.get()});
  return it != slices_.end() && it->second.complete;
}

}  // namespace stakecast::rotor
