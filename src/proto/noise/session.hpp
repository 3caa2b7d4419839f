// libp2p's Noise secure channel: XX handshake with the libp2p handshake payload, then 2-byte big-endian
// length-prefixed transport frames of at most 65535 bytes. SPEC: libp2p/specs noise/README.md.
// The payload carries our identity key and a signature over "noise-libp2p-static-key:" || static key,
// and extensions.stream_muxers so the muxer negotiation can be skipped when both sides list one.
// Shape (ARCHITECTURE.md 3): on_bytes(in) consumes ciphertext; poll_transmit(out) pulls ciphertext;
// write(plaintext) queues application bytes; take_plaintext() returns decrypted bytes. No I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/outbox.hpp"
#include "core/peer_id.hpp"
#include "core/rng.hpp"
#include "crypto/ed25519.hpp"
#include "proto/noise/handshake.hpp"

namespace stakecast::noise {

inline constexpr std::string_view kProtocolId = "/noise";
inline constexpr std::size_t kMaxPlaintextPerFrame = kMaxMessage - crypto::kAeadTag;

struct SessionConfig {
  std::vector<std::string> stream_muxers = {"/yamux/1.0.0"};  // announced in our payload
};

class Session {
 public:
  // The initiator queues its first message at once. `expected` (initiator only): the dialed peer id.
  Session(bool initiator, const crypto::Ed25519Keypair& identity, Entropy& entropy,
          std::optional<PeerId> expected = std::nullopt, SessionConfig config = {});

  // Errors: every noise::Errc; afterwards the session is failed and the connection must be closed.
  Status on_bytes(BytesView in);
  std::size_t poll_transmit(MutBytes out) { return out_.poll(out); }
  bool wants_transmit() const { return !out_.empty(); }

  bool handshake_complete() const { return transport_ready_; }
  bool failed() const { return static_cast<bool>(error_); }
  std::error_code error() const { return error_; }
  const std::optional<PeerId>& remote_peer() const { return remote_peer_; }
  const std::vector<std::string>& remote_muxers() const { return remote_muxers_; }
  // The muxer both sides announced (our order of preference), if any: skip muxer negotiation then.
  std::optional<std::string> early_muxer() const;

  // Encrypts application bytes into frames (only after the handshake). Errors: out_of_order,
  // nonce_exhausted.
  Status write(BytesView plaintext);
  // Decrypted application bytes received so far (the caller drains after each on_bytes).
  Bytes take_plaintext() { return std::exchange(plaintext_, {}); }

 private:
  Status fail(std::error_code ec);
  Status handle_frame(BytesView frame);
  Status send_handshake(bool with_payload);
  Status check_payload(BytesView payload);
  void queue_frame(BytesView body);

  bool initiator_;
  crypto::Ed25519Keypair identity_;
  crypto::X25519Keypair static_;
  HandshakeXX hs_;
  std::optional<PeerId> expected_;
  SessionConfig config_;
  std::optional<CipherState> send_, recv_;
  bool transport_ready_ = false;
  std::optional<PeerId> remote_peer_;
  std::vector<std::string> remote_muxers_;
  Bytes in_;    // partial frame
  Outbox out_;  // framed bytes to send
  Bytes plaintext_;
  std::error_code error_;
};

}  // namespace stakecast::noise
