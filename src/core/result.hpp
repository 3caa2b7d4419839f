// Result<T>: a value or a std::error_code, shaped like std::expected (C++23) so it can be swapped later.
// Errors from peer input travel as values; exceptions are for apps/ only (ARCHITECTURE.md 8).
// No I/O.
#pragma once

#include <cassert>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace stakecast {

// Wraps an error so that `return Err(errc)` converts to any Result<T>.
struct Err {
  std::error_code code;
  template <class E>
  requires std::is_error_code_enum_v<E> Err(E e)
      : code(make_error_code(e)) {}    // NOLINT(google-explicit-constructor)
  Err(std::error_code c) : code(c) {}  // NOLINT(google-explicit-constructor)
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Err e) : v_(e.code) {}              // NOLINT(google-explicit-constructor)
  template <class E>
  requires std::is_error_code_enum_v<E> Result(E e)
      : v_(make_error_code(e)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  std::error_code error() const { return has_value() ? std::error_code{} : std::get<1>(v_); }

 private:
  std::variant<T, std::error_code> v_;
};

// Result<void>: success or an error code.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Err e) : ec_(e.code) {}  // NOLINT(google-explicit-constructor)
  template <class E>
  requires std::is_error_code_enum_v<E> Result(E e)
      : ec_(make_error_code(e)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return !ec_; }
  explicit operator bool() const { return has_value(); }
  std::error_code error() const { return ec_; }

 private:
  std::error_code ec_;
};

using Status = Result<void>;

}  // namespace stakecast

// Early return on error: STAKECAST_TRY(auto x, expr); or STAKECAST_TRY_STATUS(expr);
#define STAKECAST_CONCAT_INNER(a, b) a##b
#define STAKECAST_CONCAT(a, b) STAKECAST_CONCAT_INNER(a, b)
#define STAKECAST_TRY_IMPL(tmp, decl, expr)       \
  auto tmp = (expr);                              \
  if (!tmp) return ::stakecast::Err(tmp.error()); \
  decl = std::move(tmp).value()
#define STAKECAST_TRY(decl, expr) STAKECAST_TRY_IMPL(STAKECAST_CONCAT(stakecast_try_, __LINE__), decl, expr)
#define STAKECAST_TRY_STATUS(expr)                                                                   \
  do {                                                                                               \
    if (auto stakecast_st_ = (expr); !stakecast_st_) return ::stakecast::Err(stakecast_st_.error()); \
  } while (0)
