#include "proto/yamux/session.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"

namespace stakecast::yamux {
namespace {

Bytes drain(Session& s) {
  Bytes out, buf(4096);
  while (std::size_t n = s.poll_transmit(buf)) out.insert(out.end(), buf.begin(), buf.begin() + n);
  return out;
}

std::vector<Event> events(Session& s) {
  std::vector<Event> out;
  while (auto e = s.poll_event()) out.push_back(*e);
  return out;
}

struct Pair {
  Session client{Role::client};
  Session server{Role::server};
  TimePoint now{};
  void pump() {
    for (int i = 0; i < 1000; ++i) {
      Bytes c = drain(client), s = drain(server);
      if (c.empty() && s.empty()) return;
      ASSERT_TRUE(server.on_bytes(c, now));
      ASSERT_TRUE(client.on_bytes(s, now));
    }
  }
};

Bytes read_all(Session& s, StreamId id, TimePoint now) {
  Bytes out(s.readable(id));
  out.resize(s.read(id, out, now));
  return out;
}

TEST(YamuxFrame, HeaderRoundTripAndErrors) {
  Header h{Type::window_update, flag::syn | flag::ack, 0x01020304, 0xa0b0c0d0};
  std::uint8_t b[kHeaderSize];
  encode_header(h, b);
  EXPECT_EQ(to_hex(BytesView(b, kHeaderSize)), "0001000301020304a0b0c0d0");
  Header back;
  EXPECT_FALSE(decode_header(BytesView(b, kHeaderSize), back));
  EXPECT_EQ(back, h);
  b[0] = 1;
  EXPECT_EQ(decode_header(BytesView(b, kHeaderSize), back), HeaderError::bad_version);
  b[0] = 0;
  b[1] = 4;
  EXPECT_EQ(decode_header(BytesView(b, kHeaderSize), back), HeaderError::bad_type);
}

TEST(YamuxSession, OpenWriteReadHalfCloseAndForget) {
  Pair p;
  auto id = p.client.open_stream();
  ASSERT_TRUE(id);
  EXPECT_EQ(id->get(), 1u);
  ASSERT_EQ(*p.client.write(*id, as_bytes("hello")), 5u);
  ASSERT_TRUE(p.client.close_write(*id));
  p.pump();
  auto ev = events(p.server);
  ASSERT_GE(ev.size(), 3u);
  EXPECT_EQ(ev[0].kind, Event::Kind::stream_opened);
  EXPECT_EQ(ev[0].stream, *id);
  EXPECT_EQ(as_chars(read_all(p.server, *id, p.now)), "hello");
  EXPECT_TRUE(p.server.remote_closed(*id));
  ASSERT_EQ(*p.server.write(*id, as_bytes("world")), 5u);
  ASSERT_TRUE(p.server.close_write(*id));
  p.pump();
  EXPECT_EQ(as_chars(read_all(p.client, *id, p.now)), "world");
  p.pump();
  EXPECT_EQ(p.client.stream_count(), 0u);
  EXPECT_EQ(p.server.stream_count(), 0u);
  auto cev = events(p.client);
  EXPECT_EQ(cev.back().kind, Event::Kind::closed);
}

TEST(YamuxSession, EightMiBRespectsTheWindowAndTheWindowGrows) {
  Pair p;
  auto id = *p.client.open_stream();
  Bytes data(8 << 20);
  DeterministicRng::from_u64(1).fill(data);
  std::size_t sent = 0;
  Bytes received;
  for (int round = 0; round < 100000 && received.size() < data.size(); ++round) {
    if (sent < data.size()) sent += *p.client.write(id, BytesView(data).subspan(sent));
    Bytes wire = drain(p.client);
    // The server fails the session with window_exceeded if the sender ever overruns its window.
    ASSERT_TRUE(p.server.on_bytes(wire, p.now));
    append(received, read_all(p.server, id, p.now));
    ASSERT_TRUE(p.client.on_bytes(drain(p.server), p.now));
    p.now += 1ms;
  }
  EXPECT_EQ(received, data);
  EXPECT_GT(p.server.receive_window(id), 256u * 1024);  // auto-tuned upward
  EXPECT_LE(p.server.receive_window(id), 16u << 20);
  EXPECT_FALSE(p.server.failed());
}

TEST(YamuxSession, SixtyFourConcurrentStreams) {
  Pair p;
  std::vector<StreamId> ids;
  for (int i = 0; i < 64; ++i) {
    ids.push_back(*p.client.open_stream());
    Bytes msg(10'000, static_cast<std::uint8_t>(i));
    ASSERT_EQ(*p.client.write(ids.back(), msg), msg.size());
    ASSERT_TRUE(p.client.close_write(ids.back()));
  }
  p.pump();
  for (int i = 0; i < 64; ++i) {
    EXPECT_EQ(read_all(p.server, ids[i], p.now), Bytes(10'000, static_cast<std::uint8_t>(i))) << i;
    EXPECT_TRUE(p.server.remote_closed(ids[i]));
  }
}

TEST(YamuxSession, ResetPingAndGoAway) {
  Pair p;
  auto id = *p.client.open_stream();
  p.pump();
  ASSERT_TRUE(p.client.reset(id));
  p.pump();
  bool reset_seen = false;
  for (auto& e : events(p.server)) reset_seen |= e.kind == Event::Kind::reset && e.stream == id;
  EXPECT_TRUE(reset_seen);
  EXPECT_EQ(p.client.write(id, as_bytes("x")).error(), Errc::unknown_stream);

  events(p.client);
  p.client.ping(p.now);
  ASSERT_TRUE(p.server.on_bytes(drain(p.client), p.now));
  Bytes pong = drain(p.server);
  EXPECT_EQ(to_hex(pong), "000200020000000000000001");  // ACK only, same opaque value
  ASSERT_TRUE(p.client.on_bytes(pong, p.now + 5ms));
  auto ev = events(p.client);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, Event::Kind::ping_rtt);
  EXPECT_EQ(ev[0].rtt, Duration(5ms));

  p.server.go_away();
  p.pump();
  ev = events(p.client);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, Event::Kind::go_away);
  EXPECT_EQ(p.client.open_stream().error(), Errc::session_closed);
}

Bytes frame(Type t, std::uint16_t flags, std::uint32_t stream, std::uint32_t length, std::size_t body = 0) {
  Bytes b(kHeaderSize + body, 0);
  encode_header({t, flags, stream, length}, b.data());
  return b;
}

TEST(YamuxSession, PeerErrorsCloseTheSessionWithGoAway) {
  auto expect_goaway = [](Session& s) {
    Bytes out = drain(s);
    ASSERT_GE(out.size(), kHeaderSize);
    Header h;
    ASSERT_FALSE(decode_header(BytesView(out).last(kHeaderSize), h));
    EXPECT_EQ(h.type, Type::go_away);
    EXPECT_EQ(h.length, static_cast<std::uint32_t>(GoAwayCode::protocol_error));
  };
  {
    Session s(Role::server);
    Bytes bad = frame(Type::data, 0, 1, 0);
    bad[0] = 7;
    EXPECT_EQ(s.on_bytes(bad, {}).error(), Errc::protocol_error);
    expect_goaway(s);
    EXPECT_EQ(s.on_bytes(frame(Type::ping, flag::syn, 0, 1), {}).error(),
              Errc::protocol_error);  // stays failed
  }
  {
    Session s(Role::server);  // the server expects odd (client) ids
    EXPECT_EQ(s.on_bytes(frame(Type::window_update, flag::syn, 2, 0), {}).error(), Errc::protocol_error);
  }
  {
    Session s(Role::server);
    EXPECT_EQ(s.on_bytes(frame(Type::data, 0, 0, 0), {}).error(), Errc::protocol_error);
  }
  {
    Session s(Role::server);
    ASSERT_TRUE(s.on_bytes(frame(Type::window_update, flag::syn, 1, 0), {}));
    Bytes over = frame(Type::data, 0, 1, 256 * 1024 + 1, 256 * 1024 + 1);
    EXPECT_EQ(s.on_bytes(over, {}).error(), Errc::window_exceeded);
    expect_goaway(s);
  }
  {
    Session s(Role::server);
    // Announced beyond any window: refused from the header alone, before the body arrives.
    EXPECT_EQ(s.on_bytes(frame(Type::data, flag::syn, 1, 0x7fffffff), {}).error(), Errc::window_exceeded);
  }
}

TEST(YamuxSession, StreamLimitRefusesWithRst) {
  Config c;
  c.max_streams = 2;
  Session s(Role::server, c);
  for (std::uint32_t id : {1u, 3u, 5u})
    ASSERT_TRUE(s.on_bytes(frame(Type::window_update, flag::syn, id, 0), {}));
  EXPECT_EQ(s.stream_count(), 2u);
  Bytes out = drain(s);
  Header last;
  ASSERT_FALSE(decode_header(BytesView(out).last(kHeaderSize), last));
  EXPECT_EQ(last.stream, 5u);
  EXPECT_EQ(last.flags, flag::rst);
}

TEST(YamuxSession, SplitAtEveryOffsetEqualsOneShot) {
  Session c(Role::client);
  auto id = *c.open_stream();
  ASSERT_TRUE(c.write(id, as_bytes("split me anywhere")));
  ASSERT_TRUE(c.close_write(id));
  c.ping({});
  const Bytes wire = drain(c);
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    Session s(Role::server);
    ASSERT_TRUE(s.on_bytes(BytesView(wire).first(cut), {}));
    ASSERT_TRUE(s.on_bytes(BytesView(wire).subspan(cut), {}));
    EXPECT_EQ(as_chars(read_all(s, id, {})), "split me anywhere") << cut;
    EXPECT_TRUE(s.remote_closed(id));
  }
}

}  // namespace
}  // namespace stakecast::yamux

