// frost::Endpoint: one node's FROST machines (a Participant if it holds a key share, a Coordinator if it
// runs sessions) on the node's rotor::Engine direct path (ARCHITECTURE.md 4.3 and 6; issue 7 item 4).
// Outgoing FROST payloads are signed by the engine's DirectPath with the node's identity key and sent on
// the Critical class to exactly the validators they name; deliveries of the FROST kinds are handed to the
// machines with the sender's ValidatorIndex (checked against the signature) and the signed message as
// evidence. Payloads a node addresses to itself (its coordinator to its participant and back) are handed
// over locally. Byzantine roles are an outgoing filter set by tests and tools, never code in the machines.
// No I/O: the owner passes the engine in.
#pragma once

#include <functional>
#include <optional>

#include "proto/frost/coordinator.hpp"
#include "proto/frost/participant.hpp"
#include "proto/rotor/engine.hpp"

namespace stakecast::frost {

struct EndpointMetrics {
  std::uint64_t sent = 0;         // messages handed to the direct path
  std::uint64_t send_errors = 0;  // refused by the direct path
  std::uint64_t filtered = 0;     // dropped by the outgoing filter
  std::uint64_t received = 0;     // FROST payloads delivered to the machines (local ones included)
  std::uint64_t rejected = 0;     // payloads no machine accepted (typed error in last_rejection)
  std::error_code last_rejection;
};

// Hands one FROST payload to a node's machines: coordination messages and packages to the participant;
// commitments and shares to the coordinator, and to the participant too unless the coordinator runs that
// session in coordinated mode (where they are for the coordinator only). Returns the first error that
// explains a refusal when no machine accepted it.
Status route(Participant* participant, Coordinator* coordinator, ValidatorIndex from, BytesView payload,
             TimePoint now, const prio::Payload& envelope);

class Endpoint {
 public:
  using Filter = std::function<bool(Outgoing&)>;  // may alter; false drops

  Endpoint(ValidatorIndex self, std::optional<Participant> participant,
           std::optional<Coordinator> coordinator);

  // True for the prio::Kind values FROST payloads travel under.
  static bool is_frost_kind(std::uint8_t kind);
  // A direct-path delivery. Returns false (and leaves it to the caller) when it is not a FROST message.
  bool on_delivered(const rotor::Delivered& d, TimePoint now);
  // Coordinator::open. Errors: invalid_group when this endpoint has no coordinator, and open()'s.
  Status open(const OpenRequest& request, TimePoint now);
  void on_deadline(TimePoint now);
  TimePoint next_deadline() const;
  // Sends everything the machines produced through `engine`, looping self-addressed payloads back.
  void flush(rotor::Engine& engine, TimePoint now);
  std::optional<Event> poll_event();

  void set_filter(Filter f) { filter_ = std::move(f); }
  Participant* participant() { return participant_ ? &*participant_ : nullptr; }
  Coordinator* coordinator() { return coordinator_ ? &*coordinator_ : nullptr; }
  const EndpointMetrics& metrics() const { return metrics_; }

 private:
  void deliver(ValidatorIndex from, BytesView payload, TimePoint now, const prio::Payload& envelope);

  ValidatorIndex self_;
  std::optional<Participant> participant_;
  std::optional<Coordinator> coordinator_;
  Filter filter_;
  EndpointMetrics metrics_;
};

}  // namespace stakecast::frost
