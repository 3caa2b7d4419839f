// `stakecast-bench p2p`: the libp2p host over real loopback sockets against plain TCP and ChaCha20-Poly1305
// measured in the same run: stream throughput, 64-byte round trips, connection setup.
#pragma once

#include <nlohmann/json.hpp>

#include "common/bench_runner.hpp"

namespace stakecast::bench {

nlohmann::json run_p2p(const Options& options);

}  // namespace stakecast::bench
