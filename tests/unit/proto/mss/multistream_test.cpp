#include "proto/mss/multistream.hpp"

#include <gtest/gtest.h>

#include "core/machine.hpp"
#include "core/varint.hpp"

namespace stakecast::mss {
namespace {

static_assert(ByteMachine<Negotiation>);

const TimePoint t0 = TimePoint::from_ns(1'000);

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

Negotiation dialer(std::vector<std::string> p, const Config& c = {}) {
  return Negotiation(Role::dialer, std::move(p), t0, c);
}
Negotiation listener(std::vector<std::string> p, const Config& c = {}) {
  return Negotiation(Role::listener, std::move(p), t0, c);
}

TEST(Multistream, DialerSendsHeaderAndProposalAtOnce) {
  auto d = dialer({"/noise"});
  EXPECT_EQ(drain(d), lines({"/multistream/1.0.0", "/noise"}));
  EXPECT_EQ(to_hex(lines({"/noise"})), "072f6e6f6973650a");
  auto l = listener({"/noise"});
  EXPECT_EQ(drain(l), lines({"/multistream/1.0.0"}));  // the listener's header needs no input
}

TEST(Multistream, PairNegotiatesWithFallbackAndLeavesTrailingBytes) {
  auto d = dialer({"/yamux/2.0.0", "/yamux/1.0.0"});
  auto l = listener({"/yamux/1.0.0", "/mplex/6.7.0"});
  ASSERT_TRUE(l.on_bytes(drain(d), t0));
  ASSERT_TRUE(d.on_bytes(drain(l), t0));  // header + "na"
  ASSERT_FALSE(d.done());
  EXPECT_FALSE(d.poll_event());
  Bytes to_listener = drain(d);
  EXPECT_EQ(to_listener, lines({"/yamux/1.0.0"}));
  to_listener.push_back(0xAB);  // first byte of the next protocol, in the same segment
  ASSERT_TRUE(l.on_bytes(to_listener, t0));
  ASSERT_TRUE(l.done());
  auto ev = l.poll_event();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, Event::Kind::negotiated);
  EXPECT_EQ(ev->protocol, "/yamux/1.0.0");
  EXPECT_FALSE(l.poll_event());
  EXPECT_EQ(l.take_remaining(), Bytes{0xAB});
  Bytes to_dialer = drain(l);
  to_dialer.push_back(0xCD);
  ASSERT_TRUE(d.on_bytes(to_dialer, t0));
  ASSERT_TRUE(d.done());
  EXPECT_EQ(d.poll_event()->protocol, "/yamux/1.0.0");
  EXPECT_EQ(*d.protocol(), "/yamux/1.0.0");
  EXPECT_EQ(d.take_remaining(), Bytes{0xCD});
  ASSERT_TRUE(d.on_bytes(Bytes{1, 2}, t0));  // after completion, bytes accumulate for the next layer
  EXPECT_EQ(d.take_remaining(), (Bytes{1, 2}));
  EXPECT_EQ(d.next_deadline(), TimePoint::max());  // no timer once agreed
}

// Every segmentation of each side's input gives the same outcome as one segment.
TEST(Multistream, SplitAtEveryOffsetEqualsOneShot) {
  const Bytes to_listener = lines({"/multistream/1.0.0", "/a", "/b"});
  const Bytes tail = {0xEE, 0xFF};
  Bytes in = to_listener;
  append(in, tail);
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    auto l = listener({"/b"});
    ASSERT_TRUE(l.on_bytes(BytesView(in).first(cut), t0));
    ASSERT_TRUE(l.on_bytes(BytesView(in).subspan(cut), t0));
    EXPECT_EQ(drain(l), lines({"/multistream/1.0.0", "na", "/b"})) << cut;
    ASSERT_TRUE(l.done());
    EXPECT_EQ(l.take_remaining(), tail) << cut;
  }
  const Bytes to_dialer = lines({"/multistream/1.0.0", "na", "/b"});
  in = to_dialer;
  append(in, tail);
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    auto d = dialer({"/a", "/b"});
    (void)drain(d);
    ASSERT_TRUE(d.on_bytes(BytesView(in).first(cut), t0));
    ASSERT_TRUE(d.on_bytes(BytesView(in).subspan(cut), t0));
    EXPECT_EQ(drain(d), lines({"/b"})) << cut;
    ASSERT_TRUE(d.done());
    EXPECT_EQ(d.take_remaining(), tail) << cut;
  }
}

