#include "proto/noise/handshake.hpp"

#include <gtest/gtest.h>

namespace stakecast::noise {
namespace {

crypto::X25519Keypair key(std::string_view hex) {
  return crypto::X25519Keypair::from_secret(*array_from_hex<32>(hex));
}

struct Vector {
  const char* prologue;
  std::array<std::pair<const char*, const char*>, 6> messages;  // payload, ciphertext
  const char* handshake_hash;
};

// Both vectors use the same four keys (initiator static/ephemeral, responder static/ephemeral).
constexpr const char* kInitStatic = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
constexpr const char* kInitEphemeral = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
constexpr const char* kRespStatic = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
constexpr const char* kRespEphemeral = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";

// The Noise_XX_25519_ChaChaPoly_SHA256 vectors of the cacophony suite (mcginty/snow
// tests/vectors/cacophony.txt, prologue "John Galt") and of noise-c (rweather/noise-c
// tests/vector/noise-c-basic.txt, prologue "Prologue123"): three handshake messages with payloads, then
// three transport messages (responder, initiator, responder). The prologue changes only the hash, so
// messages 2 and 3 differ and the transport messages agree.
const Vector kVectors[] = {
    {"4a6f686e2047616c74",
     {{{"4c756477696720766f6e204d69736573",
        "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"},
       {"4d757272617920526f746862617264",
        "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d"
        "6b68"
        "aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83"
        "f23d"
        "bd8d162c9326ad"},
       {"462e20412e20486179656b",
        "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9"
        "fea0"
        "d4ec82a286427402f113e4b6ae769a1d95941d49b25030"},
       {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
       {"4a65616e2d426170746973746520536179",
        "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"},
       {"457567656e2042f6686d20766f6e2042617765726b",
        "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"}}},
     "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e"},
    {"50726f6c6f677565313233",
     {{{"4c756477696720766f6e204d69736573",
        "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"},
       {"4d757272617920526f746862617264",
        "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d"
        "6b68"
        "aaa3629a5a8639392490e5b94a6d8798832d5372f220f161d9c2df035528f8982ffe09be9b5c412f8a0db5d21351f20af137"
        "0d0b"
        "f8ef1a8c59a30e"},
       {"462e20412e20486179656b",
        "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a8589981dfbd651e6ff4724a781cc2aa6158c9"
        "fea0"
        "d4ec82a286427484c5b8c8123a7a6002b1de9f9775fc97"},
       {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
       {"4a65616e2d426170746973746520536179",
        "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"},
       {"457567656e2042f6686d20766f6e2042617765726b",
        "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"}}},
     "852a28d2146785c54bd8334f4e460c80d7fe4fd0cc5bc0abef2a24a3c4d44d5f"},
};

TEST(HandshakeXX, CacophonyAndNoiseCVectors) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.prologue);
    const Bytes prologue = *from_hex(v.prologue);
    HandshakeXX init(true, key(kInitStatic), key(kInitEphemeral), prologue);
    HandshakeXX resp(false, key(kRespStatic), key(kRespEphemeral), prologue);
    for (int i = 0; i < 3; ++i) {
      HandshakeXX& writer = i % 2 == 0 ? init : resp;
      HandshakeXX& reader = i % 2 == 0 ? resp : init;
      Bytes wire, payload;
      ASSERT_TRUE(writer.write_message(*from_hex(v.messages[i].first), wire));
      EXPECT_EQ(to_hex(wire), v.messages[i].second) << "message " << i;
      ASSERT_TRUE(reader.read_message(wire, payload));
      EXPECT_EQ(to_hex(payload), v.messages[i].first);
    }
    ASSERT_TRUE(init.complete() && resp.complete());
    EXPECT_EQ(to_hex(init.handshake_hash()), v.handshake_hash);
    EXPECT_EQ(init.handshake_hash(), resp.handshake_hash());
    EXPECT_EQ(*init.remote_static(), key(kRespStatic).pub);
    EXPECT_EQ(*resp.remote_static(), key(kInitStatic).pub);

    CipherState i_send, i_recv, r_send, r_recv;
    i_send.initialize_key(init.transport_keys().first);
    i_recv.initialize_key(init.transport_keys().second);
    r_send.initialize_key(resp.transport_keys().first);
    r_recv.initialize_key(resp.transport_keys().second);
    for (int i = 3; i < 6; ++i) {
      // Turns keep alternating after the handshake: message 3 is the responder's.
      CipherState& send = i % 2 == 0 ? i_send : r_send;
      CipherState& recv = i % 2 == 0 ? r_recv : i_recv;
      Bytes wire, plain;
      ASSERT_TRUE(send.encrypt_with_ad({}, *from_hex(v.messages[i].first), wire));
      EXPECT_EQ(to_hex(wire), v.messages[i].second) << "message " << i;
      ASSERT_TRUE(recv.decrypt_with_ad({}, wire, plain));
      EXPECT_EQ(to_hex(plain), v.messages[i].first);
    }
  }
}

TEST(HandshakeXX, TamperingAndOrderErrors) {
  SeededEntropy e(3);
  auto s1 = crypto::X25519Keypair::generate(e), e1 = crypto::X25519Keypair::generate(e);
  auto s2 = crypto::X25519Keypair::generate(e), e2 = crypto::X25519Keypair::generate(e);
  HandshakeXX a(true, s1, e1, {}), b(false, s2, e2, {});
  Bytes m1, m2, p;
  EXPECT_EQ(b.write_message({}, m1).error(), Errc::out_of_order);
  ASSERT_TRUE(a.write_message({}, m1));
  Bytes again;
  EXPECT_EQ(a.write_message({}, again).error(), Errc::out_of_order);  // a must read message 2 first
  EXPECT_EQ(b.read_message(BytesView(m1).first(31), p).error(), Errc::short_message);
  ASSERT_TRUE(b.read_message(m1, p));
  ASSERT_TRUE(b.write_message(as_bytes("hello"), m2));
  m2[40] ^= 1;  // inside the encrypted static key
  EXPECT_EQ(a.read_message(m2, p).error(), Errc::decrypt_failed);
  HandshakeXX c(true, s1, e1, {});
  Bytes low_order(32, 0);
  Bytes m;
  ASSERT_TRUE(c.write_message({}, m));
  EXPECT_EQ(c.read_message(low_order, p).error(), Errc::bad_dh);
}

}  // namespace
}  // namespace stakecast::noise
