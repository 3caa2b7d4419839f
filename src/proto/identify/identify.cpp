#include "proto/identify/identify.hpp"

namespace stakecast::identify {

Bytes make_message(const std::array<std::uint8_t, 32>& identity_key, std::string_view agent_version,
                   const std::vector<Multiaddr>& listen_addrs, const std::vector<std::string>& protocols,
                   const std::optional<Multiaddr>& observed) {
  codec::IdentifyMessage m;
  m.protocol_version = kProtocolVersion;
  m.agent_version = agent_version;
  m.public_key = PeerId::encode_ed25519_public_key(identity_key);
  for (const auto& a : listen_addrs) m.listen_addrs.push_back(a.to_bytes());
  if (observed) m.observed_addr = observed->to_bytes();
  m.protocols = protocols;
  Bytes out;
  codec::append_frame(out, codec::encode(m));
  return out;
}

Status Reader::on_bytes(BytesView in) {
  while (!in.empty() && !info_) {
    STAKECAST_TRY(std::size_t used, frames_.feed(in));
    in = in.subspan(used);
    auto frame = frames_.frame();
    if (!frame) continue;
    STAKECAST_TRY(codec::IdentifyMessage m, codec::decode_identify(*frame));
    STAKECAST_TRY(auto key, codec::decode_ed25519_public_key(m.public_key));
    Info info{PeerId::from_ed25519(key), m.agent_version, m.protocol_version, {}, std::nullopt, m.protocols};
    for (const auto& a : m.listen_addrs)
      if (auto ma = Multiaddr::from_bytes(a)) info.listen_addrs.push_back(*ma);
    if (m.observed_addr)
      if (auto ma = Multiaddr::from_bytes(*m.observed_addr)) info.observed_addr = *ma;
    info_ = std::move(info);
  }
  return {};
}

}  // namespace stakecast::identify
