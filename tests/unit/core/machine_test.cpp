#include "core/machine.hpp"

#include <gtest/gtest.h>

#include "core/outbox.hpp"

namespace stakecast {
namespace {

// A conforming toy: echoes bytes, reports how many, and times out if nothing arrives.
class Echo {
 public:
  struct Event {
    std::size_t bytes;
  };
  explicit Echo(TimePoint now) : deadline_(now + 1s) {}
  Status on_bytes(BytesView in, TimePoint now) {
    if (error_) return Err(error_);
    append(out_.buffer(), in);
    event_ = Event{in.size()};
    deadline_ = now + 1s;
    return {};
  }
  std::optional<Event> poll_event() { return std::exchange(event_, std::nullopt); }
  TimePoint next_deadline() const { return error_ ? TimePoint::max() : deadline_; }
  Status on_deadline(TimePoint now) {
    if (now >= deadline_ && !error_) error_ = std::make_error_code(std::errc::timed_out);
    return error_ ? Status(Err(error_)) : Status();
  }
  bool failed() const { return static_cast<bool>(error_); }
  std::error_code error() const { return error_; }
  std::size_t poll_transmit(MutBytes out) { return out_.poll(out); }
  bool wants_transmit() const { return !out_.empty(); }

 private:
  Outbox out_;
  std::optional<Event> event_;
  TimePoint deadline_;
  std::error_code error_;
};

// Reads only: a Machine but not a ByteMachine.
struct Sink {
  struct Event {};
  Status on_bytes(BytesView, TimePoint) { return {}; }
  std::optional<Event> poll_event() { return std::nullopt; }
  TimePoint next_deadline() const { return TimePoint::max(); }
  Status on_deadline(TimePoint) { return {}; }
  bool failed() const { return false; }
  std::error_code error() const { return {}; }
};

// Old shape without time on its input.
struct NoTime {
  struct Event {};
  Status on_bytes(BytesView) { return {}; }
  std::optional<Event> poll_event() { return std::nullopt; }
  TimePoint next_deadline() const { return TimePoint::max(); }
  Status on_deadline(TimePoint) { return {}; }
  bool failed() const { return false; }
  std::error_code error() const { return {}; }
};

// Many peers, addressed outputs: a PeerMachine (and not a Machine: no single byte stream).
struct Router {
  struct Event {};
  struct Out {
    ValidatorIndex to;
  };
  Status on_message(ValidatorIndex, BytesView, TimePoint) { return {}; }
  std::optional<Event> poll_event() { return std::nullopt; }
  std::optional<Out> poll_transmit() { return std::nullopt; }
  TimePoint next_deadline() const { return TimePoint::max(); }
  Status on_deadline(TimePoint) { return {}; }
};

static_assert(PeerMachine<Router> && !Machine<Router>);
static_assert(!PeerMachine<Sink>);
static_assert(ByteMachine<Echo>);
static_assert(Machine<Sink> && !ByteMachine<Sink>);
static_assert(!Machine<NoTime>);

// The contract as a generic driver sees it: input, pull events and bytes, then timers.
template <ByteMachine M>
std::pair<Bytes, std::size_t> drive(M& m, BytesView in, TimePoint now) {
  EXPECT_TRUE(m.on_bytes(in, now));
  std::size_t events = 0;
  while (m.poll_event()) ++events;
  Bytes out;
  std::uint8_t buf[3];
  while (std::size_t n = m.poll_transmit(buf)) out.insert(out.end(), buf, buf + n);
  return {out, events};
}

TEST(Machine, GenericDriverPullsBytesEventsAndDeadlines) {
  Echo e(TimePoint::from_ns(0));
  auto [out, events] = drive(e, as_bytes("hello"), TimePoint::from_ns(5));
  EXPECT_EQ(as_chars(out), "hello");
  EXPECT_EQ(events, 1u);
  EXPECT_FALSE(e.wants_transmit());
  EXPECT_EQ(e.next_deadline(), TimePoint::from_ns(5) + 1s);
  EXPECT_TRUE(e.on_deadline(TimePoint::from_ns(6)));
  EXPECT_FALSE(e.on_deadline(e.next_deadline()));
  EXPECT_TRUE(e.failed());
  EXPECT_EQ(e.next_deadline(), TimePoint::max());
}

}  // namespace
}  // namespace stakecast
