#include "proto/noise/handshake.hpp"

#include <sodium.h>

#include <cstring>
#include <limits>

#include "crypto/hkdf.hpp"
#include "crypto/sha256.hpp"

namespace stakecast::noise {

const char* describe(Errc e) {
  switch (e) {
    case Errc::decrypt_failed:
      return "noise: decryption failed";
    case Errc::short_message:
      return "noise: handshake message too short";
    case Errc::bad_dh:
      return "noise: Diffie-Hellman with a low-order key";
    case Errc::out_of_order:
      return "noise: handshake message out of order";
    case Errc::nonce_exhausted:
      return "noise: nonce exhausted";
    case Errc::bad_payload:
      return "noise: invalid libp2p handshake payload";
    case Errc::peer_id_mismatch:
      return "noise: remote peer id is not the one dialed";
    case Errc::handshake_timeout:
      return "noise: handshake timed out";
  }
  return "noise: unknown error";
}

using Key = std::array<std::uint8_t, 32>;

std::pair<Key, Key> hkdf2(const Key& ck, BytesView ikm) {
  std::array<std::uint8_t, 64> okm;
  crypto::hkdf_sha256(ck, ikm, {}, okm);
  std::pair<Key, Key> out;
  std::memcpy(out.first.data(), okm.data(), 32);
  std::memcpy(out.second.data(), okm.data() + 32, 32);
  sodium_memzero(okm.data(), okm.size());
  return out;
}

void CipherState::initialize_key(const Key& k) {
  cipher_.emplace(k);
  n_ = 0;
}

crypto::ChaChaPoly::Nonce CipherState::nonce_bytes() const {
  crypto::ChaChaPoly::Nonce nonce{};  // 32 bits of zeros, then the 64-bit counter little-endian
  store_le64(nonce.data() + 4, n_);
  return nonce;
}

Status CipherState::encrypt_with_ad(BytesView ad, BytesView plaintext, Bytes& out) {
  if (!cipher_) {
    append(out, plaintext);
    return {};
  }
  const std::size_t at = out.size();
  out.resize(at + plaintext.size() + crypto::kAeadTag);
  auto st = encrypt_with_ad(ad, plaintext, MutBytes(out).subspan(at));
  if (!st) out.resize(at);
  return st;
}

Status CipherState::encrypt_with_ad(BytesView ad, BytesView plaintext, MutBytes out) {
  if (n_ == std::numeric_limits<std::uint64_t>::max()) return Errc::nonce_exhausted;
  cipher_->seal(nonce_bytes(), ad, plaintext, out);
  ++n_;
  return {};
}

Status CipherState::decrypt_with_ad(BytesView ad, BytesView ciphertext, Bytes& out) {
  if (!cipher_) {
    append(out, ciphertext);
    return {};
  }
  if (n_ == std::numeric_limits<std::uint64_t>::max()) return Errc::nonce_exhausted;
  if (ciphertext.size() < crypto::kAeadTag) return Errc::decrypt_failed;
  const std::size_t at = out.size();
  out.resize(at + ciphertext.size() - crypto::kAeadTag);
  if (!cipher_->open(nonce_bytes(), ad, ciphertext, MutBytes(out).subspan(at))) {
    out.resize(at);
    return Errc::decrypt_failed;
  }
  ++n_;
  return {};
}

SymmetricState::SymmetricState(std::string_view name) {
  if (name.size() <= h_.size()) {
    std::memcpy(h_.data(), name.data(), name.size());
  } else {
    h_ = crypto::sha256(as_bytes(name));
  }
  ck_ = h_;
}

void SymmetricState::mix_key(BytesView ikm) {
  auto [ck, temp] = hkdf2(ck_, ikm);
  ck_ = ck;
  cs_.initialize_key(temp);
}

void SymmetricState::mix_hash(BytesView data) { h_ = crypto::Sha256().update(h_).update(data).finish(); }

Status SymmetricState::encrypt_and_hash(BytesView plaintext, Bytes& out) {
  const std::size_t at = out.size();
  STAKECAST_TRY_STATUS(cs_.encrypt_with_ad(h_, plaintext, out));
  mix_hash(BytesView(out).subspan(at));
  return {};
}

Status SymmetricState::decrypt_and_hash(BytesView ciphertext, Bytes& out) {
  STAKECAST_TRY_STATUS(cs_.decrypt_with_ad(h_, ciphertext, out));
  mix_hash(ciphertext);
  return {};
}

std::pair<Key, Key> SymmetricState::split() const { return hkdf2(ck_, {}); }

HandshakeXX::HandshakeXX(bool initiator, const crypto::X25519Keypair& static_key,
                         const crypto::X25519Keypair& ephemeral, BytesView prologue)
    : initiator_(initiator), s_(static_key), e_(ephemeral), ss_(kProtocolName) {
  ss_.mix_hash(prologue);
}

Status HandshakeXX::dh_mix(const crypto::X25519Secret& secret, const crypto::X25519Public& pub) {
  auto shared = crypto::x25519(secret, pub);
  if (!shared) return Errc::bad_dh;
  ss_.mix_key(*shared);
  sodium_memzero(shared->data(), shared->size());
  return {};
}

Status HandshakeXX::write_message(BytesView payload, Bytes& out) {
  if (!my_turn()) return Errc::out_of_order;
  switch (step_) {
    case 0:  // -> e
      append(out, e_.pub);
      ss_.mix_hash(e_.pub);
      break;
    case 1:  // <- e, ee, s, es
      append(out, e_.pub);
      ss_.mix_hash(e_.pub);
      STAKECAST_TRY_STATUS(dh_mix(e_.secret, *re_));
      STAKECAST_TRY_STATUS(ss_.encrypt_and_hash(s_.pub, out));
      STAKECAST_TRY_STATUS(dh_mix(s_.secret, *re_));
      break;
    case 2:  // -> s, se
      STAKECAST_TRY_STATUS(ss_.encrypt_and_hash(s_.pub, out));
      STAKECAST_TRY_STATUS(dh_mix(s_.secret, *re_));
      break;
  }
  STAKECAST_TRY_STATUS(ss_.encrypt_and_hash(payload, out));
  ++step_;
  return {};
}

Status HandshakeXX::read_message(BytesView m, Bytes& payload) {
  if (complete() || my_turn()) return Errc::out_of_order;
  auto take_key = [&](crypto::X25519Public& k) -> Status {
    if (m.size() < 32) return Errc::short_message;
    std::memcpy(k.data(), m.data(), 32);
    m = m.subspan(32);
    return {};
  };
  auto take_encrypted_key = [&](crypto::X25519Public& k) -> Status {
    if (m.size() < 48) return Errc::short_message;
    Bytes plain;
    STAKECAST_TRY_STATUS(ss_.decrypt_and_hash(m.first(48), plain));
    std::memcpy(k.data(), plain.data(), 32);
    m = m.subspan(48);
    return {};
  };
  crypto::X25519Public k;
  switch (step_) {
    case 0:  // responder reads: e
      STAKECAST_TRY_STATUS(take_key(k));
      re_ = k;
      ss_.mix_hash(k);
      break;
    case 1:  // initiator reads: e, ee, s, es
      STAKECAST_TRY_STATUS(take_key(k));
      re_ = k;
      ss_.mix_hash(k);
      STAKECAST_TRY_STATUS(dh_mix(e_.secret, *re_));
      STAKECAST_TRY_STATUS(take_encrypted_key(k));
      rs_ = k;
      STAKECAST_TRY_STATUS(dh_mix(e_.secret, *rs_));
      break;
    case 2:  // responder reads: s, se
      STAKECAST_TRY_STATUS(take_encrypted_key(k));
      rs_ = k;
      STAKECAST_TRY_STATUS(dh_mix(e_.secret, *rs_));
      break;
  }
  STAKECAST_TRY_STATUS(ss_.decrypt_and_hash(m, payload));
  ++step_;
  return {};
}

std::pair<Key, Key> HandshakeXX::transport_keys() const {
  auto [k1, k2] = ss_.split();
  return initiator_ ? std::pair{k1, k2} : std::pair{k2, k1};
}

}  // namespace stakecast::noise
