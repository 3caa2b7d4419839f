// libFuzzer target: the pubsub RPC decoder. Any input decodes to a typed error or to an RPC whose
// encoding decodes back to the same RPC.
#include <cstdint>

#include "codec/pubsub.hpp"

using namespace stakecast;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = codec::decode_pubsub_rpc(BytesView(data, size));
  if (!r) return 0;
  auto again = codec::decode_pubsub_rpc(codec::encode(*r));
  if (!again || !(*again == *r)) __builtin_trap();
  for (const auto& m : r->messages) (void)codec::signing_bytes(m);
  return 0;
}
