// Traffic classes and the classification table: which class and which dissemination path a consensus
// message takes, from its kind and size (ARCHITECTURE.md 1 and 5; issue 5 item 7). No I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.hpp"
#include "proto/prio/errc.hpp"

namespace stakecast::prio {

// Lower value = more urgent. Critical is served strictly first; the others by weighted round-robin.
enum class Class : std::uint8_t { critical = 0, high = 1, normal = 2, low = 3 };
inline constexpr std::size_t kClassCount = 4;
std::string_view to_string(Class c);

// How a message reaches the validators (ARCHITECTURE.md 4).
enum class Path : std::uint8_t {
  direct,  // signed, straight to every validator
  hybrid,  // medium messages (docs/hybrid-path.md)
  rotor,   // erasure-coded shreds through stake-sampled relays
  gossip,  // libp2p gossipsub, best effort
};
std::string_view to_string(Path p);

// The consensus messages of the seed design's OptimizedRouter, plus the background kinds.
enum class Kind : std::uint8_t {
  threshold_commitment,  // FROST round 1
  signature_share,       // FROST round 2
  coordination,          // FROST session opening, view change, ...
  vote,
  block_header,
  block_data,
  state_proof,
  gossip,
  maintenance,
};
inline constexpr std::size_t kKindCount = 9;

struct Classification {
  Class cls = Class::normal;
  Path path = Path::rotor;
  auto operator<=>(const Classification&) const = default;
};

struct ClassifierConfig {
  // size < critical_below -> Critical / direct.
  std::size_t critical_below = 1024;
  // size > rotor_above -> Normal / Rotor. Everything in between -> High / hybrid.
  std::size_t rotor_above = 64 * 1024;
  // A fixed classification per kind that bypasses the size rules. By default gossip and maintenance
  // traffic is Low / gossip whatever its size.
  std::array<std::optional<Classification>, kKindCount> overrides = default_overrides();

  static constexpr std::array<std::optional<Classification>, kKindCount> default_overrides() {
    std::array<std::optional<Classification>, kKindCount> o{};
    o[static_cast<std::size_t>(Kind::gossip)] = Classification{Class::low, Path::gossip};
    o[static_cast<std::size_t>(Kind::maintenance)] = Classification{Class::low, Path::gossip};
    return o;
  }
};

class Classifier {
 public:
  // Errors: invalid_config when critical_below > rotor_above + 1 (the High band would be negative)
  // or critical_below is 0.
  static Result<Classifier> create(const ClassifierConfig& config);
  Classifier() : Classifier(ClassifierConfig{}) {}

  Classification classify(Kind kind, std::size_t size) const;
  const ClassifierConfig& config() const { return config_; }

 private:
  explicit Classifier(const ClassifierConfig& c) : config_(c) {}
  ClassifierConfig config_;
};

}  // namespace stakecast::prio
