#include "proto/gossipsub/router.hpp"

#include <algorithm>

#include "codec/libp2p_messages.hpp"
#include "core/varint.hpp"
#include "crypto/sha256.hpp"

namespace stakecast::gossipsub {

const char* describe(Errc e) {
  switch (e) {
    case Errc::unknown_peer:
      return "unknown gossipsub peer";
    case Errc::too_many_peers:
      return "gossipsub peer limit reached";
    case Errc::too_large:
      return "message above the gossipsub size limit";
    case Errc::too_many_topics:
      return "gossipsub subscription limit reached";
    case Errc::no_signing_key:
      return "StrictSign needs a signing key";
    case Errc::graylisted:
      return "peer is graylisted: RPC ignored";
    case Errc::malformed_rpc:
      return "malformed gossipsub RPC";
    case Errc::duplicate_message:
      return "message already published or seen";
  }
  return "unknown gossipsub error";
}

std::string_view protocol_id(Protocol p) { return kProtocolIds[static_cast<std::size_t>(p)]; }

std::optional<Protocol> parse_protocol(std::string_view id) {
  for (std::size_t i = 0; i < kProtocolIds.size(); ++i)
    if (kProtocolIds[i] == id) return static_cast<Protocol>(i);
  return std::nullopt;
}

namespace {
std::shared_ptr<const Bytes> frame_rpc(const codec::PubsubRpc& rpc) {
  const Bytes body = codec::encode(rpc);
  Bytes out;
  out.reserve(body.size() + varint::kMaxBytes);
  varint::append(out, body.size());
  append(out, body);
  return std::make_shared<const Bytes>(std::move(out));
}

std::shared_ptr<const Bytes> frame_message(BytesView encoded) {
  const std::size_t rpc_len = 1 + varint::encoded_size(encoded.size()) + encoded.size();
  Bytes out;
  out.reserve(rpc_len + varint::kMaxBytes);
  varint::append(out, rpc_len);
  codec::append_rpc_message(out, encoded);
  return std::make_shared<const Bytes>(std::move(out));
}

DeterministicRng seeded(Entropy& entropy) {
  DeterministicRng::Seed s{};
  entropy.fill(s);
  return DeterministicRng(s);
}

// Author of a StrictSign message and the key its signature must verify under.
struct Author {
  PeerId peer;
  crypto::Ed25519PublicKey key;
};
std::optional<Author> author_of(const codec::PubsubMessage& m) {
  if (!m.from || !m.seqno || m.seqno->size() != 8 || !m.signature || m.signature->size() != 64)
    return std::nullopt;
  auto from = PeerId::from_bytes(*m.from);
  if (!from) return std::nullopt;
  if (m.key) {
    auto k = codec::decode_ed25519_public_key(*m.key);
    if (!k || !(PeerId::from_ed25519(*k) == *from)) return std::nullopt;
    return Author{*from, *k};
  }
  auto k = from->ed25519_public_key();
  if (!k) return std::nullopt;
  return Author{*from, *k};
}

constexpr Duration kMaxBackoff = 24h;
}  // namespace

Router::Router(PeerId self, std::optional<crypto::Ed25519Keypair> signer, Config config, Entropy& entropy,
               TimePoint now)
    : self_(std::move(self)),
      signer_(std::move(signer)),
      config_(std::move(config)),
      rng_(seeded(entropy)),
      score_(config_.score),
      mcache_(config_.history_length, config_.history_gossip, config_.max_mcache_messages,
              config_.max_mcache_bytes),
      next_heartbeat_(now + config_.heartbeat_initial_delay) {
  // Random start below 2^62 so the counter never wraps in practice.
  seqno_ = config_.first_seqno ? *config_.first_seqno : (rng_.next_u64() >> 2);
}

template <class T>
void Router::shuffle(std::vector<T>& v) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng_.uniform(i)]);
}

double Router::score(const PeerId& peer, TimePoint now) const {
  return config_.scoring ? score_.score(peer, now) : 0.0;
}

MessageId Router::message_id(const codec::PubsubMessage& m) const {
  if (config_.message_id) return config_.message_id(m);
  if (config_.signature_policy == SignaturePolicy::strict_sign && m.seqno) {
    // js-libp2p: protobuf PublicKey of the author, then the seqno bytes.
    std::optional<crypto::Ed25519PublicKey> key;
    if (m.key) {
      if (auto k = codec::decode_ed25519_public_key(*m.key)) key = *k;
    } else if (m.from) {
      if (auto from = PeerId::from_bytes(*m.from)) key = from->ed25519_public_key();
    }
    if (key) {
      MessageId id = PeerId::encode_ed25519_public_key(*key);
      append(id, *m.seqno);
      return id;
    }
  }
  const auto h = crypto::sha256(m.data ? BytesView(*m.data) : BytesView{});
  return MessageId(h.begin(), h.end());
}

