// `stakecast-node frost sign`: one FROST signing session among N local nodes over real loopback
// connections (io::Host: TCP, Noise, Yamux; rotor::Engine direct path through node::RotorService), with
// optional crashed and cheating signers. Prints one JSON object.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace stakecast::apps {

struct FrostSignOptions {
  std::string suite = "ed25519";
  std::uint32_t signers = 5;
  std::uint32_t threshold = 3;
  std::string message = "stakecast";
  std::uint32_t crash = 0;  // signers that never come up
  std::uint32_t cheat = 0;  // signers that send invalid shares
  std::uint64_t seed = 1;
  std::string mode = "coordinated";
  std::uint32_t attempt_ms = 500;
  double timeout_s = 60;
};

void add_frost_options(CLI::App& cmd, FrostSignOptions& o);
// Returns the exit status: 0 if a valid group signature came out.
int run_frost_sign(const FrostSignOptions& o);

}  // namespace stakecast::apps
