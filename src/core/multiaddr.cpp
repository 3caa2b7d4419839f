#include "core/multiaddr.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "core/varint.hpp"

namespace stakecast {

const char* describe(MultiaddrErrc e) {
  switch (e) {
    case MultiaddrErrc::empty:
      return "multiaddr has no components";
    case MultiaddrErrc::unknown_protocol:
      return "unsupported multiaddr protocol";
    case MultiaddrErrc::missing_value:
      return "multiaddr protocol is missing its value";
    case MultiaddrErrc::bad_value:
      return "malformed multiaddr value";
    case MultiaddrErrc::truncated:
      return "binary multiaddr is truncated";
    case MultiaddrErrc::bad_varint:
      return "binary multiaddr has an invalid varint";
    case MultiaddrErrc::too_long:
      return "multiaddr is too long";
    case MultiaddrErrc::no_leading_slash:
      return "multiaddr must start with '/'";
  }
  return "unknown multiaddr error";
}

namespace {

struct ProtoInfo {
  Proto proto;
  std::string_view name;
  int size;  // fixed value size in bytes, -1 for varint-length-prefixed
};
constexpr ProtoInfo kProtos[] = {
    {Proto::ip4, "ip4", 4},  {Proto::tcp, "tcp", 2},    {Proto::udp, "udp", 2},    {Proto::ip6, "ip6", 16},
    {Proto::dns, "dns", -1}, {Proto::dns4, "dns4", -1}, {Proto::dns6, "dns6", -1}, {Proto::p2p, "p2p", -1},
};

const ProtoInfo* by_name(std::string_view n) {
  if (n == "ipfs") n = "p2p";
  for (const auto& p : kProtos)
    if (p.name == n) return &p;
  return nullptr;
}
const ProtoInfo* by_code(std::uint64_t c) {
  for (const auto& p : kProtos)
    if (static_cast<std::uint64_t>(p.proto) == c) return &p;
  return nullptr;
}

bool valid_dns(BytesView v) {
  if (v.empty() || v.size() > 253) return false;
  for (auto c : v)
    if (c <= 0x20 || c == '/' || c >= 0x7f) return false;
  return true;
}

// Validates a binary value for its protocol.
Status check_value(const ProtoInfo& p, BytesView v) {
  switch (p.proto) {
    case Proto::dns:
    case Proto::dns4:
    case Proto::dns6:
      if (!valid_dns(v)) return MultiaddrErrc::bad_value;
      return {};
    case Proto::p2p:
      if (!PeerId::from_bytes(v)) return MultiaddrErrc::bad_value;
      return {};
    default:
      if (v.size() != static_cast<std::size_t>(p.size)) return MultiaddrErrc::bad_value;
      return {};
  }
}

Result<Bytes> value_from_text(const ProtoInfo& p, std::string_view t) {
  switch (p.proto) {
    case Proto::ip4:
    case Proto::ip6: {
      std::string s(t);
      Bytes out(p.proto == Proto::ip4 ? 4 : 16);
      if (inet_pton(p.proto == Proto::ip4 ? AF_INET : AF_INET6, s.c_str(), out.data()) != 1)
        return MultiaddrErrc::bad_value;
      return out;
    }
    case Proto::tcp:
    case Proto::udp: {
      unsigned port = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), port);
      if (ec != std::errc{} || end != t.data() + t.size() || port > 65535 || t.empty() ||
          (t.size() > 1 && t[0] == '0'))
        return MultiaddrErrc::bad_value;
      Bytes out(2);
      store_be16(out.data(), static_cast<std::uint16_t>(port));
      return out;
    }
    case Proto::p2p: {
      auto id = PeerId::parse(t);
      if (!id) return MultiaddrErrc::bad_value;
      return id->bytes();
    }
    default: {
      Bytes out(t.begin(), t.end());
      STAKECAST_TRY_STATUS(check_value(p, out));
      return out;
    }
  }
}

std::string value_to_text(const Multiaddr::Component& c) {
  switch (c.proto) {
    case Proto::ip4:
    case Proto::ip6: {
      char buf[INET6_ADDRSTRLEN] = {};
      inet_ntop(c.proto == Proto::ip4 ? AF_INET : AF_INET6, c.value.data(), buf, sizeof buf);
      return buf;
    }
    case Proto::tcp:
    case Proto::udp:
      return std::to_string(load_be16(c.value.data()));
    case Proto::p2p: {
      auto id = PeerId::from_bytes(c.value);  // validated on construction
      return id ? id->to_string() : std::string();
    }
    default:
      return std::string(as_chars(c.value));
  }
}

}  // namespace

