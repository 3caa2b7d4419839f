// `stakecast-bench demo`: a readable end-to-end shredding run.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stakecast::apps {

struct DemoOptions {
  std::size_t block_bytes = 1 << 20;
  std::uint64_t seed = 1;
};

// Returns 0 when the rebuilt block equals the original and its hash matches.
int run_demo(const DemoOptions& options);

}  // namespace stakecast::apps
