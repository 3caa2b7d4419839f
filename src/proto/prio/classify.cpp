#include "proto/prio/classify.hpp"

namespace stakecast::prio {

std::string_view to_string(Class c) {
  switch (c) {
    case Class::critical:
      return "critical";
    case Class::high:
      return "high";
    case Class::normal:
      return "normal";
    case Class::low:
      return "low";
  }
  return "?";
}

std::string_view to_string(Path p) {
  switch (p) {
    case Path::direct:
      return "direct";
    case Path::hybrid:
      return "hybrid";
    case Path::rotor:
      return "rotor";
    case Path::gossip:
      return "gossip";
  }
  return "?";
}

Result<Classifier> Classifier::create(const ClassifierConfig& config) {
  if (config.critical_below == 0 || config.critical_below > config.rotor_above + 1)
    return Errc::invalid_config;
  return Classifier(config);
}

Classification Classifier::classify(Kind kind, std::size_t size) const {
  const auto k = static_cast<std::size_t>(kind);
  if (k < kKindCount && config_.overrides[k]) return *config_.overrides[k];
  if (size < config_.critical_below) return {Class::critical, Path::direct};
  if (size > config_.rotor_above) return {Class::normal, Path::rotor};
  return {Class::high, Path::hybrid};
}

}  // namespace stakecast::prio
