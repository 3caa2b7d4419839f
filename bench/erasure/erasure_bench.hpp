// `stakecast-bench erasure`: Reed-Solomon through our API against direct ISA-L calls with identical
// parameters, and the leader / receiver shred pipelines against memcpy of the same bytes.
#pragma once

#include <nlohmann/json.hpp>

#include "common/bench_runner.hpp"

namespace stakecast::bench {

nlohmann::json run_erasure(const Options& options);

}  // namespace stakecast::bench
