// libFuzzer target for the /stakecast/repair/1.0.0 decoders: no crash, bounded counts, and every accepted
// message re-encodes to exactly the input bytes.
#include <cstdint>
#include <cstdlib>

#include "codec/repair_wire.hpp"

using namespace stakecast;

namespace {
void same(const Bytes& again, const std::uint8_t* data, std::size_t size) {
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  const codec::RepairLimits limits{.max_slices = 64, .max_shreds = 16, .max_shred_size = 4096};
  if (auto m = codec::parse_roots_request(in)) same(codec::encode(*m), data, size);
  if (auto m = codec::parse_roots_response(in, limits)) {
    if (m->roots.size() > limits.max_slices) std::abort();
    same(codec::encode(*m), data, size);
  }
  if (auto m = codec::parse_shreds_request(in)) same(codec::encode(*m), data, size);
  if (auto m = codec::parse_shreds_response(in, limits)) {
    if (m->shreds.size() > limits.max_shreds) std::abort();
    same(codec::encode_shreds_response(m->request, m->slot, m->slice, m->shreds), data, size);
  }
  if (auto m = codec::parse_not_found(in)) same(codec::encode(*m), data, size);
  return 0;
}
