#include "proto/mss/multistream.hpp"

#include <gtest/gtest.h>

#include "core/varint.hpp"

namespace stakecast::mss {
namespace {

Bytes drain(Negotiation& n) {
  Bytes out;
  std::uint8_t buf[7];  // small buffer: poll_transmit must resume where it stopped
  while (std::size_t k = n.poll_transmit(buf)) out.insert(out.end(), buf, buf + k);
  return out;
}

Bytes lines(std::initializer_list<std::string_view> ls) {
  Bytes out;
  for (auto l : ls) {
    Bytes body(l.begin(), l.end());
    body.push_back('\n');
    codec::append_frame(out, body);
  }
  return out;
}

TEST(Multistream, DialerSendsHeaderAndProposalAtOnce) {
  Dialer d({"/noise"});
  EXPECT_EQ(drain(d), lines({"/multistream/1.0.0", "/noise"}));
  EXPECT_EQ(to_hex(lines({"/noise"})), "072f6e6f6973650a");
}

TEST(Multistream, PairNegotiatesWithFallbackAndLeavesTrailingBytes) {
  Dialer d({"/yamux/2.0.0", "/yamux/1.0.0"});
  Listener l({"/yamux/1.0.0", "/mplex/6.7.0"});
  ASSERT_TRUE(l.on_bytes(drain(d)));
  ASSERT_TRUE(d.on_bytes(drain(l)));  // header + "na"
  ASSERT_FALSE(d.done());
  Bytes to_listener = drain(d);
  to_listener.push_back(0xAB);  // first byte of the next protocol, in the same segment
  ASSERT_TRUE(l.on_bytes(to_listener));
  ASSERT_TRUE(l.done());
  EXPECT_EQ(*l.protocol(), "/yamux/1.0.0");
  EXPECT_EQ(l.take_remaining(), Bytes{0xAB});
  Bytes to_dialer = drain(l);
  to_dialer.push_back(0xCD);
  ASSERT_TRUE(d.on_bytes(to_dialer));
  ASSERT_TRUE(d.done());
  EXPECT_EQ(*d.protocol(), "/yamux/1.0.0");
  EXPECT_EQ(d.take_remaining(), Bytes{0xCD});
  ASSERT_TRUE(d.on_bytes(Bytes{1, 2}));  // after completion, bytes accumulate for the next layer
  EXPECT_EQ(d.take_remaining(), (Bytes{1, 2}));
}

TEST(Multistream, SplitAtEveryOffsetEqualsOneShot) {
  Dialer d0({"/a", "/b"});
  const Bytes dialer_bytes = drain(d0);
  for (std::size_t cut = 0; cut <= dialer_bytes.size(); ++cut) {
    Listener l({"/b"});
    ASSERT_TRUE(l.on_bytes(BytesView(dialer_bytes).first(cut)));
    ASSERT_TRUE(l.on_bytes(BytesView(dialer_bytes).subspan(cut)));
    EXPECT_EQ(drain(l), lines({"/multistream/1.0.0", "na"})) << cut;
    EXPECT_FALSE(l.done());
  }
}

TEST(Multistream, NoCommonProtocolAndBadPeers) {
  Dialer d({"/x"});
  Listener l({"/y"});
  ASSERT_TRUE(l.on_bytes(drain(d)));
  EXPECT_EQ(d.on_bytes(drain(l)).error(), Errc::no_common_protocol);
  EXPECT_TRUE(d.failed());
  EXPECT_EQ(d.on_bytes(Bytes{1}).error(), Errc::no_common_protocol);  // stays failed

  Listener l2({"/y"});
  EXPECT_EQ(l2.on_bytes(lines({"/multistream/2.0.0"})).error(), Errc::bad_header);
  Listener l3({"/y"});
  EXPECT_EQ(l3.on_bytes(Bytes{0x03, 'a', 'b', 'c'}).error(), Errc::bad_message);  // no newline
  Listener l4({"/y"});
  EXPECT_EQ(l4.on_bytes(Bytes(12, 0xff)).error(), Errc::bad_framing);
  Listener l5({"/y"});
  Bytes huge;
  varint::append(huge, 5000);
  EXPECT_EQ(l5.on_bytes(huge).error(), Errc::bad_framing);  // refused before buffering
  Dialer d2({"/x"});
  EXPECT_EQ(d2.on_bytes(lines({"/multistream/1.0.0", "/other"})).error(), Errc::bad_message);
}

TEST(Multistream, ListenerBoundsProposalsAndAnswersLsWithNa) {
  Config c;
  c.max_attempts = 3;
  Listener l({"/y"}, c);
  Bytes in = lines({"/multistream/1.0.0", "ls", "/a", "/b"});
  ASSERT_TRUE(l.on_bytes(in));
  EXPECT_EQ(drain(l), lines({"/multistream/1.0.0", "na", "na", "na"}));
  EXPECT_EQ(l.on_bytes(lines({"/c"})).error(), Errc::too_many_attempts);
}

}  // namespace
}  // namespace stakecast::mss
