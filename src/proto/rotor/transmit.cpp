#include "proto/rotor/transmit.hpp"

namespace stakecast::rotor {

std::string_view protocol_id(Protocol p) {
  switch (p) {
    case Protocol::shred:
      return kShredProtocolId;
    case Protocol::direct:
      return kDirectProtocolId;
    case Protocol::repair:
      return kRepairProtocolId;
  }
  return "";
}

}  // namespace stakecast::rotor
