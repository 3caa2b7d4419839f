// `stakecast-bench noise`: the sans-I/O secure channel without sockets. Transport: 1 MiB through a Noise
// session pair (write, pull, parse, decrypt) against ChaCha20-Poly1305 seal + open of the same pieces
// with the same cipher objects, so the ratio is the cost of framing and buffering. Small messages: the
// same at 64 bytes per write. Handshake: a full XX exchange with libp2p payloads against its unavoidable
// public-key work (4 X25519 key generations, 6 X25519 agreements, 2 Ed25519 signatures and verifications)
// done directly.
#pragma once

#include <nlohmann/json.hpp>

#include "common/bench_runner.hpp"

namespace stakecast::bench {

nlohmann::json run_noise(const Options& options);

}  // namespace stakecast::bench