void Router::emit(Event e) {
  if (events_.size() >= max_events_) events_.pop_front();
  events_.push_back(std::move(e));
}

std::optional<Event> Router::poll_event() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

// ---- peers ----

Status Router::add_peer(const PeerId& peer, Protocol protocol, bool outbound, const std::string& ip,
                        TimePoint now) {
  if (auto it = peers_.find(peer); it != peers_.end()) {
    it->second.protocol = protocol;
    it->second.outbound = it->second.outbound || outbound;
    return {};
  }
  if (peers_.size() >= config_.max_peers) return Errc::too_many_peers;
  PeerState& p =
      peers_.try_emplace(peer, config_.max_queued_control, config_.max_queued_messages).first->second;
  p.protocol = protocol;
  p.outbound = outbound;
  if (config_.scoring) score_.add_peer(peer, ip, now);
  for (const auto& t : subscriptions_) p.pending_subs.push_back(codec::SubOpts{true, t});
  dirty_.insert(peer);
  flush_control();
  return {};
}

void Router::remove_peer(const PeerId& peer, TimePoint now) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  for (const auto& t : it->second.topics) {
    auto tp = topic_peers_.find(t);
    if (tp != topic_peers_.end() && tp->second.erase(peer) && tp->second.empty()) topic_peers_.erase(tp);
  }
  for (auto& [t, m] : mesh_)
    if (m.erase(peer)) emit(Pruned{peer, t});
  for (auto& [t, f] : fanout_) f.erase(peer);
  if (config_.scoring) score_.remove_peer(peer, now);  // applies P3b for the meshes it was in
  std::erase_if(promises_, [&](const auto& kv) { return kv.second.first == peer; });
  dirty_.erase(peer);
  peers_.erase(it);
}

std::size_t Router::queued_frames(const PeerId& peer) const {
  auto it = peers_.find(peer);
  return it == peers_.end() ? 0 : it->second.control_q.size() + it->second.message_q.size();
}

