// A sans-I/O gossipsub v1.1 + v1.2 router (and floodsub for /floodsub/1.0.0 peers). It knows peers by
// PeerId and the protocol their stream negotiated; it never sees a connection. Inputs: add_peer /
// remove_peer, on_rpc (one RPC, the body of a length-prefixed frame), subscribe / unsubscribe, publish,
// report_validation, on_deadline (heartbeat). Outputs, pulled: poll_transmit (length-prefixed RPC frames
// per peer, control tier before message tier), poll_event (received messages, mesh changes, PX).
// SPEC: libp2p/specs pubsub/README.md, pubsub/gossipsub/gossipsub-v1.0.md, -v1.1.md, -v1.2.md;
// deviations in docs/gossipsub.md. No I/O: time and entropy come in as arguments.
#pragma once

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <variant>
#include <vector>

#include "codec/pubsub.hpp"
#include "core/bounded.hpp"
#include "core/peer_id.hpp"
#include "core/rng.hpp"
#include "crypto/ed25519.hpp"
#include "proto/gossipsub/config.hpp"
#include "proto/gossipsub/mcache.hpp"
#include "proto/gossipsub/score.hpp"

namespace stakecast::gossipsub {

enum class Errc {
  unknown_peer = 1,   // on_rpc / command for a peer not added
  too_many_peers,     // Config::max_peers reached
  too_large,          // publish: data above max_message_size
  too_many_topics,    // subscribe beyond Config::max_subscriptions
  no_signing_key,     // publish under StrictSign without a key
  graylisted,         // the peer's score is below the graylist threshold: its RPC was ignored
  malformed_rpc,      // the RPC did not decode (the codec error is in the log, the peer is penalised)
  duplicate_message,  // publish of a message id already seen
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "gossipsub")

enum class Protocol { meshsub_v12, meshsub_v11, meshsub_v10, floodsub };
// In order of preference, as proposed when opening a stream.
inline constexpr std::array<std::string_view, 4> kProtocolIds = {"/meshsub/1.2.0", "/meshsub/1.1.0",
                                                                 "/meshsub/1.0.0", "/floodsub/1.0.0"};
std::string_view protocol_id(Protocol p);
std::optional<Protocol> parse_protocol(std::string_view id);

enum class Validation { accept, ignore, reject };

struct Message {
  Topic topic;
  std::optional<PeerId> from;  // the author (StrictSign)
  std::optional<std::uint64_t> seqno;
  Bytes data;
};
// A new message (first copy, signature checked). With async_validation it is held until
// report_validation(id, ...); otherwise it has already been accepted and forwarded.
struct Received {
  PeerId source;  // the peer that delivered it
  MessageId id;
  Message message;
  bool subscribed = false;  // we subscribe to its topic (false: relayed only)
};
struct Grafted {
  PeerId peer;
  Topic topic;
};
struct Pruned {
  PeerId peer;
  Topic topic;
};
struct PeerExchange {  // PX from a PRUNE of a well-scored peer: candidates to connect to
  PeerId from;
  Topic topic;
  std::vector<PeerId> peers;
};
using Event = std::variant<Received, Grafted, Pruned, PeerExchange>;

struct Transmit {
  PeerId to;
  std::shared_ptr<const Bytes> frame;  // varint length || RPC
};

struct Metrics {
  std::uint64_t rpcs_received = 0;
  std::uint64_t rpcs_malformed = 0;
  std::uint64_t rpcs_graylisted = 0;
  std::uint64_t messages_received = 0;  // every copy
  std::uint64_t messages_duplicate = 0;
  std::uint64_t messages_invalid = 0;  // signature / policy / Reject
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_published = 0;
  std::uint64_t messages_forwarded = 0;  // frames queued to peers
  std::uint64_t idontwant_sent = 0;
  std::uint64_t idontwant_received = 0;
  std::uint64_t forwards_skipped_idontwant = 0;
  std::uint64_t ihave_sent = 0;
  std::uint64_t iwant_sent = 0;
  std::uint64_t iwant_answered = 0;
  std::uint64_t grafts_sent = 0;
  std::uint64_t prunes_sent = 0;
  std::uint64_t broken_promises = 0;
  std::uint64_t dropped_queue_full = 0;
  std::uint64_t bytes_queued = 0;
};

class Router {
 public:
  // `signer`: our identity key (StrictSign); `self` must be its peer id.
  Router(PeerId self, std::optional<crypto::Ed25519Keypair> signer, Config config, Entropy& entropy,
         TimePoint now);

