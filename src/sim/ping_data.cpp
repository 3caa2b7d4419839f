#include "sim/ping_data.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "core/csv.hpp"
#include "sim/runner.hpp"  // SimErrc

namespace stakecast::sim {

double haversine_m(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double p1 = lat1 * kRad, p2 = lat2 * kRad;
  const double dp = (lat2 - lat1) * kRad, dl = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dp / 2) * std::sin(dp / 2) + std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
  // atan2 rather than asin: stays accurate near antipodal points.
  return 2.0 * kEarthRadiusM * std::atan2(std::sqrt(a), std::sqrt(std::max(0.0, 1.0 - a)));
}

namespace {

Err fail(PingDiagnostic* d, std::size_t line, std::string detail) {
  if (d != nullptr) {
    d->line = line;
    d->detail = std::move(detail);
  }
  return Err(SimErrc::bad_input);
}

std::optional<int> parse_id(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v < 0 || v > PingData::kMaxServerId)
    return std::nullopt;
  return v;
}

std::optional<double> parse_double(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string fold(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out += static_cast<char>(std::tolower(u));
  }
  return out;
}

struct Header {
  std::map<std::string, std::size_t> at;
  Status read(csv::Reader& r, std::initializer_list<const char*> required, PingDiagnostic* diag) {
    auto h = r.next();
    if (!h) return fail(diag, 1, "no header row");
    for (std::size_t i = 0; i < h->size(); ++i) at[(*h)[i]] = i;
    for (const char* name : required)
      if (!at.count(name)) return fail(diag, 1, std::string("missing column ") + name);
    return {};
  }
  const std::string& get(const std::vector<std::string>& row, const char* name) const {
    static const std::string kEmpty;
    const std::size_t i = at.at(name);
    return i < row.size() ? row[i] : kEmpty;
  }
};

bool blank(const std::vector<std::string>& row) { return row.size() == 1 && row[0].empty(); }

}  // namespace

