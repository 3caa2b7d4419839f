// libFuzzer target: multistream-select dialer and listener fed arbitrary peer bytes.
#include <cstdint>

#include "proto/mss/multistream.hpp"

using namespace stakecast;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  mss::Listener l({"/noise", "/yamux/1.0.0"});
  mss::Dialer d({"/a", "/noise"});
  std::uint8_t out[256];
  for (std::size_t i = 0; i < in.size(); i += 7) {
    auto part = in.subspan(i, std::min<std::size_t>(7, in.size() - i));
    (void)l.on_bytes(part);
    (void)d.on_bytes(part);
    while (l.poll_transmit(out) > 0) {
    }
    while (d.poll_transmit(out) > 0) {
    }
  }
  if (l.done() && l.failed()) __builtin_trap();
  return 0;
}
