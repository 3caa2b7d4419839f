// libp2p's Noise secure channel: XX handshake with the libp2p handshake payload, then 2-byte big-endian
// length-prefixed transport frames of at most 65535 bytes. SPEC: libp2p/specs noise/README.md.
// The payload carries our identity key and a signature over "noise-libp2p-static-key:" || static key,
// and extensions.stream_muxers so the muxer negotiation can be skipped when both sides list one.
// Machine shape: core/machine.hpp (a ByteMachine). on_bytes(in, now) takes ciphertext, poll_transmit(out)
// pulls ciphertext, poll_event() reports the authenticated peer once, next_deadline()/on_deadline(now)
// enforce the handshake timeout; the command write(plaintext) queues application bytes and
// plaintext()/clear_plaintext() drain the decrypted ones. No I/O: entropy for the keys is injected.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/outbox.hpp"
#include "core/peer_id.hpp"
#include "core/rng.hpp"
#include "core/time.hpp"
#include "crypto/ed25519.hpp"
#include "proto/noise/handshake.hpp"

namespace stakecast::noise {

inline constexpr std::string_view kProtocolId = "/noise";
inline constexpr std::size_t kMaxPlaintextPerFrame = kMaxMessage - crypto::kAeadTag;
inline constexpr std::size_t kFrameOverhead = 2 + crypto::kAeadTag;  // length prefix and tag

enum class Role { initiator, responder };

struct SessionConfig {
  std::vector<std::string> stream_muxers = {"/yamux/1.0.0"};  // announced in our payload
  Duration handshake_timeout = 10s;                           // from construction to completion
};

struct Event {
  enum class Kind { handshake_complete };  // the remote is authenticated; transport frames may flow
  Kind kind = Kind::handshake_complete;
  PeerId peer;
  // The muxer both payloads list (our order of preference): skip the muxer negotiation then.
  std::optional<std::string> early_muxer;
};

class Session {
 public:
  // The initiator queues its first message at once. `expected` (initiator only): the dialed peer id.
  // Static and ephemeral X25519 keys are drawn from `entropy` here; the timeout runs from `now`.
  Session(Role role, const crypto::Ed25519Keypair& identity, Entropy& entropy, TimePoint now,
          std::optional<PeerId> expected = std::nullopt, SessionConfig config = {});

  // Errors: decrypt_failed, short_message, bad_dh, out_of_order, nonce_exhausted, bad_payload,
  // peer_id_mismatch. After any error the session is failed and the connection must be closed.
  Status on_bytes(BytesView in, TimePoint now);
  std::optional<Event> poll_event() { return std::exchange(event_, std::nullopt); }
  TimePoint next_deadline() const { return transport_ready_ || failed() ? TimePoint::max() : deadline_; }
  // Errors: handshake_timeout.
  Status on_deadline(TimePoint now);
  std::size_t poll_transmit(MutBytes out) { return out_.poll(out); }
  bool wants_transmit() const { return !out_.empty(); }
  bool failed() const { return static_cast<bool>(error_); }
  std::error_code error() const { return error_; }

  // Encrypts application bytes into frames queued for poll_transmit (only after the handshake).
  // Errors: out_of_order, nonce_exhausted, and the session's error once failed.
  Status write(BytesView plaintext);
  // The zero-copy form of write(), for an owner that builds transport frames in its own buffer once
  // poll_transmit() has nothing left: `frame` holds the 2 length bytes, then `n` plaintext bytes
  // (n ≤ kMaxPlaintextPerFrame), then kAeadTag bytes of room; the plaintext is encrypted in place and the
  // length written. Returns the frame's size, n + kFrameOverhead. Errors: as write().
  Result<std::size_t> seal_frame(MutBytes frame, std::size_t n);
  // Decrypted application bytes received since the last clear_plaintext() (the owner drains after each
  // on_bytes, so this holds at most one input's worth; clearing keeps the buffer for the next input).
  BytesView plaintext() const { return plaintext_; }
  void clear_plaintext() { plaintext_.clear(); }

  Role role() const { return role_; }
  bool handshake_complete() const { return transport_ready_; }
  // Set once the remote's payload is verified (the initiator learns it one message before completion).
  const std::optional<PeerId>& remote_peer() const { return remote_peer_; }
  std::optional<std::string> early_muxer() const;

 private:
  Status fail(std::error_code ec);
  Status handle_frame(BytesView frame);
  // Writes the length and the encryption of `plaintext` (which may be frame[2..], in place) to frame.
  Status seal_into(BytesView plaintext, MutBytes frame);
  Status send_handshake(bool with_payload);
  Status check_payload(BytesView payload);
  void queue_frame(BytesView body);

  Role role_;
  crypto::Ed25519Keypair identity_;
  crypto::X25519Keypair static_;
  HandshakeXX hs_;
  std::optional<PeerId> expected_;
  SessionConfig config_;
  TimePoint deadline_;
  std::optional<CipherState> send_, recv_;
  bool transport_ready_ = false;
  std::optional<PeerId> remote_peer_;
  std::vector<std::string> remote_muxers_;
  Bytes in_;    // partial frame
  Outbox out_;  // framed bytes to send
  Bytes plaintext_;
  std::optional<Event> event_;
  std::error_code error_;
};

}  // namespace stakecast::noise
