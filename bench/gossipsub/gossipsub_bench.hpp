// `stakecast-bench gossipsub`: N nodes (real hosts, real loopback sockets, Noise + Yamux) in one process
// run the gossipsub router; 100 messages of 1 KiB, 64 KiB and 1 MiB are published one at a time by
// rotating publishers: p50/p99 of the time until every subscriber has a message, and bytes sent per node
// per message byte (amplification), with and without IDONTWANT. Baseline in the same run: the publisher
// sends the same bytes straight to every other node over the same connections (one hop).
// NOTE: all hosts share one thread, so "time until every subscriber has it" includes the CPU work of the
// whole cluster for that message (signature checks, Noise, forwards, duplicates), not only the network
// path; the direct baseline pays the same way for its (smaller) work. Amplification counts gossipsub frame
// bytes (RPCs with their length prefix), not Yamux/Noise overhead. p50/p99 are over the 100 messages.
#pragma once

#include <nlohmann/json.hpp>

#include "common/bench_runner.hpp"

namespace stakecast::bench {

nlohmann::json run_gossipsub(const Options& options);

}  // namespace stakecast::bench
