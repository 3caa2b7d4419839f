#include "core/multiaddr.hpp"

#include <gtest/gtest.h>

namespace stakecast {
namespace {

constexpr std::string_view kPeer = "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5";

TEST(Multiaddr, KnownBinaryForms) {
  auto a = Multiaddr::parse("/ip4/127.0.0.1/tcp/4001");
  ASSERT_TRUE(a);
  EXPECT_EQ(to_hex(a->to_bytes()), "047f000001060fa1");
  auto d = Multiaddr::parse("/dns4/example.com/tcp/443");
  ASSERT_TRUE(d);
  EXPECT_EQ(to_hex(d->to_bytes()), "360b6578616d706c652e636f6d0601bb");
  auto u = Multiaddr::parse("/ip6/::1/udp/9");
  ASSERT_TRUE(u);
  // ip6 (0x29) ::1, then udp (0x0111 = varint 91 02) port 9.
  EXPECT_EQ(to_hex(u->to_bytes()),
            "2900000000000000000000000000000001"
            "9102"
            "0009");
}

TEST(Multiaddr, TextBinaryRoundTrips) {
  for (const std::string& text : std::vector<std::string>{"/ip4/1.2.3.4/tcp/80", "/ip6/2001:db8::1/tcp/65535",
                                                          "/dns/node.example/tcp/1", "/dns6/a.b/udp/53",
                                                          "/ip4/10.0.0.1/tcp/0/p2p/" + std::string(kPeer)}) {
    auto m = Multiaddr::parse(text);
    ASSERT_TRUE(m) << text << ": " << m.error().message();
    EXPECT_EQ(m->to_string(), text);
    auto b = Multiaddr::from_bytes(m->to_bytes());
    ASSERT_TRUE(b) << text;
    EXPECT_EQ(*b, *m);
  }
  EXPECT_EQ(Multiaddr::parse("/ipfs/" + std::string(kPeer))->to_string(), "/p2p/" + std::string(kPeer));
}

TEST(Multiaddr, PeerIdAndEndpointHelpers) {
  auto m = Multiaddr::parse("/ip4/127.0.0.1/tcp/9000/p2p/" + std::string(kPeer));
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->peer_id());
  EXPECT_EQ(m->peer_id()->to_string(), kPeer);
  EXPECT_EQ(m->without_peer_id().to_string(), "/ip4/127.0.0.1/tcp/9000");
  EXPECT_EQ(m->without_peer_id().with_peer_id(*m->peer_id()), *m);
  auto ep = m->tcp_endpoint();
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 9000);
  EXPECT_FALSE(Multiaddr::parse("/ip4/1.2.3.4/udp/5")->tcp_endpoint());
  EXPECT_EQ(Multiaddr::from_ip_tcp("::1", 7)->to_string(), "/ip6/::1/tcp/7");
  EXPECT_EQ(Multiaddr::from_ip_tcp("300.1.1.1", 7).error(), MultiaddrErrc::bad_value);
}

TEST(Multiaddr, TextErrors) {
  EXPECT_EQ(Multiaddr::parse("").error(), MultiaddrErrc::empty);
  EXPECT_EQ(Multiaddr::parse("/").error(), MultiaddrErrc::empty);
  EXPECT_EQ(Multiaddr::parse("ip4/1.2.3.4").error(), MultiaddrErrc::no_leading_slash);
  EXPECT_EQ(Multiaddr::parse("/quic/1").error(), MultiaddrErrc::unknown_protocol);
  EXPECT_EQ(Multiaddr::parse("/ip4").error(), MultiaddrErrc::missing_value);
  EXPECT_EQ(Multiaddr::parse("/ip4//tcp/1").error(), MultiaddrErrc::missing_value);
  EXPECT_EQ(Multiaddr::parse("/ip4/1.2.3/tcp/1").error(), MultiaddrErrc::bad_value);
  EXPECT_EQ(Multiaddr::parse("/ip4/1.2.3.4/tcp/65536").error(), MultiaddrErrc::bad_value);
  EXPECT_EQ(Multiaddr::parse("/ip4/1.2.3.4/tcp/-1").error(), MultiaddrErrc::bad_value);
  EXPECT_EQ(Multiaddr::parse("/ip4/1.2.3.4/tcp/080").error(), MultiaddrErrc::bad_value);
  EXPECT_EQ(Multiaddr::parse("/p2p/notbase58!").error(), MultiaddrErrc::bad_value);
  std::string many;
  for (int i = 0; i < 20; ++i) many += "/tcp/1";
  EXPECT_EQ(Multiaddr::parse(many).error(), MultiaddrErrc::too_long);
}

TEST(Multiaddr, BinaryErrorsAtEveryTruncation) {
  auto m = Multiaddr::parse("/dns4/example.com/tcp/443/p2p/" + std::string(kPeer));
  ASSERT_TRUE(m);
  Bytes b = m->to_bytes();
  for (std::size_t n = 1; n < b.size(); ++n) {
    auto r = Multiaddr::from_bytes(BytesView(b).first(n));
    // A prefix either ends exactly between components (valid) or is rejected with a typed error.
    if (r) {
      EXPECT_LT(r->components().size(), 3u) << n;
    } else {
      EXPECT_TRUE(r.error() == MultiaddrErrc::truncated || r.error() == MultiaddrErrc::bad_value) << n;
    }
  }
  EXPECT_EQ(Multiaddr::from_bytes(Bytes{0x99, 0x01}).error(), MultiaddrErrc::unknown_protocol);
  EXPECT_EQ(Multiaddr::from_bytes(Bytes(10, 0xff)).error(), MultiaddrErrc::bad_varint);
  EXPECT_EQ(Multiaddr::from_bytes(Bytes{0x35, 0x00}).error(), MultiaddrErrc::bad_value);  // empty dns
  EXPECT_EQ(Multiaddr::from_bytes(Bytes{0x35, 0x7f, 'a'}).error(), MultiaddrErrc::truncated);
  EXPECT_EQ(Multiaddr::from_bytes(Bytes(Multiaddr::kMaxBytes + 1, 0x04)).error(), MultiaddrErrc::too_long);
}

}  // namespace
}  // namespace stakecast
