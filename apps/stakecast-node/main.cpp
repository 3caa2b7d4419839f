// stakecast-node: the Stakecast daemon and its operator tools.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "frost_command.hpp"
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
  stakecast::apps::FrostSignOptions frost;
  auto* frost_cmd = app.add_subcommand("frost", "FROST threshold signing (RFC 9591)");
  frost_cmd->require_subcommand(1);
  auto* sign = frost_cmd->add_subcommand(
      "sign", "one signing session among N local nodes over loopback libp2p connections; one JSON object");
  stakecast::apps::add_frost_options(*sign, frost);
  sign->callback([&] { status = stakecast::apps::run_frost_sign(frost); });
  CLI11_PARSE(app, argc, argv);
  return status;
} catch (const std::exception& e) {
  std::fprintf(stderr, "stakecast-node: %s\n", e.what());
  return 1;
}
