#include "proto/prio/errc.hpp"

namespace stakecast::prio {

const char* describe(Errc e) {
  switch (e) {
    case Errc::invalid_config:
      return "invalid priority configuration";
    case Errc::queue_full:
      return "class queue is full";
    case Errc::frame_too_large:
      return "frame exceeds the class queue's byte capacity";
    case Errc::empty_frame:
      return "empty frame";
  }
  return "unknown prio error";
}

}  // namespace stakecast::prio
