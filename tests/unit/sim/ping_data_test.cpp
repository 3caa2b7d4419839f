#include "sim/ping_data.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/csv.hpp"
#include "sim/data_files.hpp"
#include "sim/runner.hpp"

namespace stakecast::sim {
namespace {

const DataFiles kFiles{std::string(STAKECAST_SOURCE_DIR) + "/data/network"};

const PingData& pings() {
  static const PingData d = [] {
    LoadError err;
    auto p = load_ping_data(kFiles.ping_servers(), kFiles.pings(), &err);
    EXPECT_TRUE(p) << err.message();
    return *p;
  }();
  return d;
}

TEST(Haversine, KnownDistances) {
  constexpr double kPi = 3.14159265358979323846;
  EXPECT_NEAR(haversine_m(0, 0, 0, 1), kEarthRadiusM * kPi / 180, 1e-6);
  // Antipodes: the formula is ill-conditioned there (a = 1 - 1e-16 moves the angle by 1e-8 rad).
  EXPECT_NEAR(haversine_m(10, 20, -10, -160), kEarthRadiusM * kPi, 1.0);
  EXPECT_NEAR(haversine_m(45, 7, 45, 7), 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(haversine_m(47.369, 8.538, 50.11, 8.68), haversine_m(50.11, 8.68, 47.369, 8.538));
}

TEST(PingData, LoadsTheWonderProxyFiles) {
  const PingData& d = pings();
  EXPECT_EQ(d.servers().size(), 242u);     // data/SOURCES.md
  EXPECT_EQ(d.measured_pairs(), 62'104u);  // one row per ordered pair in the grouped file
  ASSERT_NE(d.server(35), nullptr);
  EXPECT_EQ(d.server(35)->name, "Zurich");
  EXPECT_EQ(d.server(75), nullptr);  // in the ping matrix, not in the server list
  // Every measured value equals its row in the file, read here independently.
  auto text = read_text_file(kFiles.pings());
  ASSERT_TRUE(text);
  csv::Reader r(*text);
  ASSERT_TRUE(r.next());
  std::size_t rows = 0;
  while (auto row = r.next()) {
    if (row->size() < 4) continue;
    const auto m = d.measured_rtt_ms(std::stoi((*row)[0]), std::stoi((*row)[1]));
    ASSERT_TRUE(m);
    ASSERT_DOUBLE_EQ(*m, std::stod((*row)[3]));
    ++rows;
  }
  EXPECT_EQ(rows, d.measured_pairs());
}

TEST(PingData, MissingPairsFallBackToReverseThenDistance) {
  const PingData& d = pings();
  const DistanceFit& fit = d.fit();
  // Light in fibre needs 0.01 ms per km of round trip; real paths are longer but not 5x longer.
  EXPECT_GT(fit.ms_per_km, 0.01);
  EXPECT_LT(fit.ms_per_km, 0.05);
  EXPECT_GT(fit.intercept_ms, 0.0);
  EXPECT_LT(fit.intercept_ms, 60.0);
  EXPECT_GT(fit.pairs, 50'000u);
  std::size_t reverse = 0, estimated = 0;
  for (const auto& a : d.servers()) {
    for (const auto& b : d.servers()) {
      const auto rtt = d.rtt(a.id, b.id);
      ASSERT_TRUE(rtt);
      const auto fwd = d.measured_rtt_ms(a.id, b.id);
      const auto back = d.measured_rtt_ms(b.id, a.id);
      if (fwd) {
        EXPECT_EQ(rtt->source, RttSource::measured);
        EXPECT_EQ(rtt->ms, *fwd);
      } else if (back) {
        EXPECT_EQ(rtt->source, RttSource::reverse);
        EXPECT_EQ(rtt->ms, *back);
        ++reverse;
      } else {
        EXPECT_EQ(rtt->source, RttSource::distance);
        const double km = haversine_m(a.latitude, a.longitude, b.latitude, b.longitude) / 1000;
        EXPECT_NEAR(rtt->ms, fit.intercept_ms + fit.ms_per_km * km, 1e-9);
        ++estimated;
      }
    }
  }
  // Counted over the 242 listed servers (data/SOURCES.md: 8 ids of the matrix are unlisted).
  EXPECT_EQ(reverse, 313u);
  EXPECT_EQ(estimated, 19u);
  EXPECT_FALSE(d.rtt(75, 9999));
}

TEST(PingData, NearestServerAgreesWithTheDerivedSolanaTable) {
  const PingData& d = pings();
  for (const auto& file : {kFiles.solana780(), kFiles.solana860()}) {
    auto text = read_text_file(file);
    ASSERT_TRUE(text);
    csv::Reader r(*text);
    auto header = r.next();
    ASSERT_TRUE(header);
    const auto lat = *csv::column(*header, "latitude"), lon = *csv::column(*header, "longitude");
    const auto id = *csv::column(*header, "nearest_wonderproxy_server_id");
    const auto km = *csv::column(*header, "nearest_server_distance_km");
    std::size_t checked = 0;
    while (auto row = r.next()) {
      if (row->size() <= km || (*row)[id].empty()) continue;
      const double la = std::stod((*row)[lat]), lo = std::stod((*row)[lon]);
      const auto nearest = d.nearest_server(la, lo);
      ASSERT_TRUE(nearest);
      EXPECT_EQ(*nearest, std::stoi((*row)[id])) << file << ":" << r.line();
      const PingServer* s = d.server(*nearest);
      EXPECT_NEAR(haversine_m(la, lo, s->latitude, s->longitude) / 1000, std::stod((*row)[km]), 0.05 + 1e-9);
      ++checked;
    }
    EXPECT_GT(checked, 900u);
  }
}

TEST(PingData, FindsCities) {
  const PingData& d = pings();
  EXPECT_EQ(*d.find_city("zurich"), 35);
  EXPECT_EQ(*d.find_city("ZURICH"), 35);
  const int new_york = *d.find_city("New York");
  EXPECT_EQ(d.server(new_york)->name, "NewYork");
  EXPECT_EQ(*d.find_city("new-york"), new_york);
  EXPECT_EQ(d.server(*d.find_city("Herndon"))->name, "Washington");  // by location
  EXPECT_EQ(d.find_city("Atlantis").error(), SimErrc::unknown_city);
  EXPECT_EQ(d.find_city("  ").error(), SimErrc::unknown_city);
}

TEST(PingData, BadInputNamesFileAndLine) {
  const std::string servers =
      "id,name,title,location,country,latitude,longitude\n"
      "1,A,A,A,X,10,10\n"
      "2,B,B,B,X,20,20\n";
  const std::string pings = "source,destination,avg\n1,2,30\n2,1,31\n";
  PingDiagnostic diag;
  auto ok = PingData::parse(servers, pings, &diag);
  ASSERT_TRUE(ok);
  // One distance only: the fit degenerates to the mean RTT.
  ASSERT_TRUE(ok->rtt(1, 1));
  EXPECT_EQ(ok->rtt(1, 1)->source, RttSource::distance);
  EXPECT_DOUBLE_EQ(ok->rtt(1, 1)->ms, 30.5);
  EXPECT_EQ(ok->rtt(2, 1)->source, RttSource::measured);

  auto expect_bad = [&](const std::string& s, const std::string& p, PingFile file, std::size_t line) {
    PingDiagnostic dg;
    auto r = PingData::parse(s, p, &dg);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), SimErrc::bad_input);
    EXPECT_EQ(dg.file, file) << dg.detail;
    EXPECT_EQ(dg.line, line) << dg.detail;
  };
  expect_bad("id,name\n1,A\n", pings, PingFile::servers, 1);
  expect_bad(servers + "x,C,C,C,X,1,1\n", pings, PingFile::servers, 4);
  expect_bad(servers + "3,C,C,C,X,91,1\n", pings, PingFile::servers, 4);
  expect_bad(servers + "2,C,C,C,X,1,1\n", pings, PingFile::servers, 0);  // id twice
  expect_bad(servers, "source,destination\n", PingFile::pings, 1);
  expect_bad(servers, pings + "1,2,-4\n", PingFile::pings, 4);
  expect_bad(servers, pings + "1,2,nan\n", PingFile::pings, 4);
  expect_bad(servers, pings + "1,99999,3\n", PingFile::pings, 4);
  expect_bad(servers, pings + "1,\"2,3\n", PingFile::pings, 4);
  expect_bad(servers, "source,destination,avg\n", PingFile::pings, 0);

  // Repeated pairs are averaged (the raw hourly dump has one row per hour).
  auto twice = PingData::parse(servers, pings + "1,2,40\n");
  ASSERT_TRUE(twice);
  EXPECT_DOUBLE_EQ(*twice->measured_rtt_ms(1, 2), 35.0);
}

}  // namespace
}  // namespace stakecast::sim