Result<PingData> PingData::parse(std::string_view servers_csv, std::string_view pings_csv,
                                 PingDiagnostic* diag) {
  PingData d;
  if (diag != nullptr) diag->file = PingFile::servers;
  {
    csv::Reader r(servers_csv);
    Header h;
    STAKECAST_TRY_STATUS(
        h.read(r, {"id", "name", "title", "location", "country", "latitude", "longitude"}, diag));
    while (auto row = r.next()) {
      if (blank(*row)) continue;
      PingServer s;
      auto id = parse_id(h.get(*row, "id"));
      if (!id) return fail(diag, r.line(), "bad id");
      auto lat = parse_double(h.get(*row, "latitude"));
      auto lon = parse_double(h.get(*row, "longitude"));
      if (!lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180)
        return fail(diag, r.line(), "bad latitude/longitude");
      s.id = *id;
      s.name = h.get(*row, "name");
      s.title = h.get(*row, "title");
      s.location = h.get(*row, "location");
      s.country = h.get(*row, "country");
      s.latitude = *lat;
      s.longitude = *lon;
      d.servers_.push_back(std::move(s));
    }
    if (!r.ok()) return fail(diag, r.line(), "malformed CSV");
    if (d.servers_.empty()) return fail(diag, 0, "no servers");
    std::sort(d.servers_.begin(), d.servers_.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    for (std::size_t i = 1; i < d.servers_.size(); ++i)
      if (d.servers_[i].id == d.servers_[i - 1].id)
        return fail(diag, 0, "server id " + std::to_string(d.servers_[i].id) + " listed twice");
  }

  struct Row {
    int from, to;
    double ms;
  };
  std::vector<Row> rows;
  int max_id = d.servers_.back().id;
  if (diag != nullptr) diag->file = PingFile::pings;
  {
    csv::Reader r(pings_csv);
    Header h;
    STAKECAST_TRY_STATUS(h.read(r, {"source", "destination", "avg"}, diag));
    while (auto row = r.next()) {
      if (blank(*row)) continue;
      auto from = parse_id(h.get(*row, "source"));
      auto to = parse_id(h.get(*row, "destination"));
      if (!from || !to) return fail(diag, r.line(), "bad source/destination");
      auto avg = parse_double(h.get(*row, "avg"));
      if (!avg || *avg < 0 || *avg > 60'000) return fail(diag, r.line(), "bad avg");
      rows.push_back(Row{*from, *to, *avg});
      max_id = std::max({max_id, *from, *to});
    }
    if (!r.ok()) return fail(diag, r.line(), "malformed CSV");
    if (rows.empty()) return fail(diag, 0, "no ping measurements");
  }

  d.dim_ = static_cast<std::size_t>(max_id) + 1;
  d.server_slot_.assign(d.dim_, -1);
  for (std::size_t i = 0; i < d.servers_.size(); ++i) d.server_slot_[d.servers_[i].id] = static_cast<int>(i);
  std::vector<double> sum(d.dim_ * d.dim_, 0.0);
  std::vector<std::uint32_t> count(d.dim_ * d.dim_, 0);
  for (const auto& row : rows) {
    sum[d.index(row.from, row.to)] += row.ms;
    ++count[d.index(row.from, row.to)];
  }
  d.rtt_.assign(d.dim_ * d.dim_, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < sum.size(); ++i) {
    if (count[i] == 0) continue;
    d.rtt_[i] = sum[i] / count[i];
    ++d.measured_;
  }

  // Least-squares line through (km, rtt) of every measured pair of distinct listed servers.
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& a : d.servers_) {
    for (const auto& b : d.servers_) {
      if (a.id == b.id) continue;
      const double y = d.rtt_[d.index(a.id, b.id)];
      if (std::isnan(y)) continue;
      const double x = haversine_m(a.latitude, a.longitude, b.latitude, b.longitude) / 1000.0;
      n += 1;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
  }
  if (n > 0) {
    // With a single distance (tiny inputs) the slope is undefined: use the mean RTT.
    const double var = n * sxx - sx * sx;
    d.fit_.ms_per_km = var > 0 ? (n * sxy - sx * sy) / var : 0.0;
    d.fit_.intercept_ms = (sy - d.fit_.ms_per_km * sx) / n;
    d.fit_.pairs = static_cast<std::size_t>(n);
  }
  return d;
}

const PingServer* PingData::server(int id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= dim_ || server_slot_[id] < 0) return nullptr;
  return &servers_[static_cast<std::size_t>(server_slot_[id])];
}

std::optional<double> PingData::measured_rtt_ms(int from, int to) const {
  if (from < 0 || to < 0 || static_cast<std::size_t>(from) >= dim_ || static_cast<std::size_t>(to) >= dim_)
    return std::nullopt;
  const double v = rtt_[index(from, to)];
  if (std::isnan(v)) return std::nullopt;
  return v;
}

std::optional<Rtt> PingData::rtt(int from, int to) const {
  if (auto v = measured_rtt_ms(from, to)) return Rtt{*v, RttSource::measured};
  if (auto v = measured_rtt_ms(to, from)) return Rtt{*v, RttSource::reverse};
  const PingServer* a = server(from);
  const PingServer* b = server(to);
  if (a == nullptr || b == nullptr || fit_.pairs == 0) return std::nullopt;
  const double km = haversine_m(a->latitude, a->longitude, b->latitude, b->longitude) / 1000.0;
  // Never below the fit's intercept (the cost of the two end hosts), even for co-located servers.
  return Rtt{std::max(fit_.intercept_ms, 0.0) + std::max(fit_.ms_per_km, 0.0) * km, RttSource::distance};
}

std::optional<int> PingData::nearest_server(double latitude, double longitude) const {
  std::optional<int> best;
  double best_m = std::numeric_limits<double>::infinity();
  for (const auto& s : servers_) {
    const double m = haversine_m(latitude, longitude, s.latitude, s.longitude);
    if (m < best_m) {
      best_m = m;
      best = s.id;
    }
  }
  return best;
}

Result<int> PingData::find_city(std::string_view city) const {
  const std::string want = fold(city);
  if (want.empty()) return SimErrc::unknown_city;
  for (auto field : {&PingServer::title, &PingServer::name, &PingServer::location})
    for (const auto& s : servers_)
      if (fold(s.*field) == want) return s.id;
  return SimErrc::unknown_city;
}

}  // namespace stakecast::sim
