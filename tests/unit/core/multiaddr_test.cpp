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

// Known binary forms for every supported protocol, both directions: text -> bytes gives exactly the
// expected hex, bytes -> text gives back exactly the text. The /ip6 and /p2p (sha2-256 peer id) vectors are
// the multiformats reference vectors (rust-multiaddr tests); the others follow the multicodec table
// (ip4 04, tcp 06, udp 0x0111 = varint 91 02, ip6 29, dns 35, dns4 36, dns6 37, p2p 0x01a5 = a5 03).
TEST(Multiaddr, EveryProtocolHasItsKnownBinaryFormBothWays) {
  const std::pair<std::string, std::string> vectors[] = {
      {"/ip4/1.2.3.4", "0401020304"},
      {"/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21", "29260100094f819700803eca6566e80c21"},
      {"/tcp/1234", "0604d2"},
      {"/udp/65535", "9102ffff"},
      {"/dns/a.io", "3504612e696f"},
      {"/dns4/example.com", "360b6578616d706c652e636f6d"},
      {"/dns6/v6.example", "370a76362e6578616d706c65"},
      {"/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
       "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b"},
      {"/p2p/" + std::string(kPeer),
       "a50326002408011220"
       "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"},
      {"/ip4/127.0.0.1/udp/1234/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
       "047f000001910204d2a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b"},
  };
  for (const auto& [text, hex] : vectors) {
    auto m = Multiaddr::parse(text);
    ASSERT_TRUE(m) << text << ": " << m.error().message();
    EXPECT_EQ(to_hex(m->to_bytes()), hex) << text;
    auto b = Multiaddr::from_bytes(*from_hex(hex));
    ASSERT_TRUE(b) << hex << ": " << b.error().message();
    EXPECT_EQ(b->to_string(), text);
    EXPECT_EQ(*b, *m);
  }
}

TEST(Multiaddr, TextBinaryRoundTrips) {
  for (const std::string& text : std::vector<std::string>{
           "/ip4/1.2.3.4/tcp/80", "/ip6/2001:db8::1/tcp/65535", "/dns/node.example/tcp/1", "/dns6/a.b/udp/53",
           "/dns4/x.y/tcp/4001/p2p/" + std::string(kPeer), "/ip6/::/udp/0",
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
  // Component boundaries: after /dns4/example.com (13 bytes) and after /tcp/443 (16 bytes).
  const std::size_t dns_end = 2 + 11, tcp_end = dns_end + 3;
  ASSERT_EQ(b.size(), tcp_end + 2 + 1 + 38);
  for (std::size_t n = 1; n < b.size(); ++n) {
    auto r = Multiaddr::from_bytes(BytesView(b).first(n));
    // A prefix that ends exactly between components is that shorter multiaddr; any other is truncated.
    if (n == dns_end || n == tcp_end) {
      ASSERT_TRUE(r) << n;
      EXPECT_EQ(r->components().size(), n == dns_end ? 1u : 2u);
    } else {
      EXPECT_EQ(r.error(), MultiaddrErrc::truncated) << n;
    }
  }
  EXPECT_EQ(Multiaddr::from_bytes(Bytes{0x99, 0x01}).error(), MultiaddrErrc::unknown_protocol);
  EXPECT_EQ(Multiaddr::from_bytes(Bytes(10, 0xff)).error(), MultiaddrErrc::bad_varint);
  EXPECT_EQ(Multiaddr::from_bytes(Bytes{0x35, 0x00}).error(), MultiaddrErrc::bad_value);  // empty dns
  EXPECT_EQ(Multiaddr::from_bytes(Bytes{0x35, 0x7f, 'a'}).error(), MultiaddrErrc::truncated);
  EXPECT_EQ(Multiaddr::from_bytes(Bytes(Multiaddr::kMaxBytes + 1, 0x04)).error(), MultiaddrErrc::too_long);
  // More components than kMaxComponents, each valid and the whole short: too_long, not a longer list.
  Bytes many;
  for (std::size_t i = 0; i <= Multiaddr::kMaxComponents; ++i)
    append(many, *from_hex("0604d2"));  // /tcp/1234
  EXPECT_EQ(Multiaddr::from_bytes(many).error(), MultiaddrErrc::too_long);
  EXPECT_TRUE(Multiaddr::from_bytes(BytesView(many).first(3 * Multiaddr::kMaxComponents)));
  // Lengths a peer claims are checked against what is there before anything is copied.
  EXPECT_EQ(Multiaddr::from_bytes(*from_hex("35ffffffffffffffff7f")).error(), MultiaddrErrc::truncated);
  EXPECT_EQ(Multiaddr::from_bytes(*from_hex("a50300")).error(), MultiaddrErrc::bad_value);  // empty peer id
  EXPECT_EQ(Multiaddr::from_bytes(*from_hex("0401020304"
                                            "0604"))
                .error(),
            MultiaddrErrc::truncated);
}

}  // namespace
}  // namespace stakecast
