// Gossipsub configuration: overlay, gossip, backoff and scoring parameters with the spec's defaults
// (docs/gossipsub.md lists them and every deviation). SPEC: libp2p/specs pubsub/gossipsub/gossipsub-v1.0.md
// (parameters), -v1.1.md (peer scoring, thresholds, backoff, PX, flood publishing), -v1.2.md (IDONTWANT).
// No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "codec/pubsub.hpp"
#include "core/bytes.hpp"
#include "core/time.hpp"

namespace stakecast::gossipsub {

using Topic = std::string;
using MessageId = Bytes;

enum class SignaturePolicy {
  strict_sign,     // from, 8-byte seqno, Ed25519 signature required; key optional when `from` inlines it
  strict_no_sign,  // from, seqno, signature and key must be absent
};

// P1-P4 for one topic (spec v1.1 "Topic Parameter Calculation"). Defaults are js-libp2p's (17.1.1).
struct TopicScoreParams {
  double topic_weight = 0.5;
  double time_in_mesh_weight = 1;  // P1
  Duration time_in_mesh_quantum = 1s;
  double time_in_mesh_cap = 3600;
  double first_message_deliveries_weight = 1;  // P2
  double first_message_deliveries_decay = 0.5;
  double first_message_deliveries_cap = 2000;
  double mesh_message_deliveries_weight = -1;  // P3
  double mesh_message_deliveries_decay = 0.5;
  double mesh_message_deliveries_cap = 100;
  double mesh_message_deliveries_threshold = 20;
  Duration mesh_message_deliveries_window = 10ms;
  Duration mesh_message_deliveries_activation = 5s;
  double mesh_failure_penalty_weight = -1;  // P3b
  double mesh_failure_penalty_decay = 0.5;
  double invalid_message_deliveries_weight = -1;  // P4
  double invalid_message_deliveries_decay = 0.3;
};

struct ScoreParams {
  std::map<Topic, TopicScoreParams> topics;  // topics without an entry add nothing to P1-P4
  double topic_score_cap = 10;
  double app_specific_weight = 10;   // P5
  double ip_colocation_weight = -5;  // P6
  double ip_colocation_threshold = 10;
  std::set<std::string> ip_whitelist;     // addresses exempt from P6 (e.g. "127.0.0.1" for local tests)
  double behaviour_penalty_weight = -10;  // P7
  double behaviour_penalty_threshold = 0;
  double behaviour_penalty_decay = 0.2;
  Duration decay_interval = 1s;
  double decay_to_zero = 0.1;
  Duration retain_score = 3600s;  // a disconnected peer's counters are kept this long
  std::size_t max_retained_peers = 4096;
};

struct ScoreThresholds {
  double gossip = -10;    // below: no gossip to or from the peer
  double publish = -50;   // below: no flood-published messages to the peer
  double graylist = -80;  // below: the peer's RPCs are ignored
  double accept_px = 10;  // PX accepted only from peers at or above
  double opportunistic_graft = 20;
};

struct Config {
  // Overlay (v1.0, v1.1).
  std::size_t d = 6;
  std::size_t d_lo = 4;
  std::size_t d_hi = 12;
  std::size_t d_score = 4;
  std::size_t d_out = 2;
  std::size_t d_lazy = 6;
  // Gossip.
  std::size_t history_length = 5;  // mcache windows kept (IWANT answered from all of them)
  std::size_t history_gossip = 3;  // windows advertised in IHAVE
  double gossip_factor = 0.25;
  std::size_t gossip_retransmission = 3;  // IWANT answers per message and peer
  std::size_t max_ihave_length = 5000;    // ids asked per peer and heartbeat, and ids per IHAVE sent
  std::size_t max_ihave_messages = 10;    // IHAVE entries accepted per peer and heartbeat
  Duration iwant_followup_time = 3s;      // a promised message not delivered by then is a broken promise
  // Heartbeat, fanout, backoff, PX.
  Duration heartbeat_interval = 1s;
  Duration heartbeat_initial_delay = 100ms;
  Duration fanout_ttl = 60s;
  Duration prune_backoff = 60s;
  Duration unsubscribe_backoff = 10s;
  Duration backoff_slack = 1s;  // added to backoffs we honour, so clock skew never makes us GRAFT early
  Duration graft_flood_threshold = 10s;
  bool do_px = false;  // attach peers to our PRUNEs
  std::size_t prune_peers = 16;
  std::size_t opportunistic_graft_ticks = 60;
  std::size_t opportunistic_graft_peers = 2;
  bool flood_publish = true;
  // Messages.
  SignaturePolicy signature_policy = SignaturePolicy::strict_sign;
  std::size_t max_message_size = 4u << 20;  // data bytes
  Duration seen_ttl = 120s;
  std::size_t max_seen = 1u << 18;
  std::size_t max_mcache_messages = 1u << 16;
  std::size_t max_mcache_bytes = 512u << 20;
  bool async_validation = false;  // true: messages wait for report_validation() before being forwarded
  std::size_t max_pending_validation = 4096;
  // Message id; empty = the default (js-libp2p's): StrictSign: protobuf PublicKey of the author || seqno;
  // StrictNoSign: SHA-256(data). Must be a pure function.
  std::function<MessageId(const codec::PubsubMessage&)> message_id;
  // v1.2.
  std::size_t idontwant_min_data_size = 512;
  std::size_t idontwant_max_messages = 512;  // IDONTWANT ids accepted per peer and heartbeat
  // Bounds.
  codec::PubsubLimits limits;
  std::size_t max_peers = 1024;
  std::size_t max_topics_per_peer = 256;
  std::size_t max_subscriptions = 256;       // our own topics
  std::size_t max_queued_control = 1024;     // RPC frames per peer in the control tier
  std::size_t max_queued_messages = 4096;    // RPC frames per peer in the message tier
  std::size_t max_queued_bytes = 64u << 20;  // bytes per peer in the message tier
  // Scoring.
  bool scoring = true;
  ScoreParams score;
  ScoreThresholds thresholds;
  // First seqno of our messages; empty = random. Shells pass wall-clock nanoseconds, as js-libp2p and
  // go-libp2p do, so that seqnos keep increasing across restarts.
  std::optional<std::uint64_t> first_seqno;
};

}  // namespace stakecast::gossipsub
