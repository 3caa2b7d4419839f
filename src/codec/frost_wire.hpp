// Wire format of the FROST session messages (RFC 9591 rounds carried by proto/frost): coordination
// (opens an attempt of a session), round-one commitment, signing package, round-two signature share.
// Byte layout in docs/frost-wire.md. They travel as payloads of /stakecast/direct/1.0.0 messages, which
// carry the sender's index and Ed25519 signature (docs/rotor-wire.md), so nothing here is signed again.
// Parsing checks structure only (lengths, counts, ordering, reserved bytes) and copies into plain
// structs; group elements and scalars are validated by proto/frost against the group's suite. No I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"
#include "core/strong.hpp"

namespace stakecast::codec {

enum class FrostWireErrc {
  truncated = 1,      // shorter than its fixed part or than the lengths it declares
  trailing_bytes,     // longer than it declares
  bad_version,        // version byte is not kFrostVersion
  bad_type,           // unknown message type, or not the type the caller asked for
  bad_flags,          // unknown mode or reserved byte set
  too_many_signers,   // signer count above the caller's limit
  bad_signer_list,    // empty, identifier 0, or identifiers not strictly increasing
  bad_threshold,      // threshold below 2 or above the signer count
  message_too_large,  // declared message length above the caller's limit
};
const char* describe(FrostWireErrc e);
STAKECAST_ERRC_FUNCS(FrostWireErrc, "frost_wire")

inline constexpr std::uint8_t kFrostVersion = 1;
inline constexpr std::size_t kFrostHeaderSize = 35;  // version, type, session id, attempt
inline constexpr std::size_t kCommitmentSize = kFrostHeaderSize + 2 + 64;
inline constexpr std::size_t kShareSize = kFrostHeaderSize + 2 + 32;
inline constexpr std::size_t kCoordinationFixedSize = kFrostHeaderSize + 22;
inline constexpr std::size_t kPackageEntrySize = 2 + 64;

enum class FrostType : std::uint8_t { coordination = 1, commitment = 2, package = 3, share = 4 };
enum class FrostMode : std::uint8_t {
  coordinated = 0,  // commitments and shares to the coordinator, which sends the signing package
  broadcast = 1,    // commitments and shares to every signer of the attempt and the coordinator
};

using SessionId = std::array<std::uint8_t, 32>;
using Bytes32 = std::array<std::uint8_t, 32>;

struct FrostLimits {
  std::size_t max_signers = 1024;
  std::size_t max_message = 64 * 1024;
};

struct FrostHeader {
  FrostType type = FrostType::coordination;
  SessionId session{};
  std::uint8_t attempt = 0;
};

struct FrostCoordination {
  FrostHeader header;
  FrostMode mode = FrostMode::coordinated;
  std::uint16_t threshold = 0;
  std::uint32_t deadline_ms = 0;       // the attempt ends this long after the message was sent
  Slot slot;                           // the direct-path slot the session's messages carry
  std::vector<std::uint16_t> signers;  // strictly increasing FROST identifiers
  Bytes message;                       // what is signed
};

struct FrostCommitment {
  FrostHeader header;
  std::uint16_t signer = 0;
  Bytes32 hiding{};
  Bytes32 binding{};
};

struct FrostPackageEntry {
  std::uint16_t signer = 0;
  Bytes32 hiding{};
  Bytes32 binding{};
};
struct FrostPackage {
  FrostHeader header;
  std::vector<FrostPackageEntry> commitments;  // strictly increasing identifiers
};

struct FrostShare {
  FrostHeader header;
  std::uint16_t signer = 0;
  Bytes32 share{};
};

// Header of any FROST message (the first 35 bytes). Errors: truncated, bad_version, bad_type.
Result<FrostHeader> peek_frost(BytesView in);
// Errors: every FrostWireErrc that applies to the type.
Result<FrostCoordination> parse_coordination(BytesView in, const FrostLimits& limits);
Result<FrostCommitment> parse_commitment(BytesView in);
Result<FrostPackage> parse_package(BytesView in, const FrostLimits& limits);
Result<FrostShare> parse_share(BytesView in);

// Encoders write what they are given; the caller keeps the invariants the parsers check.
Bytes encode(const FrostCoordination& m);
Bytes encode(const FrostCommitment& m);
Bytes encode(const FrostPackage& m);
Bytes encode(const FrostShare& m);

}  // namespace stakecast::codec

STAKECAST_ERRC_ENUM(stakecast::codec::FrostWireErrc)
