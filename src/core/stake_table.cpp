#include "core/stake_table.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>

#include "core/base58.hpp"
#include "core/csv.hpp"

namespace stakecast {

const char* describe(StakeTableErrc e) {
  switch (e) {
    case StakeTableErrc::empty:
      return "stake table has no validator with stake";
    case StakeTableErrc::bad_header:
      return "stake table is missing a required column";
    case StakeTableErrc::bad_row:
      return "malformed stake table row";
    case StakeTableErrc::duplicate_validator:
      return "validator listed twice";
    case StakeTableErrc::stake_overflow:
      return "total stake overflows 64 bits";
    case StakeTableErrc::too_many:
      return "too many validators";
  }
  return "unknown stake table error";
}

namespace {

Err fail(Diagnostic* d, StakeTableErrc e, std::size_t line, std::string detail) {
  if (d != nullptr) {
    d->line = line;
    d->detail = std::move(detail);
  }
  return Err(e);
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string str(s);
  char* end = nullptr;
  const double v = std::strtod(str.c_str(), &end);
  if (end != str.c_str() + str.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::array<std::uint8_t, 32>> parse_key(std::string_view s) {
  if (s.size() == 64) return array_from_hex<32>(s);
  auto b = base58::decode(s);
  if (!b || b->size() != 32) return std::nullopt;
  std::array<std::uint8_t, 32> k;
  std::memcpy(k.data(), b->data(), 32);
  return k;
}

struct Columns {
  std::map<std::string, std::size_t> at;
  const std::string& get(const std::vector<std::string>& row, const std::string& name) const {
    static const std::string kEmpty;
    auto it = at.find(name);
    return it == at.end() || it->second >= row.size() ? kEmpty : row[it->second];
  }
};

// Reads the header and checks the required columns; then calls row_fn(row, line) for each data row.
template <class RowFn>
Status for_each_row(std::string_view text, std::initializer_list<const char*> required, Diagnostic* diag,
                    Columns& cols, RowFn&& row_fn) {
  csv::Reader r(text);
  auto header = r.next();
  if (!header) return fail(diag, StakeTableErrc::bad_header, 1, "no header row");
  for (std::size_t i = 0; i < header->size(); ++i) cols.at[(*header)[i]] = i;
  for (const char* name : required)
    if (!cols.at.count(name))
      return fail(diag, StakeTableErrc::bad_header, 1, std::string("missing column ") + name);
  while (auto row = r.next()) {
    if (row->size() == 1 && (*row)[0].empty()) continue;  // blank line
    STAKECAST_TRY_STATUS(row_fn(*row, r.line()));
  }
  if (!r.ok()) return fail(diag, StakeTableErrc::bad_row, r.line(), "malformed CSV");
  return {};
}

}  // namespace

Result<StakeTable> StakeTable::from_validators(std::vector<Validator> vs, Diagnostic* diag) {
  std::erase_if(vs, [](const Validator& v) { return v.stake.get() == 0; });
  if (vs.empty()) return fail(diag, StakeTableErrc::empty, 0, "no validator with stake");
  if (vs.size() > kMaxValidators) return fail(diag, StakeTableErrc::too_many, 0, std::to_string(vs.size()));
  std::sort(vs.begin(), vs.end(), [](const Validator& a, const Validator& b) {
    if (a.stake != b.stake) return a.stake > b.stake;
    return a.peer < b.peer;
  });
  StakeTable t;
  for (std::size_t i = 0; i < vs.size(); ++i) {
    if (i > 0 && vs[i].peer == vs[i - 1].peer)
      return fail(diag, StakeTableErrc::duplicate_validator, 0, vs[i].peer.to_string());
    if (t.total_.get() > UINT64_MAX - vs[i].stake.get())
      return fail(diag, StakeTableErrc::stake_overflow, 0, "");
    t.total_ += vs[i].stake;
  }
  // Duplicates with different stakes are not adjacent after the sort; check by peer too.
  std::vector<PeerId> peers;
  for (const auto& v : vs) peers.push_back(v.peer);
  std::sort(peers.begin(), peers.end());
  if (auto it = std::adjacent_find(peers.begin(), peers.end()); it != peers.end())
    return fail(diag, StakeTableErrc::duplicate_validator, 0, it->to_string());
  t.validators_ = std::move(vs);
  return t;
}

std::optional<ValidatorIndex> StakeTable::index_of(const PeerId& peer) const {
  for (std::size_t i = 0; i < validators_.size(); ++i)
    if (validators_[i].peer == peer) return ValidatorIndex{static_cast<std::uint32_t>(i)};
  return std::nullopt;
}

Result<StakeTable> StakeTable::parse_stakecast_csv(std::string_view text, Diagnostic* diag) {
  std::vector<Validator> vs;
  Columns c;
  auto st = for_each_row(text, {"identity_key", "stake", "region", "addrs"}, diag, c,
                         [&](const std::vector<std::string>& row, std::size_t line) -> Status {
                           Validator v;
                           auto key = parse_key(c.get(row, "identity_key"));
                           if (!key) return fail(diag, StakeTableErrc::bad_row, line, "bad identity_key");
                           v.identity_key = *key;
                           v.peer = PeerId::from_ed25519(*key);
                           auto stake = parse_u64(c.get(row, "stake"));
                           if (!stake) return fail(diag, StakeTableErrc::bad_row, line, "bad stake");
                           v.stake = Stake{*stake};
                           v.region = c.get(row, "region");
                           v.name = c.get(row, "name");
                           std::string_view addrs = c.get(row, "addrs");
                           while (!addrs.empty()) {
                             const std::size_t sp = addrs.find(' ');
                             auto one = addrs.substr(0, sp);
                             if (!one.empty()) {
                               auto ma = Multiaddr::parse(one);
                               if (!ma)
                                 return fail(diag, StakeTableErrc::bad_row, line,
                                             "bad multiaddr " + std::string(one));
                               v.addrs.push_back(*ma);
                             }
                             addrs = sp == std::string_view::npos ? std::string_view{} : addrs.substr(sp + 1);
                           }
                           v.latitude = parse_double(c.get(row, "latitude"));
                           v.longitude = parse_double(c.get(row, "longitude"));
                           vs.push_back(std::move(v));
                           return {};
                         });
  if (!st) return Err(st.error());
  return from_validators(std::move(vs), diag);
}

Result<StakeTable> StakeTable::parse_solana_csv(std::string_view text, Diagnostic* diag) {
  std::vector<Validator> vs;
  Columns c;
  auto st = for_each_row(
      text,
      {"identity_pubkey", "active_stake_lamports", "latitude", "longitude", "nearest_wonderproxy_server_id"},
      diag, c, [&](const std::vector<std::string>& row, std::size_t line) -> Status {
        Validator v;
        auto key = parse_key(c.get(row, "identity_pubkey"));
        if (!key) return fail(diag, StakeTableErrc::bad_row, line, "bad identity_pubkey");
        v.identity_key = *key;
        v.peer = PeerId::from_ed25519(*key);
        v.name = c.get(row, "identity_pubkey");
        auto stake = parse_u64(c.get(row, "active_stake_lamports"));
        if (!stake) return fail(diag, StakeTableErrc::bad_row, line, "bad active_stake_lamports");
        v.stake = Stake{*stake};
        v.latitude = parse_double(c.get(row, "latitude"));
        v.longitude = parse_double(c.get(row, "longitude"));
        const std::string& server = c.get(row, "nearest_wonderproxy_server_id");
        if (!server.empty()) {
          auto id = parse_u64(server);
          if (!id || *id > 100000)
            return fail(diag, StakeTableErrc::bad_row, line, "bad nearest_wonderproxy_server_id");
          v.ping_server = static_cast<int>(*id);
        }
        v.region = c.get(row, "nearest_wonderproxy_location");
        vs.push_back(std::move(v));
        return {};
      });
  if (!st) return Err(st.error());
  return from_validators(std::move(vs), diag);
}

Result<StakeTable> StakeTable::parse_sui_csv(std::string_view text, Diagnostic* diag) {
  if (sodium_init() < 0) return fail(diag, StakeTableErrc::bad_row, 0, "libsodium unavailable");
  std::vector<Validator> vs;
  Columns c;
  auto st =
      for_each_row(text, {"name", "stake", "address", "city", "coords"}, diag, c,
                   [&](const std::vector<std::string>& row, std::size_t line) -> Status {
                     Validator v;
                     v.name = c.get(row, "name");
                     if (v.name.empty()) return fail(diag, StakeTableErrc::bad_row, line, "empty name");
                     const std::string seed_text = "stakecast-sui-validator:" + v.name;
                     std::array<std::uint8_t, 32> seed, sk[2];
                     crypto_hash_sha256(seed.data(), reinterpret_cast<const unsigned char*>(seed_text.data()),
                                        seed_text.size());
                     crypto_sign_seed_keypair(v.identity_key.data(), sk[0].data(), seed.data());
                     sodium_memzero(sk, sizeof sk);
                     v.peer = PeerId::from_ed25519(v.identity_key);
                     auto sui = parse_double(c.get(row, "stake"));
                     if (!sui || *sui < 0 || *sui > 1.8e10)
                       return fail(diag, StakeTableErrc::bad_row, line, "bad stake");
                     v.stake = Stake{static_cast<std::uint64_t>(std::llround(*sui * 1e9))};
                     v.region = c.get(row, "city");
                     std::string addr = c.get(row, "address");
                     if (addr.ends_with("/http")) addr.resize(addr.size() - 5);  // not a libp2p protocol
                     if (auto ma = Multiaddr::parse(addr)) v.addrs.push_back(*ma);
                     const std::string& coords = c.get(row, "coords");
                     if (auto comma = coords.find(','); comma != std::string::npos) {
                       v.latitude = parse_double(std::string_view(coords).substr(0, comma));
                       v.longitude = parse_double(std::string_view(coords).substr(comma + 1));
                     }
                     vs.push_back(std::move(v));
                     return {};
                   });
  if (!st) return Err(st.error());
  return from_validators(std::move(vs), diag);
}

std::string StakeTable::to_stakecast_csv() const {
  std::string out = "identity_key,stake,region,addrs,name,latitude,longitude\n";
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
  };
  for (const auto& v : validators_) {
    std::string addrs;
    for (const auto& a : v.addrs) addrs += (addrs.empty() ? "" : " ") + a.to_string();
    out += to_hex(v.identity_key) + "," + std::to_string(v.stake.get()) + "," + quote(v.region) + "," +
           addrs + "," + quote(v.name) + "," + (v.latitude ? std::to_string(*v.latitude) : "") + "," +
           (v.longitude ? std::to_string(*v.longitude) : "") + "\n";
  }
  return out;
}

}  // namespace stakecast
