// Counts every heap allocation of a test binary, so a test can check that a code path allocates nothing
// (operator new[] and the sized/array deletes default to these). Replaces the global operator new/delete:
// include it in exactly one translation unit of a test binary.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

namespace stakecast::test {
inline std::size_t g_allocations = 0;
// Allocations made so far; take the difference around the code under test.
inline std::size_t allocations() { return g_allocations; }
}  // namespace stakecast::test

// Out of line: once inlined, GCC pairs the malloc/free inside them with new/delete expressions
// (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t n) {
  ++stakecast::test::g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
