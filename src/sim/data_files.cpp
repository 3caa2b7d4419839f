#include "sim/data_files.hpp"

#include <fstream>
#include <sstream>

#include "sim/runner.hpp"  // SimErrc

namespace stakecast::sim {

std::string LoadError::message() const {
  std::string m = file;
  if (line != 0) m += ":" + std::to_string(line);
  m += ": " + (code ? code.message() : std::string("error"));
  if (!detail.empty()) m += ": " + detail;
  return m;
}

std::optional<StakeFormat> stake_format_from_name(std::string_view name) {
  if (name == "stakecast") return StakeFormat::stakecast;
  if (name == "solana") return StakeFormat::solana;
  if (name == "sui") return StakeFormat::sui;
  return std::nullopt;
}

StakeFormat guess_stake_format(std::string_view path) {
  const auto slash = path.find_last_of('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (base.find("solana") != std::string_view::npos) return StakeFormat::solana;
  if (base.find("sui") != std::string_view::npos) return StakeFormat::sui;
  return StakeFormat::stakecast;
}

namespace {
Err fail(LoadError* err, const std::string& file, std::size_t line, std::string detail,
         std::error_code code) {
  if (err != nullptr) *err = LoadError{file, line, std::move(detail), code};
  return Err(code);
}
}  // namespace

Result<std::string> read_text_file(const std::string& path, LoadError* err) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return fail(err, path, 0, "cannot open", make_error_code(SimErrc::io_error));
  f.seekg(0, std::ios::end);
  const auto size = f.tellg();
  if (size < 0) return fail(err, path, 0, "cannot read", make_error_code(SimErrc::io_error));
  if (static_cast<std::size_t>(size) > kMaxDataFileBytes)
    return fail(err, path, 0, "larger than " + std::to_string(kMaxDataFileBytes) + " bytes",
                make_error_code(SimErrc::io_error));
  f.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!f.read(text.data(), size))
    return fail(err, path, 0, "cannot read", make_error_code(SimErrc::io_error));
  return text;
}

Result<StakeTable> load_stake_table(const std::string& path, StakeFormat format, LoadError* err) {
  STAKECAST_TRY(std::string text, read_text_file(path, err));
  Diagnostic d;
  auto t = format == StakeFormat::solana ? StakeTable::parse_solana_csv(text, &d)
           : format == StakeFormat::sui  ? StakeTable::parse_sui_csv(text, &d)
                                         : StakeTable::parse_stakecast_csv(text, &d);
  if (!t) return fail(err, path, d.line, d.detail, t.error());
  return t;
}

Result<PingData> load_ping_data(const std::string& servers_path, const std::string& pings_path,
                                LoadError* err) {
  STAKECAST_TRY(std::string servers, read_text_file(servers_path, err));
  STAKECAST_TRY(std::string pings, read_text_file(pings_path, err));
  PingDiagnostic d;
  auto p = PingData::parse(servers, pings, &d);
  if (!p)
    return fail(err, d.file == PingFile::servers ? servers_path : pings_path, d.line, d.detail, p.error());
  return p;
}

}  // namespace stakecast::sim
