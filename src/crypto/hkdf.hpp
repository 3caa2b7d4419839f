// HMAC-SHA256 (RFC 2104) and HKDF-SHA256 (RFC 5869) through OpenSSL. Noise's HKDF (noise.html rev 34
// section 4.3) is this HKDF with the chaining key as salt and an empty info, so Noise calls it directly.
// No I/O.
#pragma once

#include "core/bytes.hpp"
#include "crypto/sha256.hpp"

namespace stakecast::crypto {

Hash256 hmac_sha256(BytesView key, BytesView data);

// HKDF-Extract(salt, ikm) then HKDF-Expand(prk, info) into out; out.size() must be 1..255*32 (our own
// invariant: callers pass fixed sizes).
void hkdf_sha256(BytesView salt, BytesView ikm, BytesView info, MutBytes out);

}  // namespace stakecast::crypto