Result<Multiaddr> Multiaddr::parse(std::string_view text) {
  if (text.size() > 4 * kMaxBytes) return MultiaddrErrc::too_long;
  if (text.empty() || text == "/") return MultiaddrErrc::empty;
  if (text[0] != '/') return MultiaddrErrc::no_leading_slash;
  Multiaddr m;
  std::size_t pos = 1;
  if (text.back() == '/') text.remove_suffix(1);
  while (pos <= text.size()) {
    const std::size_t slash = text.find('/', pos);
    std::string_view name =
        text.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    const ProtoInfo* p = by_name(name);
    if (p == nullptr) return MultiaddrErrc::unknown_protocol;
    if (slash == std::string_view::npos) return MultiaddrErrc::missing_value;
    const std::size_t vend = text.find('/', slash + 1);
    std::string_view value =
        text.substr(slash + 1, vend == std::string_view::npos ? std::string_view::npos : vend - slash - 1);
    if (value.empty()) return MultiaddrErrc::missing_value;
    STAKECAST_TRY(Bytes v, value_from_text(*p, value));
    if (m.components_.size() >= kMaxComponents) return MultiaddrErrc::too_long;
    m.components_.push_back({p->proto, std::move(v)});
    if (vend == std::string_view::npos) break;
    pos = vend + 1;
  }
  if (m.to_bytes().size() > kMaxBytes) return MultiaddrErrc::too_long;
  return m;
}

Result<Multiaddr> Multiaddr::from_bytes(BytesView b) {
  if (b.size() > kMaxBytes) return MultiaddrErrc::too_long;
  if (b.empty()) return MultiaddrErrc::empty;
  Multiaddr m;
  while (!b.empty()) {
    auto code = varint::decode(b);
    if (code.status == varint::DecodeStatus::need_more) return MultiaddrErrc::truncated;
    if (code.status != varint::DecodeStatus::ok) return MultiaddrErrc::bad_varint;
    const ProtoInfo* p = by_code(code.value);
    if (p == nullptr) return MultiaddrErrc::unknown_protocol;
    b = b.subspan(code.length);
    std::size_t len = static_cast<std::size_t>(p->size);
    if (p->size < 0) {
      auto l = varint::decode(b);
      if (l.status == varint::DecodeStatus::need_more) return MultiaddrErrc::truncated;
      if (l.status != varint::DecodeStatus::ok) return MultiaddrErrc::bad_varint;
      if (l.value > b.size()) return MultiaddrErrc::truncated;
      len = static_cast<std::size_t>(l.value);
      b = b.subspan(l.length);
    }
    if (len > b.size()) return MultiaddrErrc::truncated;
    BytesView v = b.first(len);
    STAKECAST_TRY_STATUS(check_value(*p, v));
    if (m.components_.size() >= kMaxComponents) return MultiaddrErrc::too_long;
    m.components_.push_back({p->proto, Bytes(v.begin(), v.end())});
    b = b.subspan(len);
  }
  return m;
}

std::string Multiaddr::to_string() const {
  std::string s;
  for (const auto& c : components_) {
    s += '/';
    s += by_code(static_cast<std::uint64_t>(c.proto))->name;
    s += '/';
    s += value_to_text(c);
  }
  return s;
}

Bytes Multiaddr::to_bytes() const {
  Bytes out;
  for (const auto& c : components_) {
    varint::append(out, static_cast<std::uint64_t>(c.proto));
    if (by_code(static_cast<std::uint64_t>(c.proto))->size < 0) varint::append(out, c.value.size());
    append(out, c.value);
  }
  return out;
}

std::optional<PeerId> Multiaddr::peer_id() const {
  for (auto it = components_.rbegin(); it != components_.rend(); ++it) {
    if (it->proto != Proto::p2p) continue;
    auto id = PeerId::from_bytes(it->value);
    if (id) return *id;
    return std::nullopt;
  }
  return std::nullopt;
}

Multiaddr Multiaddr::without_peer_id() const {
  Multiaddr m = *this;
  if (!m.components_.empty() && m.components_.back().proto == Proto::p2p) m.components_.pop_back();
  return m;
}

Multiaddr Multiaddr::with_peer_id(const PeerId& id) const {
  Multiaddr m = without_peer_id();
  m.components_.push_back({Proto::p2p, id.bytes()});
  return m;
}

std::optional<Multiaddr::TcpEndpoint> Multiaddr::tcp_endpoint() const {
  if (components_.size() < 2 || components_[1].proto != Proto::tcp) return std::nullopt;
  const auto& h = components_[0];
  switch (h.proto) {
    case Proto::ip4:
    case Proto::ip6:
    case Proto::dns:
    case Proto::dns4:
    case Proto::dns6:
      return TcpEndpoint{h.proto, value_to_text(h), load_be16(components_[1].value.data())};
    default:
      return std::nullopt;
  }
}

Result<Multiaddr> Multiaddr::from_ip_tcp(std::string_view ip, std::uint16_t port) {
  const bool v6 = ip.find(':') != std::string_view::npos;
  auto host = value_from_text(*by_code(static_cast<std::uint64_t>(v6 ? Proto::ip6 : Proto::ip4)), ip);
  if (!host) return Err(host.error());
  Multiaddr m;
  m.components_.push_back({v6 ? Proto::ip6 : Proto::ip4, std::move(*host)});
  Bytes p(2);
  store_be16(p.data(), port);
  m.components_.push_back({Proto::tcp, std::move(p)});
  return m;
}

}  // namespace stakecast
