// The machine contract of ARCHITECTURE.md 3 as concepts, so every connection-layer machine
// (multistream-select, Noise, Yamux, ping, identify) has one shape the node chains without adapters:
//   Status on_bytes(BytesView in, TimePoint now)  bytes from the peer; an error leaves the machine in its
//                                                 failed state and is returned again by later calls
//   std::optional<Event> poll_event()              what happened, pulled by the owner after each input
//   TimePoint next_deadline() const                TimePoint::max() while no timer is armed
//   Status on_deadline(TimePoint now)              call at or after next_deadline(); may fail (timeout)
//   bool failed() const; std::error_code error() const
// and, for machines that produce bytes (ByteMachine):
//   std::size_t poll_transmit(MutBytes out)        bytes for the peer, pulled into the caller's buffer
//   bool wants_transmit() const
// Commands from above (open_stream, write, ping...) are ordinary member functions. Machines that talk to
// many validators at once over authenticated messages (PeerMachine: frost::Participant, Coordinator) take
//   Status on_message(ValidatorIndex from, BytesView in, TimePoint now)
//                                                 a rejected message returns its typed error and leaves
//                                                 the machine as it was (one bad peer fails nothing)
// and hand out addressed messages with std::optional<...> poll_transmit(). No I/O.
#pragma once

#include <concepts>
#include <optional>
#include <system_error>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/strong.hpp"
#include "core/time.hpp"

namespace stakecast {

namespace detail {
template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;
}  // namespace detail

// std::optional of the machine's own event type (a namespace-level `Event`, e.g. mss::Event).
template <class T>
concept EventOption = detail::is_optional_v<T>;

template <class M>
concept Machine = requires(M& m, const M& cm, BytesView in, TimePoint now) {
  { m.on_bytes(in, now) } -> std::same_as<Status>;
  { m.poll_event() } -> EventOption;
  { cm.next_deadline() } -> std::same_as<TimePoint>;
  { m.on_deadline(now) } -> std::same_as<Status>;
  { cm.failed() } -> std::same_as<bool>;
  { cm.error() } -> std::same_as<std::error_code>;
};

template <class M>
concept ByteMachine = Machine<M> && requires(M& m, const M& cm, MutBytes out) {
  { m.poll_transmit(out) } -> std::same_as<std::size_t>;
  { cm.wants_transmit() } -> std::same_as<bool>;
};

template <class M>
concept PeerMachine = requires(M& m, const M& cm, ValidatorIndex from, BytesView in, TimePoint now) {
  { m.on_message(from, in, now) } -> std::same_as<Status>;
  { m.poll_event() } -> EventOption;
  { m.poll_transmit() } -> EventOption;
  { cm.next_deadline() } -> std::same_as<TimePoint>;
  { m.on_deadline(now) } -> std::same_as<Status>;
};

}  // namespace stakecast
