// What the dissemination machines hand to their owner: a message for one validator on one protocol and
// priority class. The owner maps the validator to a connection (or a datagram socket) and queues the
// bytes on that connection's prio::EgressScheduler. Payloads are shared: one shred forwarded to a
// thousand validators is stored once. No I/O.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/strong.hpp"
#include "proto/prio/classify.hpp"
#include "proto/prio/egress.hpp"

namespace stakecast::rotor {

enum class Protocol : std::uint8_t { shred, direct, repair };
inline constexpr std::string_view kShredProtocolId = "/stakecast/shred/1.0.0";
inline constexpr std::string_view kDirectProtocolId = "/stakecast/direct/1.0.0";
inline constexpr std::string_view kRepairProtocolId = "/stakecast/repair/1.0.0";
std::string_view protocol_id(Protocol p);

struct Transmit {
  ValidatorIndex to;
  Protocol protocol = Protocol::shred;
  prio::Class cls = prio::Class::normal;
  prio::Payload bytes;
};

}  // namespace stakecast::rotor
