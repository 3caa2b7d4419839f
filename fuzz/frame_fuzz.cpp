// libFuzzer target: varint length-prefixed framing. Split-anywhere must equal one-shot.
#include <cstdint>
#include <vector>

#include "codec/frame.hpp"

using namespace stakecast;

namespace {
std::vector<Bytes> frames_of(BytesView in, std::size_t split, bool& failed) {
  codec::FrameReader r(4096);
  std::vector<Bytes> out;
  failed = false;
  for (BytesView part : {in.first(split), in.subspan(split)}) {
    while (!part.empty()) {
      auto used = r.feed(part);
      if (!used) {
        failed = true;
        return out;
      }
      part = part.subspan(*used);
      if (auto f = r.frame()) {
        out.emplace_back(f->begin(), f->end());
        r.next();
      }
    }
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  BytesView in(data + 1, size - 1);
  const std::size_t split = in.empty() ? 0 : data[0] % (in.size() + 1);
  bool f1 = false, f2 = false;
  auto a = frames_of(in, in.size(), f1);
  auto b = frames_of(in, split, f2);
  if (f1 != f2 || a != b) __builtin_trap();
  return 0;
}