std::vector<PeerId> Router::mesh_peers(const Topic& topic) const {
  auto it = mesh_.find(topic);
  if (it == mesh_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<PeerId> Router::topic_peers(const Topic& topic) const {
  auto it = topic_peers_.find(topic);
  if (it == topic_peers_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

// ---- input ----

Status Router::on_rpc(const PeerId& peer, BytesView bytes, TimePoint now) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return Errc::unknown_peer;
  ++metrics_.rpcs_received;
  if (score(peer, now) < config_.thresholds.graylist) {
    ++metrics_.rpcs_graylisted;
    return Errc::graylisted;
  }
  auto rpc = codec::decode_pubsub_rpc(bytes, config_.limits);
  if (!rpc) {
    ++metrics_.rpcs_malformed;
    if (config_.scoring) score_.add_penalty(peer, 1);
    return Errc::malformed_rpc;
  }
  for (const auto& s : rpc->subscriptions) handle_subscription(peer, it->second, s, now);
  for (auto& m : rpc->messages) handle_message(peer, std::move(m), now);
  if (rpc->control && is_gossipsub(it->second)) handle_control(peer, it->second, *rpc->control, now);
  flush_control();
  return {};
}

void Router::handle_subscription(const PeerId& peer, PeerState& p, const codec::SubOpts& s, TimePoint) {
  if (s.topic.empty()) return;
  if (s.subscribe) {
    if (!p.topics.contains(s.topic) && p.topics.size() >= config_.max_topics_per_peer) return;
    p.topics.insert(s.topic);
    topic_peers_[s.topic].insert(peer);
    return;
  }
  p.topics.erase(s.topic);
  if (auto tp = topic_peers_.find(s.topic); tp != topic_peers_.end()) {
    tp->second.erase(peer);
    if (tp->second.empty()) topic_peers_.erase(tp);
  }
  if (auto m = mesh_.find(s.topic); m != mesh_.end() && m->second.erase(peer)) {
    if (config_.scoring) score_.prune(peer, s.topic);
    emit(Pruned{peer, s.topic});
  }
  if (auto f = fanout_.find(s.topic); f != fanout_.end()) f->second.erase(peer);
}

void Router::handle_message(const PeerId& peer, codec::PubsubMessage m, TimePoint now) {
  ++metrics_.messages_received;
  std::optional<Author> author;
  bool well_formed = !m.topic.empty() && (!m.data || m.data->size() <= config_.max_message_size);
  if (config_.signature_policy == SignaturePolicy::strict_sign) {
    author = author_of(m);
    well_formed = well_formed && author.has_value();
  } else {
    well_formed = well_formed && !m.from && !m.seqno && !m.signature && !m.key;
  }
  if (!well_formed) {
    ++metrics_.messages_invalid;
    if (config_.scoring) score_.invalid(peer, m.topic);
    return;
  }
  const MessageId id = message_id(m);
  promises_.erase(id);
  if (seen(id)) {
    ++metrics_.messages_duplicate;
    if (config_.scoring) score_.duplicate(peer, m.topic, id, now);
    return;
  }
  if (author) {
    crypto::Ed25519Signature sig;
    std::copy(m.signature->begin(), m.signature->end(), sig.begin());
    if (!crypto::ed25519_verify(author->key, codec::signing_bytes(m), sig)) {
      ++metrics_.messages_invalid;
      if (config_.scoring) score_.rejected(peer, m.topic, id, now);
      return;
    }
  }
  mark_seen(id, now);
  const std::size_t data_size = m.data ? m.data->size() : 0;
  if (data_size >= config_.idontwant_min_data_size) send_idontwant(id, m.topic, peer);

  auto encoded = std::make_shared<const Bytes>(codec::encode(m));
  std::optional<PeerId> author_id;
  if (author) author_id = author->peer;
  const bool subscribed = subscriptions_.contains(m.topic);
  if (config_.async_validation) {
    if (pending_.size() >= config_.max_pending_validation) {
      if (config_.scoring) score_.ignored(id, now);
      return;
    }
    pending_.emplace(id, Pending{peer, m.topic, encoded, author_id, data_size});
  } else {
    accept(peer, id, m.topic, encoded, author_id, now);
  }
  if (subscribed || config_.async_validation) {
    Received r{peer, id, Message{m.topic, author_id, std::nullopt, {}}, subscribed};
    if (m.seqno && m.seqno->size() == 8) r.message.seqno = load_be64(m.seqno->data());
    if (m.data) r.message.data = std::move(*m.data);
    if (subscribed) ++metrics_.messages_delivered;
    emit(std::move(r));
  }
}

void Router::accept(const PeerId& source, const MessageId& id, const Topic& topic,
                    std::shared_ptr<const Bytes> encoded, const std::optional<PeerId>& author,
                    TimePoint now) {
  if (config_.scoring) score_.validated(source, topic, id, now);
  auto frame = frame_message(*encoded);
  mcache_.put(id, topic, std::move(encoded));
  forward(id, topic, frame, source, author, now);
}

void Router::report_validation(const MessageId& id, Validation result, TimePoint now) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Pending pd = std::move(it->second);
  pending_.erase(it);
  switch (result) {
    case Validation::accept:
      accept(pd.source, id, pd.topic, std::move(pd.encoded), pd.author, now);
      break;
    case Validation::ignore:
      if (config_.scoring) score_.ignored(id, now);
      break;
    case Validation::reject:
      ++metrics_.messages_invalid;
      if (config_.scoring) score_.rejected(pd.source, pd.topic, id, now);
      break;
  }
  flush_control();
}

void Router::forward(const MessageId& id, const Topic& topic, const std::shared_ptr<const Bytes>& frame,
                     const std::optional<PeerId>& source, const std::optional<PeerId>& author,
                     TimePoint now) {
  std::set<PeerId> to;
  if (auto m = mesh_.find(topic); m != mesh_.end()) to = m->second;
  if (auto tp = topic_peers_.find(topic); tp != topic_peers_.end())
    for (const auto& q : tp->second) {
      auto ps = peers_.find(q);
      if (ps != peers_.end() && !is_gossipsub(ps->second) && score(q, now) >= config_.thresholds.publish)
        to.insert(q);
    }
  if (source) to.erase(*source);
  if (author) to.erase(*author);
  for (const auto& q : to) {
    auto ps = peers_.find(q);
    if (ps == peers_.end()) continue;
    if (ps->second.dont_want.contains(id)) {
      ++metrics_.forwards_skipped_idontwant;
      continue;
    }
    queue_message(q, ps->second, frame);
  }
}

void Router::send_idontwant(const MessageId& id, const Topic& topic, const PeerId& source) {
  auto m = mesh_.find(topic);
  if (m == mesh_.end()) return;
  for (const auto& q : m->second) {
    if (q == source) continue;
    auto ps = peers_.find(q);
    if (ps == peers_.end() || ps->second.protocol != Protocol::meshsub_v12) continue;
    auto& dw = ps->second.pending.idontwant;
    if (dw.empty()) dw.emplace_back();
    dw.back().message_ids.push_back(id);
    dirty_.insert(q);
    ++metrics_.idontwant_sent;
  }
}

void Router::handle_control(const PeerId& peer, PeerState& p, const codec::ControlMessage& c, TimePoint now) {
  if (!c.ihave.empty()) handle_ihave(peer, p, c.ihave, now);
  if (!c.iwant.empty()) handle_iwant(peer, p, c.iwant, now);
  if (!c.graft.empty()) handle_graft(peer, p, c.graft, now);
  if (!c.prune.empty()) handle_prune(peer, p, c.prune, now);
  if (!c.idontwant.empty()) handle_idontwant(p, c.idontwant);
}

void Router::handle_ihave(const PeerId& peer, PeerState& p, const std::vector<codec::ControlIHave>& v,
                          TimePoint now) {
  if (score(peer, now) < config_.thresholds.gossip) return;
  // SPEC v1.1: bounded IHAVE processing per heartbeat (max_ihave_messages, max_ihave_length).
  if (++p.ihaves_this_tick > config_.max_ihave_messages) return;
  if (p.asked_this_tick >= config_.max_ihave_length) return;
  std::set<MessageId> unique;
  for (const auto& e : v) {
    if (!mesh_.contains(e.topic)) continue;
    for (const auto& id : e.message_ids)
      if (!seen(id) && !pending_.contains(id)) unique.insert(id);
  }
  if (unique.empty()) return;
  std::vector<MessageId> want(unique.begin(), unique.end());
  shuffle(want);
  want.resize(std::min(want.size(), config_.max_ihave_length - p.asked_this_tick));
  p.asked_this_tick += want.size();
  // One promise per IWANT, on a random id of it (the list is shuffled).
  promises_.try_emplace(want.front(), peer, now + config_.iwant_followup_time);
  p.pending.iwant.push_back(codec::ControlIWant{std::move(want)});
  dirty_.insert(peer);
  ++metrics_.iwant_sent;
}

void Router::handle_iwant(const PeerId& peer, PeerState& p, const std::vector<codec::ControlIWant>& v,
                          TimePoint now) {
  if (score(peer, now) < config_.thresholds.gossip) return;
  for (const auto& e : v)
    for (const auto& id : e.message_ids) {
      if (p.dont_want.contains(id)) continue;
      auto enc = mcache_.get_for_peer(id, peer, config_.gossip_retransmission);
      if (!enc) continue;
      if (queue_message(peer, p, frame_message(*enc))) ++metrics_.iwant_answered;
    }
}

void Router::handle_graft(const PeerId& peer, PeerState& p, const std::vector<codec::ControlGraft>& v,
                          TimePoint now) {
  for (const auto& e : v) {
    auto m = mesh_.find(e.topic);
    if (m == mesh_.end()) continue;  // not subscribed: ignored without PX (spam hardening, v1.1)
    if (m->second.contains(peer)) continue;
    if (auto b = backoff_.find({e.topic, peer}); b != backoff_.end() && now < b->second) {
      // SPEC v1.1: a GRAFT during backoff is penalised, twice when it comes soon after the PRUNE.
      if (config_.scoring) {
        score_.add_penalty(peer, 1);
        if (now < b->second - config_.prune_backoff + config_.graft_flood_threshold)
          score_.add_penalty(peer, 1);
      }
      p.pending.prune.push_back(make_prune(peer, e.topic, false, config_.prune_backoff, now));
      set_backoff(e.topic, peer, now + config_.prune_backoff);
      ++metrics_.prunes_sent;
      dirty_.insert(peer);
      continue;
    }
    const bool negative = score(peer, now) < 0;
    if (negative || (m->second.size() >= config_.d_hi && !p.outbound)) {
      p.pending.prune.push_back(make_prune(peer, e.topic, !negative, config_.prune_backoff, now));
      set_backoff(e.topic, peer, now + config_.prune_backoff);
      ++metrics_.prunes_sent;
      dirty_.insert(peer);
      continue;
    }
    m->second.insert(peer);
    if (config_.scoring) score_.graft(peer, e.topic, now);
    emit(Grafted{peer, e.topic});
  }
}

void Router::handle_prune(const PeerId& peer, PeerState&, const std::vector<codec::ControlPrune>& v,
                          TimePoint now) {
  for (const auto& e : v) {
    if (auto m = mesh_.find(e.topic); m != mesh_.end() && m->second.erase(peer)) {
      if (config_.scoring) score_.prune(peer, e.topic);
      emit(Pruned{peer, e.topic});
    }
    Duration backoff = config_.prune_backoff;
    if (e.backoff_s)
      backoff =
          std::min<Duration>(std::chrono::seconds(std::min<std::uint64_t>(*e.backoff_s, 86400)), kMaxBackoff);
    set_backoff(e.topic, peer, now + backoff);
    if (!e.peers.empty() && score(peer, now) >= config_.thresholds.accept_px) {
      PeerExchange px{peer, e.topic, {}};
      for (const auto& info : e.peers) {
        if (px.peers.size() >= config_.prune_peers) break;
        if (!info.peer_id) continue;
        if (auto id = PeerId::from_bytes(*info.peer_id); id && !(*id == self_)) px.peers.push_back(*id);
      }
      if (!px.peers.empty()) emit(std::move(px));
    }
  }
}

void Router::handle_idontwant(PeerState& p, const std::vector<codec::ControlIDontWant>& v) {
  for (const auto& e : v)
    for (const auto& id : e.message_ids) {
      if (p.dont_want_this_tick >= config_.idontwant_max_messages) return;
      ++p.dont_want_this_tick;
      ++metrics_.idontwant_received;
      p.dont_want[id] = tick_;
    }
}

// ---- commands ----

Status Router::subscribe(const Topic& topic, TimePoint now) {
  if (subscriptions_.contains(topic)) return {};
  if (subscriptions_.size() >= config_.max_subscriptions) return Errc::too_many_topics;
  subscriptions_.insert(topic);
  for (auto& [q, p] : peers_) {
    p.pending_subs.push_back(codec::SubOpts{true, topic});
    dirty_.insert(q);
  }
  mesh_[topic];  // the topic now has a mesh (possibly empty until peers arrive)
  std::vector<PeerId> join;
  if (auto f = fanout_.find(topic); f != fanout_.end()) {
    for (const auto& q : f->second)
      if (score(q, now) >= 0 && !in_backoff(topic, q, now)) join.push_back(q);
    fanout_.erase(f);
    fanout_last_publish_.erase(topic);
  }
  if (join.size() < config_.d) {
    std::vector<PeerId> more;
    for (const auto& q : topic_peers(topic)) {
      const PeerState& p = peers_.at(q);
      if (is_gossipsub(p) && std::find(join.begin(), join.end(), q) == join.end() && score(q, now) >= 0 &&
          !in_backoff(topic, q, now))
        more.push_back(q);
    }
    shuffle(more);
    for (std::size_t i = 0; i < more.size() && join.size() < config_.d; ++i) join.push_back(more[i]);
  }
  for (const auto& q : join) graft(q, topic, now);
  flush_control();
  return {};
}

void Router::unsubscribe(const Topic& topic, TimePoint now) {
  if (!subscriptions_.erase(topic)) return;
  for (auto& [q, p] : peers_) {
    p.pending_subs.push_back(codec::SubOpts{false, topic});
    dirty_.insert(q);
  }
  if (auto m = mesh_.find(topic); m != mesh_.end()) {
    for (const auto& q : m->second) prune(q, topic, true, config_.unsubscribe_backoff, now);
    mesh_.erase(m);
  }
  flush_control();
}

Result<MessageId> Router::publish(const Topic& topic, BytesView data, TimePoint now) {
  if (data.size() > config_.max_message_size) return Errc::too_large;
  codec::PubsubMessage m;
  m.data = Bytes(data.begin(), data.end());
  m.topic = topic;
  if (config_.signature_policy == SignaturePolicy::strict_sign) {
    if (!signer_) return Errc::no_signing_key;
    m.from = self_.bytes();
    Bytes seq(8);
    store_be64(seq.data(), ++seqno_);
    m.seqno = std::move(seq);
    const auto sig = signer_->sign(codec::signing_bytes(m));
    m.signature = Bytes(sig.begin(), sig.end());
    m.key = PeerId::encode_ed25519_public_key(signer_->public_key());
  }
  MessageId id = message_id(m);
  if (seen(id)) return Errc::duplicate_message;
  mark_seen(id, now);
  auto encoded = std::make_shared<const Bytes>(codec::encode(m));
  auto frame = frame_message(*encoded);
  mcache_.put(id, topic, std::move(encoded));

  std::set<PeerId> to;
  const double publish_threshold = config_.thresholds.publish;
  const auto tp = topic_peers_.find(topic);
  if (tp != topic_peers_.end()) {
    for (const auto& q : tp->second) {
      const PeerState& p = peers_.at(q);
      if ((config_.flood_publish || !is_gossipsub(p)) && score(q, now) >= publish_threshold) to.insert(q);
    }
  }
  if (!config_.flood_publish) {
    if (subscriptions_.contains(topic)) {
      const auto& mesh = mesh_[topic];
      to.insert(mesh.begin(), mesh.end());
    } else {
      std::set<PeerId>& fanout = fanout_[topic];
      if (fanout.empty() && tp != topic_peers_.end()) {
        std::vector<PeerId> cand;
        for (const auto& q : tp->second)
          if (is_gossipsub(peers_.at(q)) && score(q, now) >= publish_threshold) cand.push_back(q);
        shuffle(cand);
        for (std::size_t i = 0; i < cand.size() && fanout.size() < config_.d; ++i) fanout.insert(cand[i]);
      }
      to.insert(fanout.begin(), fanout.end());
      fanout_last_publish_[topic] = now;
    }
  }
  for (const auto& q : to) queue_message(q, peers_.at(q), frame);
  ++metrics_.messages_published;
  flush_control();
  return id;
}

// ---- mesh ----

void Router::graft(const PeerId& peer, const Topic& topic, TimePoint now) {
  auto ps = peers_.find(peer);
  if (ps == peers_.end()) return;
  mesh_[topic].insert(peer);
  if (config_.scoring) score_.graft(peer, topic, now);
  emit(Grafted{peer, topic});
  ps->second.pending.graft.push_back(codec::ControlGraft{topic});
  dirty_.insert(peer);
  ++metrics_.grafts_sent;
}

void Router::prune(const PeerId& peer, const Topic& topic, bool px, Duration backoff, TimePoint now) {
  auto ps = peers_.find(peer);
  if (ps == peers_.end()) return;
  if (config_.scoring) score_.prune(peer, topic);
  emit(Pruned{peer, topic});
  ps->second.pending.prune.push_back(make_prune(peer, topic, px, backoff, now));
  set_backoff(topic, peer, now + backoff);
  dirty_.insert(peer);
  ++metrics_.prunes_sent;
}

codec::ControlPrune Router::make_prune(const PeerId& peer, const Topic& topic, bool px, Duration backoff,
                                       TimePoint now) {
  codec::ControlPrune pr;
  pr.topic = topic;
  auto ps = peers_.find(peer);
  if (ps == peers_.end() || !supports_backoff(ps->second)) return pr;  // v1.0 peers know neither
  pr.backoff_s =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(backoff).count());
  if (px && config_.do_px) {
    std::vector<PeerId> cand;
    for (const auto& q : topic_peers(topic))
      if (!(q == peer) && is_gossipsub(peers_.at(q)) && score(q, now) >= 0) cand.push_back(q);
    shuffle(cand);
    for (std::size_t i = 0; i < cand.size() && i < config_.prune_peers; ++i)
      pr.peers.push_back(codec::PeerInfo{cand[i].bytes(), std::nullopt});
  }
  return pr;
}

void Router::set_backoff(const Topic& topic, const PeerId& peer, TimePoint until) {
  auto [it, fresh] = backoff_.try_emplace({topic, peer}, until);
  if (!fresh && it->second < until) it->second = until;
}

bool Router::in_backoff(const Topic& topic, const PeerId& peer, TimePoint now) const {
  auto it = backoff_.find({topic, peer});
  return it != backoff_.end() && now < it->second + config_.backoff_slack;
}

void Router::maintain_mesh(const Topic& topic, std::set<PeerId>& mesh, TimePoint now) {
  std::map<PeerId, double> scores;
  auto sc = [&](const PeerId& q) {
    auto [it, fresh] = scores.try_emplace(q, 0.0);
    if (fresh) it->second = score(q, now);
    return it->second;
  };
  auto outbound = [&](const PeerId& q) { return peers_.at(q).outbound; };
  auto candidates = [&](auto&& pred) {
    std::vector<PeerId> out;
    for (const auto& q : topic_peers(topic)) {
      const PeerState& p = peers_.at(q);
      if (is_gossipsub(p) && !mesh.contains(q) && !in_backoff(topic, q, now) && sc(q) >= 0 && pred(q))
        out.push_back(q);
    }
    shuffle(out);
    return out;
  };

  // Negative scores leave the mesh, without PX.
  for (const auto& q : std::vector<PeerId>(mesh.begin(), mesh.end())) {
    if (sc(q) < 0) {
      mesh.erase(q);
      prune(q, topic, false, config_.prune_backoff, now);
    }
  }
  if (mesh.size() < config_.d_lo) {
    auto add = candidates([](const PeerId&) { return true; });
    for (std::size_t i = 0; i < add.size() && mesh.size() < config_.d; ++i) graft(add[i], topic, now);
  } else if (mesh.size() > config_.d_hi) {
    std::vector<PeerId> keep(mesh.begin(), mesh.end());
    shuffle(keep);
    std::stable_sort(keep.begin(), keep.end(),
                     [&](const PeerId& a, const PeerId& b) { return sc(a) > sc(b); });
    // The best D_score stay; the rest of the D are random.
    std::vector<PeerId> rest(
        keep.begin() + static_cast<std::ptrdiff_t>(std::min(config_.d_score, keep.size())), keep.end());
    shuffle(rest);
    keep.resize(std::min(config_.d_score, keep.size()));
    keep.insert(keep.end(), rest.begin(), rest.end());
    // At least D_out outbound peers among the D kept: swap outbound peers in from beyond D.
    const std::size_t d = std::min(config_.d, keep.size());
    std::size_t out_count = 0;
    for (std::size_t i = 0; i < d; ++i) out_count += outbound(keep[i]) ? 1 : 0;
    for (std::size_t j = d; j < keep.size() && out_count < config_.d_out; ++j) {
      if (!outbound(keep[j])) continue;
      for (std::size_t i = d; i-- > config_.d_score && i < d;) {
        if (outbound(keep[i])) continue;
        std::swap(keep[i], keep[j]);
        ++out_count;
        break;
      }
    }
    for (std::size_t i = d; i < keep.size(); ++i) {
      mesh.erase(keep[i]);
      prune(keep[i], topic, true, config_.prune_backoff, now);
    }
  }
  if (mesh.size() >= config_.d_lo) {
    std::size_t out_count = 0;
    for (const auto& q : mesh) out_count += outbound(q) ? 1 : 0;
    if (out_count < config_.d_out) {
      auto add = candidates(outbound);
      for (std::size_t i = 0; i < add.size() && out_count < config_.d_out; ++i, ++out_count)
        graft(add[i], topic, now);
    }
  }
  // Opportunistic grafting (v1.1): a mesh whose median score is low takes in better-scored peers.
  if (config_.scoring && config_.opportunistic_graft_ticks > 0 &&
      tick_ % config_.opportunistic_graft_ticks == 0 && mesh.size() > 1) {
    std::vector<double> s;
    for (const auto& q : mesh) s.push_back(sc(q));
    std::sort(s.begin(), s.end());
    const double median = s[s.size() / 2];
    if (median < config_.thresholds.opportunistic_graft) {
      auto add = candidates([&](const PeerId& q) { return sc(q) > median; });
      for (std::size_t i = 0; i < add.size() && i < config_.opportunistic_graft_peers; ++i)
        graft(add[i], topic, now);
    }
  }
}

void Router::maintain_fanout(TimePoint now) {
  for (auto it = fanout_.begin(); it != fanout_.end();) {
    auto lp = fanout_last_publish_.find(it->first);
    if (lp == fanout_last_publish_.end() || lp->second + config_.fanout_ttl < now) {
      if (lp != fanout_last_publish_.end()) fanout_last_publish_.erase(lp);
      it = fanout_.erase(it);
      continue;
    }
    const Topic& topic = it->first;
    std::set<PeerId>& f = it->second;
    auto tp = topic_peers_.find(topic);
    std::erase_if(f, [&](const PeerId& q) {
      return tp == topic_peers_.end() || !tp->second.contains(q) ||
             score(q, now) < config_.thresholds.publish;
    });
    if (f.size() < config_.d && tp != topic_peers_.end()) {
      std::vector<PeerId> cand;
      for (const auto& q : tp->second)
        if (!f.contains(q) && is_gossipsub(peers_.at(q)) && score(q, now) >= config_.thresholds.publish)
          cand.push_back(q);
      shuffle(cand);
      for (std::size_t i = 0; i < cand.size() && f.size() < config_.d; ++i) f.insert(cand[i]);
    }
    emit_gossip(topic, f, now);
    ++it;
  }
}

void Router::emit_gossip(const Topic& topic, const std::set<PeerId>& exclude, TimePoint now) {
  std::vector<MessageId> ids = mcache_.gossip_ids(topic);
  if (ids.empty()) return;
  std::vector<PeerId> cand;
  for (const auto& q : topic_peers(topic))
    if (!exclude.contains(q) && is_gossipsub(peers_.at(q)) && score(q, now) >= config_.thresholds.gossip)
      cand.push_back(q);
  const auto by_factor = static_cast<std::size_t>(config_.gossip_factor * static_cast<double>(cand.size()));
  const std::size_t target = std::max(config_.d_lazy, by_factor);
  shuffle(cand);
  if (cand.size() > target) cand.resize(target);
  for (const auto& q : cand) {
    std::vector<MessageId> send = ids;
    if (send.size() > config_.max_ihave_length) {
      shuffle(send);
      send.resize(config_.max_ihave_length);
    }
    peers_.at(q).pending.ihave.push_back(codec::ControlIHave{topic, std::move(send)});
    dirty_.insert(q);
    ++metrics_.ihave_sent;
  }
}

void Router::expire_promises(TimePoint now) {
  std::map<PeerId, double> broken;
  for (auto it = promises_.begin(); it != promises_.end();) {
    if (it->second.second <= now) {
      broken[it->second.first] += 1;
      ++metrics_.broken_promises;
      it = promises_.erase(it);
    } else {
      ++it;
    }
  }
  if (config_.scoring)
    for (const auto& [q, n] : broken) score_.add_penalty(q, n);
}

void Router::on_deadline(TimePoint now) {
  if (now >= next_heartbeat_) heartbeat(now);
}

void Router::heartbeat(TimePoint now) {
  ++tick_;
  if (config_.scoring) score_.refresh(now);
  for (auto& [q, p] : peers_) {
    p.ihaves_this_tick = 0;
    p.asked_this_tick = 0;
    p.dont_want_this_tick = 0;
    std::erase_if(p.dont_want, [&](const auto& kv) { return kv.second + config_.history_length < tick_; });
  }
  std::erase_if(backoff_, [&](const auto& kv) { return kv.second + config_.backoff_slack < now; });
  expire_promises(now);
  for (auto& [topic, mesh] : mesh_) {
    maintain_mesh(topic, mesh, now);
    emit_gossip(topic, mesh, now);
  }
  maintain_fanout(now);
  mcache_.shift();
  while (!seen_order_.empty() && seen_order_.front().first + config_.seen_ttl <= now) {
    seen_.erase(seen_order_.front().second);
    seen_order_.pop_front();
  }
  flush_control();
  next_heartbeat_ = now + config_.heartbeat_interval;
}

// ---- output ----

void Router::mark_seen(const MessageId& id, TimePoint now) {
  if (!seen_.try_emplace(id, now).second) return;
  seen_order_.emplace_back(now, id);
  while (seen_order_.size() > config_.max_seen) {
    seen_.erase(seen_order_.front().second);
    seen_order_.pop_front();
  }
}

void Router::queue_control_rpc(const PeerId&, PeerState& p) {
  codec::PubsubRpc rpc;
  rpc.subscriptions = std::move(p.pending_subs);
  p.pending_subs.clear();
  if (!p.pending.empty() && is_gossipsub(p)) rpc.control = std::move(p.pending);
  p.pending = {};
  if (rpc.subscriptions.empty() && !rpc.control) return;
  auto frame = frame_rpc(rpc);
  const std::size_t size = frame->size();
  if (!p.control_q.push(std::move(frame))) {
    ++metrics_.dropped_queue_full;
    return;
  }
  metrics_.bytes_queued += size;
}

void Router::flush_control() {
  for (const auto& q : dirty_) {
    auto it = peers_.find(q);
    if (it != peers_.end()) queue_control_rpc(q, it->second);
  }
  dirty_.clear();
}

bool Router::queue_message(const PeerId&, PeerState& p, const std::shared_ptr<const Bytes>& frame) {
  if (p.message_bytes + frame->size() > config_.max_queued_bytes || !p.message_q.push(frame)) {
    ++metrics_.dropped_queue_full;
    return false;
  }
  p.message_bytes += frame->size();
  metrics_.bytes_queued += frame->size();
  ++metrics_.messages_forwarded;
  return true;
}

bool Router::wants_transmit(const PeerId& peer) const {
  auto it = peers_.find(peer);
  return it != peers_.end() && (!it->second.control_q.empty() || !it->second.message_q.empty());
}

std::shared_ptr<const Bytes> Router::poll_transmit(const PeerId& peer) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return nullptr;
  PeerState& p = it->second;
  if (!p.control_q.empty()) return p.control_q.pop();
  if (!p.message_q.empty()) {
    auto f = p.message_q.pop();
    p.message_bytes -= f->size();
    return f;
  }
  return nullptr;
}

std::optional<Transmit> Router::poll_transmit() {
  if (peers_.empty()) return std::nullopt;
  auto start = rr_started_ ? peers_.upper_bound(rr_cursor_) : peers_.begin();
  for (std::size_t n = 0; n < peers_.size(); ++n) {
    if (start == peers_.end()) start = peers_.begin();
    if (wants_transmit(start->first)) {
      rr_cursor_ = start->first;
      rr_started_ = true;
      return Transmit{start->first, poll_transmit(start->first)};
    }
    ++start;
  }
  return std::nullopt;
}

}  // namespace stakecast::gossipsub
