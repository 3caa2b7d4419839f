// libFuzzer target: multistream-select dialer and listener fed arbitrary peer bytes. The first byte
// picks a split point; a split run must end exactly like the one-shot run (outcome, answers, leftover).
#include <cstdint>

#include "proto/mss/multistream.hpp"

using namespace stakecast;

namespace {
struct Outcome {
  bool done = false;
  std::error_code error;
  std::optional<std::string> protocol;
  Bytes sent, remaining;
  bool operator==(const Outcome&) const = default;
};

Outcome run(mss::Role role, BytesView in, std::size_t split) {
  const std::vector<std::string> protos = role == mss::Role::dialer
                                              ? std::vector<std::string>{"/a", "/noise"}
                                              : std::vector<std::string>{"/noise", "/yamux/1.0.0"};
  mss::Config config;
  config.max_line = 64;
  config.max_attempts = 8;
  mss::Negotiation n(role, protos, TimePoint{}, config);
  Outcome o;
  std::uint8_t buf[5];
  for (BytesView part : {in.first(split), in.subspan(split)}) {
    const auto st = n.on_bytes(part, TimePoint{});
    if (st.has_value() == n.failed()) __builtin_trap();  // the status and the state agree
    while (std::size_t k = n.poll_transmit(buf)) o.sent.insert(o.sent.end(), buf, buf + k);
  }
  o.done = n.done();
  o.error = n.error();
  o.protocol = n.protocol();
  o.remaining = n.take_remaining();
  if (o.done && o.error) __builtin_trap();
  if (o.protocol && std::find(protos.begin(), protos.end(), *o.protocol) == protos.end()) __builtin_trap();
  // Answers are bounded: header, then at most max_attempts lines of at most max_line bytes.
  if (o.sent.size() > 20 + (config.max_attempts + 2) * (config.max_line + 3)) __builtin_trap();
  return o;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  BytesView in(data + 1, size - 1);
  const std::size_t split = data[0] % (in.size() + 1);
  for (auto role : {mss::Role::dialer, mss::Role::listener})
    if (!(run(role, in, in.size()) == run(role, in, split))) __builtin_trap();
  return 0;
}
