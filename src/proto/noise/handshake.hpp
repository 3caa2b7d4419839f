// The Noise Protocol Framework's state objects and the XX pattern for Noise_XX_25519_ChaChaPoly_SHA256.
// SPEC: noiseprotocol.org/noise.html (rev 34) sections 5 (CipherState, SymmetricState, HandshakeState),
// 7.5 (XX). Independent of libp2p: payloads are opaque bytes here (proto/noise/session.hpp adds the
// libp2p handshake payload and framing). No I/O: keys and ephemeral secrets are supplied by the caller.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"
#include "crypto/chachapoly.hpp"
#include "crypto/x25519.hpp"

namespace stakecast::noise {

enum class Errc {
  decrypt_failed = 1,  // AEAD tag mismatch
  short_message,       // handshake message shorter than its keys
  bad_dh,              // a DH with a low-order public key
  out_of_order,        // a handshake step in the wrong direction or after completion
  nonce_exhausted,     // 2^64 - 1 messages on one cipher
  bad_payload,         // libp2p handshake payload malformed or its signature invalid
  peer_id_mismatch,    // the remote identity is not the peer we dialed
  handshake_timeout,   // the handshake did not complete within its deadline
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "noise")

inline constexpr std::string_view kProtocolName = "Noise_XX_25519_ChaChaPoly_SHA256";
inline constexpr std::size_t kMaxMessage = 65535;

class CipherState {
 public:
  void initialize_key(const std::array<std::uint8_t, 32>& k);
  bool has_key() const { return cipher_.has_value(); }
  // SetNonce (noise.html 5.1).
  void set_nonce(std::uint64_t n) { n_ = n; }
  // Appends ciphertext (plaintext if no key) to out. Errors: nonce_exhausted.
  Status encrypt_with_ad(BytesView ad, BytesView plaintext, Bytes& out);
  // Encrypts into out, which must be plaintext.size() + kAeadTag long and may start at plaintext (in
  // place). Only with a key. Errors: nonce_exhausted.
  Status encrypt_with_ad(BytesView ad, BytesView plaintext, MutBytes out);
  // Appends plaintext to out. Errors: decrypt_failed, nonce_exhausted.
  Status decrypt_with_ad(BytesView ad, BytesView ciphertext, Bytes& out);

 private:
  crypto::ChaChaPoly::Nonce nonce_bytes() const;
  std::optional<crypto::ChaChaPoly> cipher_;
  std::uint64_t n_ = 0;
};

class SymmetricState {
 public:
  explicit SymmetricState(std::string_view protocol_name);
  void mix_key(BytesView ikm);
  void mix_hash(BytesView data);
  Status encrypt_and_hash(BytesView plaintext, Bytes& out);
  Status decrypt_and_hash(BytesView ciphertext, Bytes& out);
  // Two cipher keys: initiator-to-responder, responder-to-initiator.
  std::pair<std::array<std::uint8_t, 32>, std::array<std::uint8_t, 32>> split() const;
  const std::array<std::uint8_t, 32>& handshake_hash() const { return h_; }

 private:
  std::array<std::uint8_t, 32> ck_{};
  std::array<std::uint8_t, 32> h_{};
  CipherState cs_;
};

// HKDF as Noise defines it (HMAC-SHA256, two outputs; crypto/hkdf.hpp).
std::pair<std::array<std::uint8_t, 32>, std::array<std::uint8_t, 32>> hkdf2(
    const std::array<std::uint8_t, 32>& ck, BytesView ikm);

// XX: -> e;  <- e, ee, s, es;  -> s, se. Three messages, then split().
class HandshakeXX {
 public:
  HandshakeXX(bool initiator, const crypto::X25519Keypair& static_key, const crypto::X25519Keypair& ephemeral,
              BytesView prologue);

  // Next message of ours, carrying `payload`. Errors: out_of_order, bad_dh.
  Status write_message(BytesView payload, Bytes& out);
  // The peer's next message; its payload is appended to `payload`. Errors: out_of_order, short_message,
  // decrypt_failed, bad_dh.
  Status read_message(BytesView message, Bytes& payload);

  bool complete() const { return step_ == 3; }
  bool my_turn() const { return !complete() && ((step_ % 2 == 0) == initiator_); }
  const std::optional<crypto::X25519Public>& remote_static() const { return rs_; }
  const std::array<std::uint8_t, 32>& handshake_hash() const { return ss_.handshake_hash(); }
  // After completion: (send key, receive key) for this side.
  std::pair<std::array<std::uint8_t, 32>, std::array<std::uint8_t, 32>> transport_keys() const;

 private:
  Status dh_mix(const crypto::X25519Secret& secret, const crypto::X25519Public& pub);

  bool initiator_;
  crypto::X25519Keypair s_;
  crypto::X25519Keypair e_;
  std::optional<crypto::X25519Public> re_, rs_;
  SymmetricState ss_;
  int step_ = 0;
};

}  // namespace stakecast::noise

STAKECAST_ERRC_ENUM(stakecast::noise::Errc)
