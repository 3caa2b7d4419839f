#include "proto/identify/identify.hpp"

namespace stakecast::identify {

const char* describe(Errc e) {
  switch (e) {
    case Errc::peer_mismatch:
      return "identify public key is not the connection's peer";
    case Errc::trailing_bytes:
      return "bytes after the identify message";
    case Errc::timeout:
      return "identify timed out";
  }
  return "unknown identify error";
}

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

Reader::Reader(TimePoint now, std::optional<PeerId> expected, const Config& config)
    : expected_(std::move(expected)), deadline_(now + config.timeout), frames_(codec::kMaxIdentify) {}

Status Reader::fail(std::error_code ec) {
  if (!error_) error_ = ec;
  event_.reset();  // a message followed by garbage is not reported
  return Err(error_);
}

Status Reader::on_bytes(BytesView in, TimePoint /*now*/) {
  if (failed()) return Err(error_);
  if (done_) return in.empty() ? Status() : fail(make_error_code(Errc::trailing_bytes));
  while (!in.empty()) {
    auto used = frames_.feed(in);
    if (!used) return fail(used.error());
    in = in.subspan(*used);
    auto frame = frames_.frame();
    if (!frame) continue;
    auto m = codec::decode_identify(*frame);
    if (!m) return fail(m.error());
    auto key = codec::decode_ed25519_public_key(m->public_key);
    if (!key) return fail(key.error());
    Info info{
        PeerId::from_ed25519(*key), m->agent_version, m->protocol_version, {}, std::nullopt, m->protocols};
    if (expected_ && info.peer != *expected_) return fail(make_error_code(Errc::peer_mismatch));
    for (const auto& a : m->listen_addrs)
      if (auto ma = Multiaddr::from_bytes(a)) info.listen_addrs.push_back(*ma);
    if (m->observed_addr)
      if (auto ma = Multiaddr::from_bytes(*m->observed_addr)) info.observed_addr = *ma;
    done_ = true;
    event_ = Event{Event::Kind::received, std::move(info)};
    if (!in.empty()) return fail(make_error_code(Errc::trailing_bytes));
  }
  return {};
}

std::optional<Event> Reader::poll_event() {
  if (!event_) return std::nullopt;
  Event e = std::move(*event_);
  event_.reset();
  return e;
}

Status Reader::on_deadline(TimePoint now) {
  if (failed()) return Err(error_);
  if (!done_ && now >= deadline_) return fail(make_error_code(Errc::timeout));
  return {};
}

}  // namespace stakecast::identify
