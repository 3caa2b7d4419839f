#include "proto/gossipsub/score.hpp"

#include <algorithm>

namespace stakecast::gossipsub {
namespace {
// Delivery records live as long as a message can still be duplicated or promised.
constexpr Duration kRecordTtl = 120s;
constexpr std::size_t kMaxRecords = 1u << 17;
}  // namespace

void Score::add_peer(const PeerId& peer, const std::string& ip, TimePoint) {
  PeerStats& s = peers_[peer];
  s.connected = true;
  if (!s.ip.empty() && s.ip != ip) ips_[s.ip].erase(peer);
  s.ip = ip;
  if (!ip.empty()) ips_[ip].insert(peer);
}

void Score::remove_peer(const PeerId& peer, TimePoint now) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  PeerStats& s = it->second;
  if (!s.ip.empty()) {
    auto ip = ips_.find(s.ip);
    if (ip != ips_.end() && ip->second.erase(peer) && ip->second.empty()) ips_.erase(ip);
  }
  // SPEC: a peer that leaves with a non-negative score is forgotten; a negative one is retained so that
  // reconnecting does not clear it. Mesh state is dropped (P3b applied as on a prune).
  for (auto& [topic, t] : s.topics)
    if (t.in_mesh) prune(peer, topic);
  if (score(peer, now) >= 0) {
    peers_.erase(it);
    return;
  }
  s.connected = false;
  s.expire = now + params_.retain_score;
  std::size_t retained = 0;
  for (const auto& [p, st] : peers_) retained += st.connected ? 0 : 1;
  if (retained > params_.max_retained_peers) {
    auto oldest = peers_.end();
    for (auto p = peers_.begin(); p != peers_.end(); ++p)
      if (!p->second.connected && (oldest == peers_.end() || p->second.expire < oldest->second.expire))
        oldest = p;
    if (oldest != peers_.end()) peers_.erase(oldest);
  }
}

Score::TopicStats* Score::topic_stats(const PeerId& peer, const Topic& topic) {
  if (!params_.topics.contains(topic)) return nullptr;
  auto it = peers_.find(peer);
  if (it == peers_.end()) return nullptr;
  return &it->second.topics[topic];
}

void Score::graft(const PeerId& peer, const Topic& topic, TimePoint now) {
  if (auto* t = topic_stats(peer, topic)) {
    t->in_mesh = true;
    t->graft_time = now;
    t->mesh_deliveries_active = false;
  }
}

void Score::prune(const PeerId& peer, const Topic& topic) {
  auto* t = topic_stats(peer, topic);
  if (t == nullptr || !t->in_mesh) return;
  const auto& p = params_.topics.at(topic);
  // P3b: a mesh delivery deficit at prune time becomes a sticky penalty.
  if (t->mesh_deliveries_active && t->mesh_deliveries < p.mesh_message_deliveries_threshold) {
    const double deficit = p.mesh_message_deliveries_threshold - t->mesh_deliveries;
    t->mesh_failure_penalty += deficit * deficit;
  }
  t->in_mesh = false;
  t->mesh_deliveries_active = false;  // P3 applies only while in the mesh; P3b takes over
}

Score::Record& Score::record(const MessageId& id, const Topic& topic, TimePoint now) {
  auto [it, fresh] = records_.try_emplace(id);
  if (fresh) {
    it->second.first = now;
    it->second.topic = topic;
    record_order_.emplace_back(now, id);
    while (record_order_.size() > kMaxRecords) {
      records_.erase(record_order_.front().second);
      record_order_.pop_front();
    }
  }
  return it->second;
}

void Score::mark_first(PeerStats& s, const Topic& topic, const TopicScoreParams& p) {
  TopicStats& t = s.topics[topic];
  t.first_deliveries = std::min(t.first_deliveries + 1, p.first_message_deliveries_cap);
  if (t.in_mesh) t.mesh_deliveries = std::min(t.mesh_deliveries + 1, p.mesh_message_deliveries_cap);
}

void Score::mark_mesh(PeerStats& s, const Topic& topic, const TopicScoreParams& p) {
  TopicStats& t = s.topics[topic];
  if (t.in_mesh) t.mesh_deliveries = std::min(t.mesh_deliveries + 1, p.mesh_message_deliveries_cap);
}

void Score::mark_invalid(const PeerId& peer, const Topic& topic) {
  if (auto* t = topic_stats(peer, topic)) t->invalid_deliveries += 1;
}

void Score::validated(const PeerId& source, const Topic& topic, const MessageId& id, TimePoint now) {
  Record& r = record(id, topic, now);
  if (r.status != Status::unknown) return;
  r.status = Status::valid;
  r.peers.insert(source);
  auto tp = params_.topics.find(topic);
  if (tp == params_.topics.end()) return;
  for (const PeerId& p : r.peers) {
    auto it = peers_.find(p);
    if (it == peers_.end()) continue;
    // The first deliverer gets P2; duplicates that arrived while the message was being validated count
    // as mesh deliveries (P3), as the spec allows.
    if (p == source) {
      mark_first(it->second, topic, tp->second);
    } else {
      mark_mesh(it->second, topic, tp->second);
    }
  }
}

