// libFuzzer target for the FROST session message decoders (codec/frost_wire.hpp): no crash, and every
// accepted message re-encodes to exactly the input bytes.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "codec/frost_wire.hpp"

using namespace stakecast;

namespace {
template <class M>
void round_trip(const Result<M>& m, const std::uint8_t* data, std::size_t size) {
  if (!m) return;
  Bytes again = codec::encode(*m);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  const codec::FrostLimits limits{.max_signers = 64, .max_message = 4096};
  round_trip(codec::parse_coordination(in, limits), data, size);
  round_trip(codec::parse_commitment(in), data, size);
  round_trip(codec::parse_package(in, limits), data, size);
  round_trip(codec::parse_share(in), data, size);
  return 0;
}
