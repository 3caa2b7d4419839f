#include "proto/prio/classify.hpp"

#include <gtest/gtest.h>

namespace stakecast::prio {
namespace {

TEST(Classifier, DefaultsFollowTheSeedTable) {
  Classifier c;
  EXPECT_EQ(c.classify(Kind::signature_share, 200), (Classification{Class::critical, Path::direct}));
  EXPECT_EQ(c.classify(Kind::vote, 1023), (Classification{Class::critical, Path::direct}));
  EXPECT_EQ(c.classify(Kind::coordination, 1024), (Classification{Class::high, Path::hybrid}));
  EXPECT_EQ(c.classify(Kind::block_header, 64 * 1024), (Classification{Class::high, Path::hybrid}));
  EXPECT_EQ(c.classify(Kind::block_data, 64 * 1024 + 1), (Classification{Class::normal, Path::rotor}));
  EXPECT_EQ(c.classify(Kind::state_proof, 8 << 20), (Classification{Class::normal, Path::rotor}));
  // Low is by kind, whatever the size.
  EXPECT_EQ(c.classify(Kind::gossip, 10), (Classification{Class::low, Path::gossip}));
  EXPECT_EQ(c.classify(Kind::maintenance, 1 << 20), (Classification{Class::low, Path::gossip}));
}

TEST(Classifier, ThresholdsAndOverridesAreConfigurable) {
  ClassifierConfig cfg;
  cfg.critical_below = 4096;
  cfg.rotor_above = 16 * 1024;
  cfg.overrides[static_cast<std::size_t>(Kind::block_header)] = Classification{Class::critical, Path::direct};
  auto c = Classifier::create(cfg);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->classify(Kind::vote, 3000).cls, Class::critical);
  EXPECT_EQ(c->classify(Kind::vote, 5000).cls, Class::high);
  EXPECT_EQ(c->classify(Kind::block_data, 20000).path, Path::rotor);
  EXPECT_EQ(c->classify(Kind::block_header, 50000).cls, Class::critical);
}

TEST(Classifier, RejectsInvertedBands) {
  ClassifierConfig cfg;
  cfg.critical_below = 10000;
  cfg.rotor_above = 100;
  EXPECT_EQ(Classifier::create(cfg).error(), Errc::invalid_config);
  cfg.critical_below = 0;
  EXPECT_EQ(Classifier::create(cfg).error(), Errc::invalid_config);
  // An empty High band is allowed: everything is direct or Rotor.
  cfg.critical_below = 101;
  EXPECT_TRUE(Classifier::create(cfg));
  EXPECT_EQ(Classifier::create(cfg)->classify(Kind::vote, 100).path, Path::direct);
  EXPECT_EQ(Classifier::create(cfg)->classify(Kind::vote, 101).path, Path::rotor);
}

TEST(Classifier, Names) {
  EXPECT_EQ(to_string(Class::critical), "critical");
  EXPECT_EQ(to_string(Path::hybrid), "hybrid");
}

}  // namespace
}  // namespace stakecast::prio
