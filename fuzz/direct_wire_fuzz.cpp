// libFuzzer target for the /stakecast/direct/1.0.0 decoder: no crash, and every accepted message
// re-encodes to exactly the input bytes.
#include <cstdint>
#include <cstdlib>

#include "codec/direct_wire.hpp"

using namespace stakecast;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  if (auto m = codec::parse_direct(in, 1 << 20)) {
    Bytes again = codec::encode_direct(m->header, m->payload, m->signature);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  }
  if (auto a = codec::parse_ack(in)) {
    Bytes again = codec::encode_ack(a->id);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  }
  return 0;
}
