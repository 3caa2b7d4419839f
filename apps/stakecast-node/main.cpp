// stakecast-node: the Stakecast daemon and its operator tools.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "p2p_command.hpp"

int main(int argc, char** argv) try {
  CLI::App app{"Stakecast node"};
  app.require_subcommand(1);
  stakecast::apps::P2pOptions p2p;
  int status = 0;
  auto* cmd = app.add_subcommand(
      "p2p", "run a libp2p peer (TCP, Noise, Yamux, Identify, Ping); JSON lines on stdout");
  stakecast::apps::add_p2p_options(*cmd, p2p);
  cmd->callback([&] { status = stakecast::apps::run_p2p(p2p); });
  CLI11_PARSE(app, argc, argv);
  return status;
} catch (const std::exception& e) {
  std::fprintf(stderr, "stakecast-node: %s\n", e.what());
  return 1;
}