TEST(Multistream, NoCommonProtocolFailsAndStaysFailed) {
  auto d = dialer({"/x"});
  auto l = listener({"/y"});
  ASSERT_TRUE(l.on_bytes(drain(d), t0));
  EXPECT_EQ(d.on_bytes(drain(l), t0).error(), Errc::no_common_protocol);
  EXPECT_TRUE(d.failed());
  EXPECT_EQ(d.error(), Errc::no_common_protocol);
  EXPECT_EQ(d.on_bytes(Bytes{1}, t0).error(), Errc::no_common_protocol);
  EXPECT_EQ(d.on_deadline(t0 + 1h).error(), Errc::no_common_protocol);
  EXPECT_EQ(d.next_deadline(), TimePoint::max());
  EXPECT_EQ(dialer({}).error(), Errc::no_common_protocol);
}

TEST(Multistream, BadPeerInputGivesTypedErrors) {
  EXPECT_EQ(listener({"/y"}).on_bytes(lines({"/multistream/2.0.0"}), t0).error(), Errc::bad_header);
  EXPECT_EQ(listener({"/y"}).on_bytes(Bytes{0x03, 'a', 'b', 'c'}, t0).error(), Errc::bad_message);  // no '\n'
  EXPECT_EQ(listener({"/y"}).on_bytes(lines({"/multistream/1.0.0", "/a\tb"}), t0).error(), Errc::bad_message);
  EXPECT_EQ(listener({"/y"}).on_bytes(Bytes{0x00}, t0).error(), Errc::bad_message);        // empty line
  EXPECT_EQ(listener({"/y"}).on_bytes(Bytes(12, 0xff), t0).error(), Errc::bad_framing);    // overlong varint
  EXPECT_EQ(listener({"/y"}).on_bytes(Bytes{0x80, 0x00}, t0).error(), Errc::bad_framing);  // non-minimal
  Bytes huge;
  varint::append(huge, 5000);  // refused from the prefix alone, before any body arrives
  EXPECT_EQ(listener({"/y"}).on_bytes(huge, t0).error(), Errc::bad_framing);
  Config c;
  c.max_line = kProtocolId.size();  // 18: the header fits, a longer id does not
  EXPECT_TRUE(listener({"/y"}, c).on_bytes(lines({"/multistream/1.0.0", "/abcdefghijklmnopq"}), t0));
  EXPECT_EQ(listener({"/y"}, c).on_bytes(lines({"/multistream/1.0.0", "/abcdefghijklmnopqr"}), t0).error(),
            Errc::bad_framing);
  // The dialer accepts only its proposal or "na" as the answer.
  EXPECT_EQ(dialer({"/x"}).on_bytes(lines({"/multistream/1.0.0", "/other"}), t0).error(), Errc::bad_message);
  // Garbage after the header, in the same segment or the next one.
  auto d = dialer({"/x"});
  ASSERT_TRUE(d.on_bytes(lines({"/multistream/1.0.0"}), t0));
  EXPECT_EQ(d.on_bytes(Bytes{0x05, 'h', 'e', 'l', 'l', 'o'}, t0).error(), Errc::bad_message);
  EXPECT_FALSE(d.done());
}

TEST(Multistream, ListenerBoundsProposalsAndAnswersLsWithNa) {
  Config c;
  c.max_attempts = 3;
  auto l = listener({"/y"}, c);
  Bytes in = lines({"/multistream/1.0.0", "ls", "/a", "/b"});
  ASSERT_TRUE(l.on_bytes(in, t0));
  EXPECT_EQ(drain(l), lines({"/multistream/1.0.0", "na", "na", "na"}));
  EXPECT_EQ(l.on_bytes(lines({"/c"}), t0).error(), Errc::too_many_attempts);
}

TEST(Multistream, TimesOutWithoutAgreement) {
  Config c;
  c.timeout = 5s;
  auto l = listener({"/y"}, c);
  EXPECT_EQ(l.next_deadline(), t0 + 5s);
  ASSERT_TRUE(l.on_bytes(lines({"/multistream/1.0.0"}), t0 + 1s));
  EXPECT_EQ(l.next_deadline(), t0 + 5s);  // progress does not extend the deadline
  EXPECT_TRUE(l.on_deadline(t0 + 4s));
  EXPECT_EQ(l.on_deadline(t0 + 5s).error(), Errc::timeout);
  EXPECT_TRUE(l.failed());
  auto d = dialer({"/y"}, c);
  auto l2 = listener({"/y"}, c);
  ASSERT_TRUE(l2.on_bytes(drain(d), t0));
  ASSERT_TRUE(d.on_bytes(drain(l2), t0));
  EXPECT_TRUE(d.on_deadline(t0 + 1h));  // agreed: the timer is gone
}

}  // namespace
}  // namespace stakecast::mss