  // A peer whose stream for `protocol` is ready to carry our RPCs. `outbound`: we dialed it (D_out).
  // `ip`: its address for P6 (empty: none). Errors: too_many_peers.
  Status add_peer(const PeerId& peer, Protocol protocol, bool outbound, const std::string& ip, TimePoint now);
  void remove_peer(const PeerId& peer, TimePoint now);
  bool has_peer(const PeerId& peer) const { return peers_.contains(peer); }

  // One RPC from `peer`. Errors: unknown_peer, graylisted, malformed_rpc (the peer is penalised).
  // Invalid content (bad signatures, unknown topics, floods) is scored, never an error.
  Status on_rpc(const PeerId& peer, BytesView rpc, TimePoint now);

  // Errors: too_many_topics.
  Status subscribe(const Topic& topic, TimePoint now);
  void unsubscribe(const Topic& topic, TimePoint now);
  bool subscribed(const Topic& topic) const { return subscriptions_.contains(topic); }
  // Errors: too_large, no_signing_key, duplicate_message.
  Result<MessageId> publish(const Topic& topic, BytesView data, TimePoint now);
  // With async_validation: the verdict on a Received message.
  void report_validation(const MessageId& id, Validation result, TimePoint now);
  // P5 for a peer.
  void set_application_score(const PeerId& peer, double v) { score_.set_app_score(peer, v); }

  std::optional<Event> poll_event();
  // The next frame for any peer (round robin over peers), or for one peer. Control before messages.
  std::optional<Transmit> poll_transmit();
  std::shared_ptr<const Bytes> poll_transmit(const PeerId& peer);
  bool wants_transmit(const PeerId& peer) const;

  TimePoint next_deadline() const { return next_heartbeat_; }
  void on_deadline(TimePoint now);
  void heartbeat(TimePoint now);

  double score(const PeerId& peer, TimePoint now) const;
  std::vector<PeerId> mesh_peers(const Topic& topic) const;
  std::vector<PeerId> topic_peers(const Topic& topic) const;
  std::size_t mcache_size() const { return mcache_.size(); }
  std::size_t seen_size() const { return seen_.size(); }
  std::size_t queued_frames(const PeerId& peer) const;
  const Metrics& metrics() const { return metrics_; }
  const PeerId& self() const { return self_; }
  const Config& config() const { return config_; }
  // The message id `config().message_id` (or the default) gives `m`.
  MessageId message_id(const codec::PubsubMessage& m) const;

 private:
  struct PeerState {
    Protocol protocol = Protocol::meshsub_v12;
    bool outbound = false;
    std::set<Topic> topics;
    BoundedQueue<std::shared_ptr<const Bytes>> control_q;
    BoundedQueue<std::shared_ptr<const Bytes>> message_q;
    std::size_t message_bytes = 0;
    codec::ControlMessage pending;
    std::vector<codec::SubOpts> pending_subs;
    std::map<MessageId, std::uint64_t> dont_want;  // id -> heartbeat tick received
    std::size_t dont_want_this_tick = 0;
    std::size_t ihaves_this_tick = 0;
    std::size_t asked_this_tick = 0;
    PeerState(std::size_t control, std::size_t messages)
        : control_q(control, DropPolicy::reject_new), message_q(messages, DropPolicy::reject_new) {}
  };
  struct Pending {
    PeerId source;
    Topic topic;
    std::shared_ptr<const Bytes> encoded;
    std::optional<PeerId> author;
    std::size_t data_size = 0;
  };

