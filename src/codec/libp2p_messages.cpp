#include "codec/libp2p_messages.hpp"

#include <cstring>

#include "libp2p.pb.h"

namespace stakecast::codec {

const char* describe(MessageErrc e) {
  switch (e) {
    case MessageErrc::too_large:
      return "libp2p message too large";
    case MessageErrc::malformed:
      return "malformed libp2p protobuf message";
    case MessageErrc::unsupported_key:
      return "unsupported public key type (only Ed25519)";
    case MessageErrc::too_many_entries:
      return "too many entries in a libp2p message";
  }
  return "unknown libp2p message error";
}

namespace {
Bytes serialize(const google::protobuf::MessageLite& m) {
  Bytes out(m.ByteSizeLong());
  m.SerializeToArray(out.data(), static_cast<int>(out.size()));
  return out;
}
template <class M>
bool parse(M& m, BytesView b) {
  return m.ParseFromArray(b.data(), static_cast<int>(b.size()));
}
}  // namespace

Result<std::array<std::uint8_t, 32>> decode_ed25519_public_key(BytesView b) {
  if (b.size() > 1024) return MessageErrc::too_large;
  pb::PublicKey k;
  if (!parse(k, b) || !k.has_type() || !k.has_data()) return MessageErrc::malformed;
  if (k.type() != pb::Ed25519) return MessageErrc::unsupported_key;
  if (k.data().size() != 32) return MessageErrc::malformed;
  std::array<std::uint8_t, 32> out;
  std::memcpy(out.data(), k.data().data(), 32);
  return out;
}

Bytes encode(const NoisePayload& p) {
  pb::NoiseHandshakePayload m;
  m.set_identity_key(std::string(as_chars(p.identity_key)));
  m.set_identity_sig(std::string(as_chars(p.identity_sig)));
  if (!p.stream_muxers.empty()) {
    auto* ext = m.mutable_extensions();
    for (const auto& mux : p.stream_muxers) ext->add_stream_muxers(mux);
  }
  return serialize(m);
}

Result<NoisePayload> decode_noise_payload(BytesView b) {
  if (b.size() > kMaxNoisePayload) return MessageErrc::too_large;
  pb::NoiseHandshakePayload m;
  if (!parse(m, b)) return MessageErrc::malformed;
  if (m.extensions().stream_muxers_size() > 32) return MessageErrc::too_many_entries;
  NoisePayload p;
  append(p.identity_key, as_bytes(m.identity_key()));
  append(p.identity_sig, as_bytes(m.identity_sig()));
  for (const auto& mux : m.extensions().stream_muxers()) p.stream_muxers.push_back(mux);
  return p;
}

Bytes encode(const IdentifyMessage& i) {
  pb::Identify m;
  m.set_protocolversion(i.protocol_version);
  m.set_agentversion(i.agent_version);
  m.set_publickey(std::string(as_chars(i.public_key)));
  for (const auto& a : i.listen_addrs) m.add_listenaddrs(std::string(as_chars(a)));
  if (i.observed_addr) m.set_observedaddr(std::string(as_chars(*i.observed_addr)));
  for (const auto& p : i.protocols) m.add_protocols(p);
  return serialize(m);
}

Result<IdentifyMessage> decode_identify(BytesView b) {
  if (b.size() > kMaxIdentify) return MessageErrc::too_large;
  pb::Identify m;
  if (!parse(m, b)) return MessageErrc::malformed;
  if (static_cast<std::size_t>(m.listenaddrs_size()) > kMaxIdentifyEntries ||
      static_cast<std::size_t>(m.protocols_size()) > kMaxIdentifyEntries)
    return MessageErrc::too_many_entries;
  IdentifyMessage i;
  i.protocol_version = m.protocolversion();
  i.agent_version = m.agentversion();
  append(i.public_key, as_bytes(m.publickey()));
  for (const auto& a : m.listenaddrs()) i.listen_addrs.emplace_back(a.begin(), a.end());
  if (m.has_observedaddr()) i.observed_addr = Bytes(m.observedaddr().begin(), m.observedaddr().end());
  for (const auto& p : m.protocols()) i.protocols.push_back(p);
  return i;
}

}  // namespace stakecast::codec
