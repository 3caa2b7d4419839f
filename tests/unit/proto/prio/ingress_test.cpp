#include "proto/prio/ingress.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "proto/prio/errc.hpp"

namespace stakecast::prio {
namespace {

TimePoint at_ms(std::int64_t ms) { return TimePoint::from_ns(ms * 1'000'000); }

IngressConfig small_config() {
  IngressConfig c;
  c.staked_rate = 1'000'000;  // 1 MB/s among validators
  c.min_validator_rate = 1000;
  c.unstaked_rate = 10'000;
  c.burst = std::chrono::milliseconds(100);
  c.min_burst_bytes = 100;
  c.min_message_cost = 10;
  return c;
}

// Bytes admitted for `from` when offering `msg`-byte messages every ms for `ms` milliseconds.
std::uint64_t drain(IngressBudgets& b, std::optional<ValidatorIndex> from, std::size_t msg, int ms,
                    int start = 0) {
  std::uint64_t admitted = 0;
  for (int t = start; t < start + ms; ++t)
    for (int k = 0; k < 100; ++k)
      if (b.admit(from, msg, at_ms(t)) == Admission::admitted) admitted += msg;
  return admitted;
}

TEST(Ingress, BudgetsAreProportionalToStake) {
  std::vector<Stake> stakes = {Stake{600}, Stake{300}, Stake{100}};
  auto b = IngressBudgets::create(small_config(), stakes, at_ms(0));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->rate_of(ValidatorIndex{0}), 600'000u);
  EXPECT_EQ(b->rate_of(ValidatorIndex{1}), 300'000u);
  EXPECT_EQ(b->rate_of(ValidatorIndex{2}), 100'000u);
  // Over one second of flooding each validator gets its burst plus rate x time, not more.
  const auto a0 = drain(*b, ValidatorIndex{0}, 1000, 1000);
  const auto a2 = drain(*b, ValidatorIndex{2}, 1000, 1000);
  EXPECT_NEAR(static_cast<double>(a0), 600'000 + 60'000, 2000);
  EXPECT_NEAR(static_cast<double>(a2), 100'000 + 10'000, 2000);
  EXPECT_GT(b->metrics().rejected_staked, 0u);
}

TEST(Ingress, OneFloodingValidatorDoesNotConsumeAnothersBudget) {
  std::vector<Stake> stakes = {Stake{500}, Stake{500}};
  auto b = IngressBudgets::create(small_config(), stakes, at_ms(0));
  ASSERT_TRUE(b);
  drain(*b, ValidatorIndex{0}, 1000, 50);
  EXPECT_EQ(b->admit(ValidatorIndex{0}, 1000, at_ms(49)), Admission::over_budget);
  EXPECT_EQ(b->admit(ValidatorIndex{1}, 1000, at_ms(49)), Admission::admitted);
}

TEST(Ingress, UnstakedPeersShareOnePool) {
  std::vector<Stake> stakes = {Stake{1}, Stake{0}, Stake{999'999}};
  auto b = IngressBudgets::create(small_config(), stakes, at_ms(0));
  ASSERT_TRUE(b);
  // Depth of the pool: 10 kB/s x 100 ms = 1000 bytes.
  EXPECT_EQ(b->admit(std::nullopt, 600, at_ms(0)), Admission::admitted);
  // A zero-stake validator and an out-of-table index draw from the same pool.
  EXPECT_EQ(b->admit(ValidatorIndex{1}, 300, at_ms(0)), Admission::admitted);
  EXPECT_EQ(b->admit(ValidatorIndex{99}, 300, at_ms(0)), Admission::over_budget);
  EXPECT_EQ(b->metrics().rejected_unstaked, 1u);
  // A tiny-stake validator keeps the floor rate and its own bucket.
  EXPECT_EQ(b->rate_of(ValidatorIndex{0}), 1000u);
  EXPECT_EQ(b->admit(ValidatorIndex{0}, 100, at_ms(0)), Admission::admitted);
  // 100 bytes left, refilled at 10 B/ms.
  EXPECT_EQ(b->admit(std::nullopt, 200, at_ms(10)), Admission::admitted);
  EXPECT_EQ(b->admit(std::nullopt, 10, at_ms(10)), Admission::over_budget);
}

TEST(Ingress, MinimumMessageCost) {
  std::vector<Stake> stakes = {};
  auto b = IngressBudgets::create(small_config(), stakes, at_ms(0));
  ASSERT_TRUE(b);
  int admitted = 0;
  for (int i = 0; i < 1000; ++i) admitted += b->admit(std::nullopt, 1, at_ms(0)) == Admission::admitted;
  EXPECT_EQ(admitted, 100);  // 1000-byte pool / cost 10
}

TEST(Ingress, EpochChangeRebuildsAllBudgetsAtOnce) {
  std::vector<Stake> a = {Stake{900}, Stake{100}};
  auto b = IngressBudgets::create(small_config(), a, at_ms(0));
  ASSERT_TRUE(b);
  std::vector<Stake> next = {Stake{100}, Stake{900}, Stake{1000}};
  ASSERT_TRUE(b->set_stakes(next, at_ms(5)));
  EXPECT_EQ(b->rate_of(ValidatorIndex{0}), 50'000u);
  EXPECT_EQ(b->rate_of(ValidatorIndex{1}), 450'000u);
  EXPECT_EQ(b->rate_of(ValidatorIndex{2}), 500'000u);
  IngressConfig cfg = small_config();
  cfg.max_validators = 2;
  auto c = IngressBudgets::create(cfg, a, at_ms(0));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->set_stakes(next, at_ms(1)).error(), Errc::invalid_config);
  EXPECT_EQ(c->rate_of(ValidatorIndex{0}), 900'000u);  // the old table stays in force
}

TEST(Ingress, RejectsBadConfig) {
  IngressConfig cfg = small_config();
  cfg.burst = Duration::zero();
  EXPECT_EQ(IngressBudgets::create(cfg, {}, at_ms(0)).error(), Errc::invalid_config);
}

TEST(Ingress, LamportScaleStakesDoNotOverflow) {
  std::vector<Stake> stakes = {Stake{300'000'000'000'000'000ULL}, Stake{100'000'000'000'000'000ULL}};
  IngressConfig cfg = small_config();
  cfg.staked_rate = 10'000'000'000ULL;
  auto b = IngressBudgets::create(cfg, stakes, at_ms(0));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->rate_of(ValidatorIndex{0}), 7'500'000'000ULL);
  EXPECT_EQ(b->rate_of(ValidatorIndex{1}), 2'500'000'000ULL);
}

}  // namespace
}  // namespace stakecast::prio