void Score::rejected(const PeerId& source, const Topic& topic, const MessageId& id, TimePoint now) {
  Record& r = record(id, topic, now);
  r.peers.insert(source);
  if (r.status == Status::invalid) {
    mark_invalid(source, topic);
    return;
  }
  r.status = Status::invalid;
  for (const PeerId& p : r.peers) mark_invalid(p, topic);
}

void Score::ignored(const MessageId& id, TimePoint now) { record(id, {}, now).status = Status::ignored; }

void Score::duplicate(const PeerId& peer, const Topic& topic, const MessageId& id, TimePoint now) {
  auto rit = records_.find(id);
  if (rit == records_.end()) return;
  Record& r = rit->second;
  if (!r.peers.insert(peer).second) return;
  switch (r.status) {
    case Status::unknown:  // scored when the validation result arrives
    case Status::ignored:
      return;
    case Status::invalid:
      mark_invalid(peer, topic);
      return;
    case Status::valid: {
      auto tp = params_.topics.find(topic);
      auto it = peers_.find(peer);
      if (tp == params_.topics.end() || it == peers_.end()) return;
      if (now - r.first <= tp->second.mesh_message_deliveries_window)
        mark_mesh(it->second, topic, tp->second);
      return;
    }
  }
}

void Score::add_penalty(const PeerId& peer, double count) {
  if (auto it = peers_.find(peer); it != peers_.end()) it->second.behaviour_penalty += count;
}

void Score::set_app_score(const PeerId& peer, double v) {
  if (auto it = peers_.find(peer); it != peers_.end()) it->second.app_score = v;
}

std::size_t Score::ip_peers(const std::string& ip) const {
  auto it = ips_.find(ip);
  return it == ips_.end() ? 0 : it->second.size();
}

double Score::score(const PeerId& peer, TimePoint now) const {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return 0;
  const PeerStats& s = it->second;
  double topics = 0;
  for (const auto& [topic, t] : s.topics) {
    auto tp = params_.topics.find(topic);
    if (tp == params_.topics.end()) continue;
    const TopicScoreParams& p = tp->second;
    double ts = 0;
    if (t.in_mesh) {
      const double q = static_cast<double>((now - t.graft_time).count()) /
                       static_cast<double>(std::max<std::int64_t>(p.time_in_mesh_quantum.count(), 1));
      ts += std::min(q, p.time_in_mesh_cap) * p.time_in_mesh_weight;  // P1
    }
    ts += t.first_deliveries * p.first_message_deliveries_weight;  // P2
    if (t.mesh_deliveries_active && t.mesh_deliveries < p.mesh_message_deliveries_threshold) {
      const double deficit = p.mesh_message_deliveries_threshold - t.mesh_deliveries;
      ts += deficit * deficit * p.mesh_message_deliveries_weight;  // P3
    }
    ts += t.mesh_failure_penalty * p.mesh_failure_penalty_weight;                             // P3b
    ts += t.invalid_deliveries * t.invalid_deliveries * p.invalid_message_deliveries_weight;  // P4
    topics += ts * p.topic_weight;
  }
  if (params_.topic_score_cap > 0) topics = std::min(topics, params_.topic_score_cap);
  double total = topics + s.app_score * params_.app_specific_weight;  // P5
  if (!s.ip.empty() && !params_.ip_whitelist.contains(s.ip)) {
    const double n = static_cast<double>(ip_peers(s.ip));
    if (n > params_.ip_colocation_threshold) {
      const double surplus = n - params_.ip_colocation_threshold;
      total += surplus * surplus * params_.ip_colocation_weight;  // P6
    }
  }
  if (s.behaviour_penalty > params_.behaviour_penalty_threshold) {
    const double excess = s.behaviour_penalty - params_.behaviour_penalty_threshold;
    total += excess * excess * params_.behaviour_penalty_weight;  // P7
  }
  return total;
}

void Score::refresh(TimePoint now) {
  if (!decayed_once_) {
    decayed_once_ = true;
    last_decay_ = now;
  }
  while (!record_order_.empty() && now - record_order_.front().first > kRecordTtl) {
    records_.erase(record_order_.front().second);
    record_order_.pop_front();
  }
  if (now - last_decay_ < params_.decay_interval) return;
  last_decay_ = now;
  const double zero = params_.decay_to_zero;
  auto decay = [zero](double& v, double factor) {
    v *= factor;
    if (v < zero) v = 0;
  };
  for (auto it = peers_.begin(); it != peers_.end();) {
    PeerStats& s = it->second;
    if (!s.connected && now >= s.expire) {
      it = peers_.erase(it);
      continue;
    }
    for (auto& [topic, t] : s.topics) {
      auto tp = params_.topics.find(topic);
      if (tp == params_.topics.end()) continue;
      const TopicScoreParams& p = tp->second;
      decay(t.first_deliveries, p.first_message_deliveries_decay);
      decay(t.mesh_deliveries, p.mesh_message_deliveries_decay);
      decay(t.mesh_failure_penalty, p.mesh_failure_penalty_decay);
      decay(t.invalid_deliveries, p.invalid_message_deliveries_decay);
      if (t.in_mesh && now - t.graft_time > p.mesh_message_deliveries_activation)
        t.mesh_deliveries_active = true;
    }
    decay(s.behaviour_penalty, params_.behaviour_penalty_decay);
    ++it;
  }
}

}  // namespace stakecast::gossipsub
