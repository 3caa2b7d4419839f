// The WonderProxy city-to-city ping data (issue 6 item 2; provenance in data/SOURCES.md): the server list
// with coordinates and the grouped RTT matrix. Answers the RTT between two servers, filling pairs the
// matrix lacks (docs/simulator.md): first the measured reverse direction, then an estimate from the
// great-circle distance fitted on the measured pairs. Also the haversine nearest server and lookup of a
// server by city name. Parses text already in memory; sim/data_files.hpp reads the files. No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace stakecast::sim {

inline constexpr double kEarthRadiusM = 6'371'008.8;  // mean earth radius, as in the derived stake tables

// Great-circle distance in metres between two points given in degrees.
double haversine_m(double lat1, double lon1, double lat2, double lon2);

struct PingServer {
  int id = 0;
  std::string name;      // e.g. "Zurich", "NewYork"
  std::string title;     // e.g. "New York"
  std::string location;  // city of the machine, e.g. "Garden City"
  std::string country;
  double latitude = 0, longitude = 0;
};

enum class RttSource : std::uint8_t { measured, reverse, distance };

struct Rtt {
  double ms = 0;
  RttSource source = RttSource::measured;
};

// rtt_ms = intercept_ms + ms_per_km x great-circle km, least squares over all measured pairs of distinct
// listed servers.
struct DistanceFit {
  double intercept_ms = 0;
  double ms_per_km = 0;
  std::size_t pairs = 0;
};

enum class PingFile : std::uint8_t { servers, pings };
struct PingDiagnostic {
  PingFile file = PingFile::servers;
  std::size_t line = 0;  // 1-based (0: not line-specific)
  std::string detail;
};

class PingData {
 public:
  static constexpr int kMaxServerId = 4095;

  // servers: CSV with columns id,name,title,location,country,latitude,longitude (others ignored).
  // pings: CSV with columns source,destination,avg (ms, round trip; others ignored); repeated pairs are
  // averaged, so the raw hourly dump loads too. Errors: bad_input, with the file and line in `diag`.
  static Result<PingData> parse(std::string_view servers_csv, std::string_view pings_csv,
                                PingDiagnostic* diag = nullptr);

  const std::vector<PingServer>& servers() const { return servers_; }  // in id order
  const PingServer* server(int id) const;
  std::size_t measured_pairs() const { return measured_; }
  const DistanceFit& fit() const { return fit_; }

  // The average RTT measured from `from` to `to`, if the matrix has it.
  std::optional<double> measured_rtt_ms(int from, int to) const;
  // With fallbacks (reverse direction, then distance); nullopt only for an id with neither a measurement
  // nor coordinates.
  std::optional<Rtt> rtt(int from, int to) const;

  // The listed server nearest to a point (haversine; ties to the lower id).
  std::optional<int> nearest_server(double latitude, double longitude) const;
  // A server by city: compared case-insensitively on letters and digits only ("zurich", "New York",
  // "new-york"), first against titles, then names, then locations; the lowest id wins within a tier.
  // Errors: unknown_city.
  Result<int> find_city(std::string_view city) const;

 private:
  std::size_t index(int from, int to) const { return static_cast<std::size_t>(from) * dim_ + to; }

  std::vector<PingServer> servers_;
  std::vector<int> server_slot_;  // id -> index in servers_, or -1
  std::size_t dim_ = 0;           // ids 0..dim_-1
  std::vector<double> rtt_;       // dim_ x dim_, NaN where not measured
  std::size_t measured_ = 0;
  DistanceFit fit_;
};

}  // namespace stakecast::sim
