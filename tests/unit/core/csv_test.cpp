#include "core/csv.hpp"

#include <gtest/gtest.h>

namespace stakecast::csv {
namespace {

TEST(Csv, QuotesNewlinesAndLines) {
  Reader r("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",2\nlast");
  EXPECT_EQ(*r.next(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.line(), 1u);
  EXPECT_EQ(*r.next(), (std::vector<std::string>{"x, y", "say \"hi\""}));
  EXPECT_EQ(r.line(), 2u);
  EXPECT_EQ(*r.next(), (std::vector<std::string>{"multi\nline", "2"}));
  EXPECT_EQ(r.line(), 3u);
  EXPECT_EQ(*r.next(), (std::vector<std::string>{"last"}));
  EXPECT_EQ(r.line(), 5u);
  EXPECT_FALSE(r.next());
  EXPECT_TRUE(r.ok());
}

TEST(Csv, RejectsUnterminatedQuoteAndTooManyFields) {
  Reader r("ok\n\"open");
  EXPECT_TRUE(r.next());
  EXPECT_FALSE(r.next());
  EXPECT_FALSE(r.ok());
  const std::string commas(kMaxFields + 1, ',');  // kMaxFields + 2 fields
  Reader wide(commas);
  EXPECT_FALSE(wide.next());
  EXPECT_FALSE(wide.ok());
}

}  // namespace
}  // namespace stakecast::csv
