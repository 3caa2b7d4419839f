// `stakecast-node p2p`: a libp2p peer for tests and operators. Prints one JSON object per line.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace stakecast::apps {

struct P2pOptions {
  std::vector<std::string> listen{"/ip4/127.0.0.1/tcp/0"};
  std::string key;  // 64 hex chars (Ed25519 seed); random if empty
  std::vector<std::string> dial;
  std::string ping;
  int ping_count = 1;
  std::vector<std::string> echo_protocols;
  std::string echo_to;
  std::size_t echo_size = 0;
  int echo_streams = 1;
  std::vector<std::string> sink_protocols;
  // gossipsub
  std::vector<std::string> topics;
  std::string publish;  // text, or @file
  int publish_count = 1;
  int publish_interval_ms = 0;
  std::size_t publish_size = 0;  // 0: the text as is; else the text repeated to this many bytes
  int min_mesh = 1;
  int min_topic_peers = 0;  // ... and this many connected peers subscribed to the topic
  int mesh_timeout_ms = 10000;
  int expect_messages = 0;
  std::vector<std::string> ip_whitelist;  // addresses exempt from the IP-colocation score (P6)
  bool gossip_stats = false;              // print router counters when exiting
  double duration = 0;                    // seconds; 0 = until done (or forever without --exit-when-done)
  bool exit_when_done = false;
};

void add_p2p_options(CLI::App& cmd, P2pOptions& o);
// Runs the peer; returns the process exit status (0 only if everything asked for succeeded).
int run_p2p(const P2pOptions& o);

}  // namespace stakecast::apps
