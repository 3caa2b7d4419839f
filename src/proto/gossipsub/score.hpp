// Gossipsub v1.1 peer scoring: per-topic P1 (time in mesh), P2 (first deliveries), P3 (mesh delivery
// deficit), P3b (mesh failure penalty), P4 (invalid messages), and P5 (application), P6 (IP colocation),
// P7 (behaviour penalty), with periodic decay and retention of a disconnected peer's counters.
// SPEC: libp2p/specs pubsub/gossipsub/gossipsub-v1.1.md "Peer Scoring". No I/O.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>

#include "core/peer_id.hpp"
#include "proto/gossipsub/config.hpp"

namespace stakecast::gossipsub {

class Score {
 public:
  explicit Score(ScoreParams params) : params_(std::move(params)) {}

  void add_peer(const PeerId& peer, const std::string& ip, TimePoint now);
  void remove_peer(const PeerId& peer, TimePoint now);
  void graft(const PeerId& peer, const Topic& topic, TimePoint now);
  void prune(const PeerId& peer, const Topic& topic);

  // A message passed validation; `source` delivered it first.
  void validated(const PeerId& source, const Topic& topic, const MessageId& id, TimePoint now);
  // A message was rejected (invalid signature or the application's Reject).
  void rejected(const PeerId& source, const Topic& topic, const MessageId& id, TimePoint now);
  // The application ignored it: neither rewarded nor penalised, but later copies are not P3 either.
  void ignored(const MessageId& id, TimePoint now);
  // An invalid message whose id could not be computed (malformed for the signing policy): P4 only.
  void invalid(const PeerId& peer, const Topic& topic) { mark_invalid(peer, topic); }
  // Another copy of a message we have seen.
  void duplicate(const PeerId& peer, const Topic& topic, const MessageId& id, TimePoint now);
  void add_penalty(const PeerId& peer, double count);
  void set_app_score(const PeerId& peer, double v);

  double score(const PeerId& peer, TimePoint now) const;
  // Decays every counter once per decay_interval and forgets retained peers past retain_score.
  void refresh(TimePoint now);

 private:
  struct TopicStats {
    bool in_mesh = false;
    TimePoint graft_time{};
    bool mesh_deliveries_active = false;
    double first_deliveries = 0;
    double mesh_deliveries = 0;
    double mesh_failure_penalty = 0;
    double invalid_deliveries = 0;
  };
  struct PeerStats {
    bool connected = true;
    TimePoint expire{};
    std::string ip;
    std::map<Topic, TopicStats> topics;
    double behaviour_penalty = 0;
    double app_score = 0;
  };
  enum class Status { unknown, valid, invalid, ignored };
  struct Record {
    Status status = Status::unknown;
    TimePoint first{};
    Topic topic;
    std::set<PeerId> peers;  // who delivered it (first and duplicates)
  };

  TopicStats* topic_stats(const PeerId& peer, const Topic& topic);
  Record& record(const MessageId& id, const Topic& topic, TimePoint now);
  void mark_first(PeerStats& s, const Topic& topic, const TopicScoreParams& p);
  void mark_mesh(PeerStats& s, const Topic& topic, const TopicScoreParams& p);
  void mark_invalid(const PeerId& peer, const Topic& topic);
  std::size_t ip_peers(const std::string& ip) const;

  ScoreParams params_;
  std::map<PeerId, PeerStats> peers_;
  std::map<std::string, std::set<PeerId>> ips_;
  std::map<MessageId, Record> records_;
  std::deque<std::pair<TimePoint, MessageId>> record_order_;
  TimePoint last_decay_{};
  bool decayed_once_ = false;
};

}  // namespace stakecast::gossipsub
