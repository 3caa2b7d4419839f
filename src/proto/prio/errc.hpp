// Errors of the priority/QoS layer (issue 5 item 7). No I/O.
#pragma once

#include "core/errc.hpp"

namespace stakecast::prio {

enum class Errc {
  invalid_config = 1,  // a Config violates its documented constraints
  queue_full,          // per-class queue at capacity and the policy rejects new frames
  frame_too_large,     // a frame larger than its class queue can ever hold
  empty_frame,         // zero-length frames are not scheduled
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "prio")

}  // namespace stakecast::prio

STAKECAST_ERRC_ENUM(stakecast::prio::Errc)
