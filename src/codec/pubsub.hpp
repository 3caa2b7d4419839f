// Plain structs for the libp2p pubsub RPC (codec/pubsub.proto) with encoders, a bounded decoder and the
// bytes a message signature covers. SPEC: libp2p/specs pubsub/README.md (RPC, message signing),
// pubsub/gossipsub/gossipsub-v1.0.md, -v1.1.md, -v1.2.md (control messages). Frames on the stream are
// varint length-prefixed (codec/frame.hpp). No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"

namespace stakecast::codec {

enum class PubsubErrc {
  too_large = 1,  // input above PubsubLimits::max_rpc_bytes
  malformed,      // not a protobuf encoding of the RPC
  too_many_subscriptions,
  too_many_messages,
  too_many_control,      // control entries (IHAVE, IWANT, GRAFT, PRUNE, IDONTWANT) beyond the limit
  too_many_message_ids,  // message ids in the control part beyond the limit
  too_many_peers,        // PeerInfo entries in one PRUNE beyond the limit
  field_too_long,        // a topic or message id above its length limit
};
const char* describe(PubsubErrc e);
STAKECAST_ERRC_FUNCS(PubsubErrc, "pubsub")

// The spec's "libp2p-pubsub:" signing prefix.
inline constexpr std::string_view kPubsubSignPrefix = "libp2p-pubsub:";

struct PubsubMessage {
  std::optional<Bytes> from;  // peer id (multihash bytes) of the author
  std::optional<Bytes> data;
  std::optional<Bytes> seqno;
  std::string topic;  // encoded only when non-empty, as proto3 encoders (js-libp2p) do
  std::optional<Bytes> signature;
  std::optional<Bytes> key;  // protobuf PublicKey; may be absent when `from` inlines the key
  bool operator==(const PubsubMessage&) const = default;
};
struct SubOpts {
  bool subscribe = false;
  std::string topic;
  bool operator==(const SubOpts&) const = default;
};
struct ControlIHave {
  std::string topic;
  std::vector<Bytes> message_ids;
  bool operator==(const ControlIHave&) const = default;
};
struct ControlIWant {
  std::vector<Bytes> message_ids;
  bool operator==(const ControlIWant&) const = default;
};
struct ControlGraft {
  std::string topic;
  bool operator==(const ControlGraft&) const = default;
};
struct PeerInfo {
  std::optional<Bytes> peer_id;
  std::optional<Bytes> signed_peer_record;
  bool operator==(const PeerInfo&) const = default;
};
struct ControlPrune {
  std::string topic;
  std::vector<PeerInfo> peers;
  std::optional<std::uint64_t> backoff_s;  // seconds (v1.1)
  bool operator==(const ControlPrune&) const = default;
};
struct ControlIDontWant {
  std::vector<Bytes> message_ids;
  bool operator==(const ControlIDontWant&) const = default;
};
struct ControlMessage {
  std::vector<ControlIHave> ihave;
  std::vector<ControlIWant> iwant;
  std::vector<ControlGraft> graft;
  std::vector<ControlPrune> prune;
  std::vector<ControlIDontWant> idontwant;
  bool empty() const {
    return ihave.empty() && iwant.empty() && graft.empty() && prune.empty() && idontwant.empty();
  }
  bool operator==(const ControlMessage&) const = default;
};
struct PubsubRpc {
  std::vector<SubOpts> subscriptions;
  std::vector<PubsubMessage> messages;
  std::optional<ControlMessage> control;
  bool operator==(const PubsubRpc&) const = default;
};

struct PubsubLimits {
  std::size_t max_rpc_bytes = (4u << 20) + 4096;  // a 4 MiB message plus its envelope
  std::size_t max_subscriptions = 1024;
  std::size_t max_messages = 1024;
  std::size_t max_control = 1024;       // entries of all control kinds together
  std::size_t max_message_ids = 10000;  // over all IHAVE, IWANT and IDONTWANT entries
  std::size_t max_prune_peers = 64;
  std::size_t max_topic_bytes = 1024;
  std::size_t max_message_id_bytes = 1024;
};

Bytes encode(const PubsubMessage& m);
Bytes encode(const PubsubRpc& rpc);
// Appends `encoded_message` (from encode(PubsubMessage)) as one more RPC.publish entry to an encoded RPC:
// protobuf merges repeated fields, so encode(rpc) followed by such entries is one valid RPC. Lets a router
// forward a cached message without re-encoding it.
void append_rpc_message(Bytes& rpc, BytesView encoded_message);
// "libp2p-pubsub:" || Message{from, data, seqno, topic} (fields present in m, without signature and key):
// the bytes a StrictSign signature covers.
Bytes signing_bytes(const PubsubMessage& m);
// Errors: too_large, malformed, too_many_subscriptions, too_many_messages, too_many_control,
// too_many_message_ids, too_many_peers, field_too_long.
Result<PubsubRpc> decode_pubsub_rpc(BytesView in, const PubsubLimits& limits = {});

}  // namespace stakecast::codec

STAKECAST_ERRC_ENUM(stakecast::codec::PubsubErrc)
