#include "codec/pubsub.hpp"

#include "core/varint.hpp"
#include "pubsub.pb.h"

namespace stakecast::codec {

const char* describe(PubsubErrc e) {
  switch (e) {
    case PubsubErrc::too_large:
      return "pubsub RPC too large";
    case PubsubErrc::malformed:
      return "malformed pubsub RPC";
    case PubsubErrc::too_many_subscriptions:
      return "too many subscriptions in a pubsub RPC";
    case PubsubErrc::too_many_messages:
      return "too many messages in a pubsub RPC";
    case PubsubErrc::too_many_control:
      return "too many control entries in a pubsub RPC";
    case PubsubErrc::too_many_message_ids:
      return "too many message ids in a pubsub RPC";
    case PubsubErrc::too_many_peers:
      return "too many peers in a PRUNE";
    case PubsubErrc::field_too_long:
      return "topic or message id too long";
  }
  return "unknown pubsub error";
}

namespace {
namespace ppb = pb::pubsub;

std::string str(BytesView b) { return std::string(as_chars(b)); }
Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

void fill(ppb::Message& out, const PubsubMessage& m, bool with_signature) {
  if (m.from) out.set_from(str(*m.from));
  if (m.data) out.set_data(str(*m.data));
  if (m.seqno) out.set_seqno(str(*m.seqno));
  if (!m.topic.empty()) out.set_topic(m.topic);
  if (!with_signature) return;
  if (m.signature) out.set_signature(str(*m.signature));
  if (m.key) out.set_key(str(*m.key));
}

Bytes serialize(const google::protobuf::MessageLite& m, std::string_view prefix = {}) {
  Bytes out(prefix.size() + m.ByteSizeLong());
  std::copy(prefix.begin(), prefix.end(), out.begin());
  m.SerializeWithCachedSizesToArray(out.data() + prefix.size());
  return out;
}

std::vector<Bytes> ids(const google::protobuf::RepeatedPtrField<std::string>& in) {
  std::vector<Bytes> out;
  out.reserve(static_cast<std::size_t>(in.size()));
  for (const auto& s : in) out.push_back(bytes(s));
  return out;
}
}  // namespace

Bytes encode(const PubsubMessage& m) {
  ppb::Message pm;
  fill(pm, m, true);
  return serialize(pm);
}

Bytes signing_bytes(const PubsubMessage& m) {
  ppb::Message pm;
  fill(pm, m, false);
  return serialize(pm, kPubsubSignPrefix);
}

Bytes encode(const PubsubRpc& rpc) {
  ppb::RPC r;
  for (const auto& s : rpc.subscriptions) {
    auto* o = r.add_subscriptions();
    o->set_subscribe(s.subscribe);
    o->set_topicid(s.topic);
  }
  for (const auto& m : rpc.messages) fill(*r.add_publish(), m, true);
  if (rpc.control) {
    auto* c = r.mutable_control();
    for (const auto& e : rpc.control->ihave) {
      auto* o = c->add_ihave();
      o->set_topicid(e.topic);
      for (const auto& id : e.message_ids) o->add_messageids(str(id));
    }
    for (const auto& e : rpc.control->iwant) {
      auto* o = c->add_iwant();
      for (const auto& id : e.message_ids) o->add_messageids(str(id));
    }
    for (const auto& e : rpc.control->graft) c->add_graft()->set_topicid(e.topic);
    for (const auto& e : rpc.control->prune) {
      auto* o = c->add_prune();
      o->set_topicid(e.topic);
      for (const auto& p : e.peers) {
        auto* pi = o->add_peers();
        if (p.peer_id) pi->set_peerid(str(*p.peer_id));
        if (p.signed_peer_record) pi->set_signedpeerrecord(str(*p.signed_peer_record));
      }
      if (e.backoff_s) o->set_backoff(*e.backoff_s);
    }
    for (const auto& e : rpc.control->idontwant) {
      auto* o = c->add_idontwant();
      for (const auto& id : e.message_ids) o->add_messageids(str(id));
    }
  }
  return serialize(r);
}

void append_rpc_message(Bytes& rpc, BytesView encoded_message) {
  rpc.push_back(0x12);  // field 2 (publish), wire type 2
  varint::append(rpc, encoded_message.size());
  append(rpc, encoded_message);
}

Result<PubsubRpc> decode_pubsub_rpc(BytesView in, const PubsubLimits& limits) {
  if (in.size() > limits.max_rpc_bytes) return PubsubErrc::too_large;
  ppb::RPC r;
  if (!r.ParseFromArray(in.data(), static_cast<int>(in.size()))) return PubsubErrc::malformed;
  auto n = [](int v) { return static_cast<std::size_t>(v); };
  if (n(r.subscriptions_size()) > limits.max_subscriptions) return PubsubErrc::too_many_subscriptions;
  if (n(r.publish_size()) > limits.max_messages) return PubsubErrc::too_many_messages;
  const auto& c = r.control();
  if (n(c.ihave_size()) + n(c.iwant_size()) + n(c.graft_size()) + n(c.prune_size()) + n(c.idontwant_size()) >
      limits.max_control)
    return PubsubErrc::too_many_control;
  std::size_t id_count = 0;
  bool long_field = false;
  auto check_ids = [&](const google::protobuf::RepeatedPtrField<std::string>& v) {
    id_count += n(v.size());
    for (const auto& id : v) long_field |= id.size() > limits.max_message_id_bytes;
  };
  auto check_topic = [&](const std::string& t) { long_field |= t.size() > limits.max_topic_bytes; };
  for (const auto& e : c.ihave()) {
    check_topic(e.topicid());
    check_ids(e.messageids());
  }
  for (const auto& e : c.iwant()) check_ids(e.messageids());
  for (const auto& e : c.idontwant()) check_ids(e.messageids());
  if (id_count > limits.max_message_ids) return PubsubErrc::too_many_message_ids;
  for (const auto& e : c.graft()) check_topic(e.topicid());
  for (const auto& e : c.prune()) {
    check_topic(e.topicid());
    if (n(e.peers_size()) > limits.max_prune_peers) return PubsubErrc::too_many_peers;
  }
  for (const auto& s : r.subscriptions()) check_topic(s.topicid());
  for (const auto& m : r.publish()) check_topic(m.topic());
  if (long_field) return PubsubErrc::field_too_long;

  PubsubRpc out;
  out.subscriptions.reserve(n(r.subscriptions_size()));
  for (const auto& s : r.subscriptions()) out.subscriptions.push_back(SubOpts{s.subscribe(), s.topicid()});
  out.messages.reserve(n(r.publish_size()));
  for (const auto& m : r.publish()) {
    PubsubMessage& pm = out.messages.emplace_back();
    if (m.has_from()) pm.from = bytes(m.from());
    if (m.has_data()) pm.data = bytes(m.data());
    if (m.has_seqno()) pm.seqno = bytes(m.seqno());
    pm.topic = m.topic();
    if (m.has_signature()) pm.signature = bytes(m.signature());
    if (m.has_key()) pm.key = bytes(m.key());
  }
  if (r.has_control()) {
    ControlMessage& oc = out.control.emplace();
    for (const auto& e : c.ihave()) oc.ihave.push_back(ControlIHave{e.topicid(), ids(e.messageids())});
    for (const auto& e : c.iwant()) oc.iwant.push_back(ControlIWant{ids(e.messageids())});
    for (const auto& e : c.graft()) oc.graft.push_back(ControlGraft{e.topicid()});
    for (const auto& e : c.prune()) {
      ControlPrune& p = oc.prune.emplace_back();
      p.topic = e.topicid();
      for (const auto& pi : e.peers()) {
        PeerInfo& info = p.peers.emplace_back();
        if (pi.has_peerid()) info.peer_id = bytes(pi.peerid());
        if (pi.has_signedpeerrecord()) info.signed_peer_record = bytes(pi.signedpeerrecord());
      }
      if (e.has_backoff()) p.backoff_s = e.backoff();
    }
    for (const auto& e : c.idontwant()) oc.idontwant.push_back(ControlIDontWant{ids(e.messageids())});
  }
  return out;
}

}  // namespace stakecast::codec
