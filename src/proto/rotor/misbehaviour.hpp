// Misbehaviour reports with evidence, shared by the dissemination machines (ARCHITECTURE.md 4.1 and 8):
// what a peer did, and the bytes that prove it where a proof exists. No I/O.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"
#include "core/strong.hpp"

namespace stakecast::rotor {

enum class Offence : std::uint8_t {
  malformed,  // bytes that do not parse (proves the sender is faulty: honest nodes forward verified bytes)
  bad_signature,     // a message or shred whose signature does not verify
  bad_merkle_proof,  // a shred whose Merkle path does not lead to its signed root
  bad_encoding,      // a slice whose re-encoding does not match its signed root: the leader is malicious
  equivocation,      // two different signed roots for one (slot, slice): the leader is malicious
  withholding,       // a relay that did not forward its shred before the deadline (observation, no proof)
  unsolicited,       // a repair answer nobody asked for, or one that does not match the request
};
std::string_view to_string(Offence o);

struct Misbehaviour {
  ValidatorIndex peer;  // who is blamed
  Offence offence = Offence::malformed;
  Slot slot;
  // Proof where one exists: for equivocation the two signed shreds; for bad_encoding the shreds that
  // decoded to a slice with another root; for bad_signature / malformed the received bytes.
  Bytes evidence;
  Bytes evidence2;
};

}  // namespace stakecast::rotor
