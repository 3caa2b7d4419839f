// libFuzzer target: a Yamux session fed arbitrary peer bytes (frame decoder and frame handling).
#include <cstdint>

#include "proto/yamux/session.hpp"

using namespace stakecast;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  yamux::Config c;
  c.max_streams = 8;
  c.max_window = 1 << 20;
  for (auto role : {yamux::Role::server, yamux::Role::client}) {
    yamux::Session s(role, c);
    (void)s.on_bytes(BytesView(data, size), TimePoint{});
    std::uint8_t out[4096], buf[4096];
    while (s.poll_transmit(out) > 0) {
    }
    while (auto e = s.poll_event()) (void)s.read(e->stream, buf, TimePoint{});
    if (s.stream_count() > c.max_streams) __builtin_trap();
  }
  return 0;
}