namespace stakecast::yamux {
namespace {

// A vote queued while 8 MiB of block data waits on the same connection goes out before the block's
// remaining bytes (ARCHITECTURE.md 3), and low priority still gets its share.
TEST(YamuxSession, PriorityZeroOvertakesBulkAndWeightsShareTheRest) {
  Config c;
  c.initial_window = 16u << 20;  // windows out of the way: this is about ordering
  c.max_send_buffer = 16u << 20;
  Session s(Role::client, c);
  auto bulk = *s.open_stream(), low = *s.open_stream(), vote = *s.open_stream();
  ASSERT_TRUE(s.set_priority(low, 3));
  ASSERT_TRUE(s.set_priority(vote, 0));
  EXPECT_EQ(s.set_priority(StreamId{99}, 0).error(), Errc::unknown_stream);
  ASSERT_EQ(*s.write(bulk, Bytes(8u << 20, 1)), 8u << 20);
  ASSERT_EQ(*s.write(low, Bytes(1u << 20, 3)), 1u << 20);
  Bytes buf(kHeaderSize + c.max_data_frame);
  auto next_frame = [&] {
    const std::size_t n = s.poll_transmit(MutBytes(buf).first(kHeaderSize));
    EXPECT_EQ(n, kHeaderSize);
    Header h;
    EXPECT_FALSE(decode_header(buf, h));
    if (h.type == Type::data && h.length > 0) {
      EXPECT_EQ(s.poll_transmit(MutBytes(buf).first(h.length)), h.length);
    }
    return h;
  };
  for (int i = 0; i < 3; ++i) next_frame();  // the three SYNs
  std::size_t bulk_frames = 0, low_frames = 0;
  for (int i = 0; i < 50; ++i) {
    auto h = next_frame();
    bulk_frames += h.stream == bulk.get();
    low_frames += h.stream == low.get();
  }
  EXPECT_GT(low_frames, 0u);  // weighted, not starved
  EXPECT_GT(bulk_frames, 3 * low_frames);
  ASSERT_EQ(*s.write(vote, Bytes(100, 9)), 100u);
  auto h = next_frame();
  EXPECT_EQ(h.stream, vote.get());
  EXPECT_EQ(h.length, 100u);
  EXPECT_GT(s.send_buffered(bulk), 0u);  // the block was still queued
}

}  // namespace
}  // namespace stakecast::yamux