  bool is_gossipsub(const PeerState& p) const { return p.protocol != Protocol::floodsub; }
  bool supports_backoff(const PeerState& p) const {
    return p.protocol == Protocol::meshsub_v11 || p.protocol == Protocol::meshsub_v12;
  }
  void handle_subscription(const PeerId& peer, PeerState& p, const codec::SubOpts& s, TimePoint now);
  void handle_message(const PeerId& peer, codec::PubsubMessage m, TimePoint now);
  void handle_control(const PeerId& peer, PeerState& p, const codec::ControlMessage& c, TimePoint now);
  void handle_ihave(const PeerId& peer, PeerState& p, const std::vector<codec::ControlIHave>& v,
                    TimePoint now);
  void handle_iwant(const PeerId& peer, PeerState& p, const std::vector<codec::ControlIWant>& v,
                    TimePoint now);
  void handle_graft(const PeerId& peer, PeerState& p, const std::vector<codec::ControlGraft>& v,
                    TimePoint now);
  void handle_prune(const PeerId& peer, PeerState& p, const std::vector<codec::ControlPrune>& v,
                    TimePoint now);
  void handle_idontwant(PeerState& p, const std::vector<codec::ControlIDontWant>& v);
  // Checks the signing policy; returns the author (StrictSign) or nullopt with `ok` false if invalid.
  bool check_signature(const codec::PubsubMessage& m, std::optional<PeerId>& author) const;
  void accept(const PeerId& source, const MessageId& id, const Topic& topic,
              std::shared_ptr<const Bytes> encoded, const std::optional<PeerId>& author, TimePoint now);
  void forward(const MessageId& id, const Topic& topic, const std::shared_ptr<const Bytes>& frame,
               const std::optional<PeerId>& source, const std::optional<PeerId>& author, TimePoint now);
  void send_idontwant(const MessageId& id, const Topic& topic, const PeerId& source);
  void graft(const PeerId& peer, const Topic& topic, TimePoint now);  // adds to mesh and sends GRAFT
  void prune(const PeerId& peer, const Topic& topic, bool px, Duration backoff, TimePoint now);
  codec::ControlPrune make_prune(const PeerId& peer, const Topic& topic, bool px, Duration backoff,
                                 TimePoint now);
  void set_backoff(const Topic& topic, const PeerId& peer, TimePoint until);
  bool in_backoff(const Topic& topic, const PeerId& peer, TimePoint now) const;
  void maintain_mesh(const Topic& topic, std::set<PeerId>& mesh, TimePoint now);
  void maintain_fanout(TimePoint now);
  void emit_gossip(const Topic& topic, const std::set<PeerId>& exclude, TimePoint now);
  void expire_promises(TimePoint now);
  void queue_control_rpc(const PeerId& peer, PeerState& p);
  void flush_control();
  bool queue_message(const PeerId& peer, PeerState& p, const std::shared_ptr<const Bytes>& frame);
  void mark_seen(const MessageId& id, TimePoint now);
  bool seen(const MessageId& id) const { return seen_.contains(id); }
  void emit(Event e);
  template <class T>
  void shuffle(std::vector<T>& v);

  PeerId self_;
  std::optional<crypto::Ed25519Keypair> signer_;
  Config config_;
  DeterministicRng rng_;
  Score score_;
  MessageCache mcache_;
  std::map<PeerId, PeerState> peers_;
  std::map<Topic, std::set<PeerId>> topic_peers_;
  std::set<Topic> subscriptions_;
  std::map<Topic, std::set<PeerId>> mesh_;
  std::map<Topic, std::set<PeerId>> fanout_;
  std::map<Topic, TimePoint> fanout_last_publish_;
  std::map<std::pair<Topic, PeerId>, TimePoint> backoff_;
  std::map<MessageId, TimePoint> seen_;
  std::deque<std::pair<TimePoint, MessageId>> seen_order_;
  std::map<MessageId, Pending> pending_;
  std::map<MessageId, std::pair<PeerId, TimePoint>> promises_;  // IWANT asked: who promised, until when
  std::set<PeerId> dirty_;                                      // peers with pending control
  std::deque<Event> events_;
  std::size_t max_events_ = 1u << 16;
  Metrics metrics_;
  std::uint64_t seqno_ = 0;
  std::uint64_t tick_ = 0;
  TimePoint next_heartbeat_;
  PeerId rr_cursor_;  // round robin position of poll_transmit()
  bool rr_started_ = false;
};

}  // namespace stakecast::gossipsub

STAKECAST_ERRC_ENUM(stakecast::gossipsub::Errc)
