// Per-module error enums plug into std::error_code through one helper, so every module's
// `enum class Errc` needs only values and a message table. No I/O.
//
// Usage:
//   namespace stakecast::foo {
//   enum class Errc { truncated = 1, too_large };
//   const char* describe(Errc e);                 // message per value, defined in a .cpp
//   STAKECAST_ERRC_FUNCS(Errc, "foo")             // make_error_code, found by ADL
//   }
//   STAKECAST_ERRC_ENUM(stakecast::foo::Errc)     // at global namespace
#pragma once

#include <string>
#include <system_error>

namespace stakecast::detail {

template <class E>
class ErrcCategory final : public std::error_category {
 public:
  explicit ErrcCategory(const char* name) : name_(name) {}
  const char* name() const noexcept override { return name_; }
  std::string message(int v) const override { return describe(static_cast<E>(v)); }

 private:
  const char* name_;
};

}  // namespace stakecast::detail

#define STAKECAST_ERRC_FUNCS(E, NAME)                                 \
  inline const std::error_category& error_category(E) {               \
    static const ::stakecast::detail::ErrcCategory<E> category(NAME); \
    return category;                                                  \
  }                                                                   \
  inline std::error_code make_error_code(E e) { return {static_cast<int>(e), error_category(e)}; }

#define STAKECAST_ERRC_ENUM(E) \
  template <>                  \
  struct std::is_error_code_enum<E> : std::true_type {};
