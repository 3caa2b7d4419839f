#include "proto/noise/session.hpp"

#include <algorithm>
#include <cstring>

#include "codec/libp2p_messages.hpp"

namespace stakecast::noise {
namespace {
constexpr std::string_view kSigPrefix = "noise-libp2p-static-key:";

Bytes signed_static(const crypto::X25519Public& key) {
  Bytes m(kSigPrefix.begin(), kSigPrefix.end());
  append(m, key);
  return m;
}
}  // namespace

Session::Session(Role role, const crypto::Ed25519Keypair& identity, Entropy& entropy, TimePoint now,
                 std::optional<PeerId> expected, SessionConfig config)
    : role_(role),
      identity_(identity),
      static_(crypto::X25519Keypair::generate(entropy)),
      hs_(role == Role::initiator, static_, crypto::X25519Keypair::generate(entropy), {}),
      expected_(std::move(expected)),
      config_(std::move(config)),
      deadline_(now + config_.handshake_timeout) {
  if (role_ == Role::initiator) (void)send_handshake(false);  // -> e, with an empty payload
}

Status Session::fail(std::error_code ec) {
  if (!error_) error_ = ec;
  return Err(error_);
}

void Session::queue_frame(BytesView body) {
  std::uint8_t len[2];
  store_be16(len, static_cast<std::uint16_t>(body.size()));
  out_.buffer().insert(out_.buffer().end(), len, len + 2);
  append(out_.buffer(), body);
}

Status Session::send_handshake(bool with_payload) {
  Bytes payload;
  if (with_payload) {
    codec::NoisePayload p;
    p.identity_key = PeerId::encode_ed25519_public_key(identity_.public_key());
    const auto sig = identity_.sign(signed_static(static_.pub));
    p.identity_sig.assign(sig.begin(), sig.end());
    p.stream_muxers = config_.stream_muxers;
    payload = codec::encode(p);
  }
  Bytes msg;
  auto st = hs_.write_message(payload, msg);
  if (!st) return fail(st.error());
  queue_frame(msg);
  return {};
}

Status Session::check_payload(BytesView payload) {
  auto p = codec::decode_noise_payload(payload);
  if (!p) return fail(make_error_code(Errc::bad_payload));
  auto key = codec::decode_ed25519_public_key(p->identity_key);
  if (!key || p->identity_sig.size() != 64) return fail(make_error_code(Errc::bad_payload));
  crypto::Ed25519Signature sig;
  std::memcpy(sig.data(), p->identity_sig.data(), 64);
  if (!crypto::ed25519_verify(*key, signed_static(*hs_.remote_static()), sig))
    return fail(make_error_code(Errc::bad_payload));
  remote_peer_ = PeerId::from_ed25519(*key);
  if (expected_ && *expected_ != *remote_peer_) return fail(make_error_code(Errc::peer_id_mismatch));
  remote_muxers_ = std::move(p->stream_muxers);
  return {};
}

Status Session::handle_frame(BytesView frame) {
  if (transport_ready_) {
    auto st = recv_->decrypt_with_ad({}, frame, plaintext_);
    if (!st) return fail(st.error());
    return {};
  }
  Bytes payload;
  auto st = hs_.read_message(frame, payload);
  if (!st) return fail(st.error());
  if (hs_.remote_static()) STAKECAST_TRY_STATUS(check_payload(payload));
  if (!hs_.complete()) STAKECAST_TRY_STATUS(send_handshake(true));
  if (hs_.complete()) {
    auto [send_key, recv_key] = hs_.transport_keys();
    send_.emplace();
    send_->initialize_key(send_key);
    recv_.emplace();
    recv_->initialize_key(recv_key);
    transport_ready_ = true;
    event_ = Event{Event::Kind::handshake_complete, *remote_peer_, early_muxer()};
  }
  return {};
}

Status Session::on_deadline(TimePoint now) {
  if (failed()) return Err(error_);
  if (!transport_ready_ && now >= deadline_) return fail(make_error_code(Errc::handshake_timeout));
  return {};
}

Status Session::on_bytes(BytesView in, TimePoint /*now*/) {
  if (failed()) return Err(error_);
  // PERF: whole frames are handled straight from `in`; only a frame split across reads is buffered, and
  // only with the bytes it needs.
  while (!in.empty()) {
    if (!in_.empty() || in.size() < 2) {
      const std::size_t want = in_.size() < 2 ? 2 : 2 + std::size_t{load_be16(in_.data())};
      const std::size_t take = std::min(want - in_.size(), in.size());
      append(in_, in.first(take));
      in = in.subspan(take);
      if (in_.size() == 2 && load_be16(in_.data()) > 0) continue;  // header complete: now the body
      if (in_.size() < 2 || in_.size() < 2 + std::size_t{load_be16(in_.data())}) return {};
      STAKECAST_TRY_STATUS(handle_frame(BytesView(in_).subspan(2)));
      in_.clear();  // PERF: keeps its capacity for the next split frame
      continue;
    }
    const std::size_t len = load_be16(in.data());
    if (in.size() < 2 + len) {
      append(in_, in);
      return {};
    }
    STAKECAST_TRY_STATUS(handle_frame(in.subspan(2, len)));
    in = in.subspan(2 + len);
  }
  return {};
}

std::optional<std::string> Session::early_muxer() const {
  for (const auto& m : config_.stream_muxers)
    if (std::find(remote_muxers_.begin(), remote_muxers_.end(), m) != remote_muxers_.end()) return m;
  return std::nullopt;
}

Status Session::write(BytesView plaintext) {
  while (!plaintext.empty()) {
    const std::size_t n = std::min(plaintext.size(), kMaxPlaintextPerFrame);
    Bytes& out = out_.buffer();
    const std::size_t at = out.size();
    out.resize(at + n + kFrameOverhead);
    if (auto st = seal_into(plaintext.first(n), MutBytes(out).subspan(at)); !st) {
      out.resize(at);
      return st;
    }
    plaintext = plaintext.subspan(n);
  }
  return {};
}

Result<std::size_t> Session::seal_frame(MutBytes frame, std::size_t n) {
  STAKECAST_TRY_STATUS(seal_into(frame.subspan(2, n), frame));
  return n + kFrameOverhead;
}

Status Session::seal_into(BytesView plaintext, MutBytes frame) {
  if (failed()) return Err(error_);
  if (!transport_ready_) return Errc::out_of_order;
  const MutBytes body = frame.subspan(2, plaintext.size() + crypto::kAeadTag);
  if (auto st = send_->encrypt_with_ad({}, plaintext, body); !st) return fail(st.error());
  store_be16(frame.data(), static_cast<std::uint16_t>(body.size()));
  return {};
}

}  // namespace stakecast::noise
