#include "proto/rotor/misbehaviour.hpp"

namespace stakecast::rotor {

std::string_view to_string(Offence o) {
  switch (o) {
    case Offence::malformed:
      return "malformed";
    case Offence::bad_signature:
      return "bad_signature";
    case Offence::bad_merkle_proof:
      return "bad_merkle_proof";
    case Offence::bad_encoding:
      return "bad_encoding";
    case Offence::equivocation:
      return "equivocation";
    case Offence::withholding:
      return "withholding";
    case Offence::unsolicited:
      return "unsolicited";
  }
  return "?";
}

}  // namespace stakecast::rotor
