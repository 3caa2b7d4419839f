#include "proto/mss/multistream.hpp"

#include <algorithm>

namespace stakecast::mss {

const char* describe(Errc e) {
  switch (e) {
    case Errc::bad_header:
      return "peer does not speak /multistream/1.0.0";
    case Errc::bad_message:
      return "malformed multistream message";
    case Errc::no_common_protocol:
      return "no protocol in common";
    case Errc::too_many_attempts:
      return "too many protocol proposals";
    case Errc::bad_framing:
      return "bad multistream length prefix";
    case Errc::timeout:
      return "multistream negotiation timed out";
  }
  return "unknown multistream error";
}

namespace {
// A line must end in '\n' and hold no control characters (protocol ids are printable UTF-8).
std::optional<std::string_view> line_text(BytesView frame) {
  if (frame.empty() || frame.back() != '\n') return std::nullopt;
  auto text = as_chars(frame.first(frame.size() - 1));
  if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    return std::nullopt;
  return text;
}
}  // namespace

Negotiation::Negotiation(Role role, std::vector<std::string> protocols, TimePoint now, const Config& config)
    : role_(role),
      protocols_(std::move(protocols)),
      config_(config),
      deadline_(now + config.timeout),
      reader_(config.max_line + 1) {
  send_line(kProtocolId);
  if (role_ == Role::dialer) {
    if (protocols_.empty()) {
      (void)fail(Errc::no_common_protocol);
      return;
    }
    send_line(protocols_[0]);
  }
}

void Negotiation::send_line(std::string_view line) {
  Bytes body(line.begin(), line.end());
  body.push_back('\n');
  codec::append_frame(out_.buffer(), body);
}

Status Negotiation::fail(Errc e) {
  if (!error_) error_ = make_error_code(e);
  return Err(error_);
}

void Negotiation::agree(const std::string& protocol) {
  protocol_ = protocol;
  event_ = Event{Event::Kind::negotiated, protocol};
}

Status Negotiation::on_line(const std::string& line) {
  if (role_ == Role::dialer) {
    if (line == protocols_[current_]) {
      agree(line);
      return {};
    }
    if (line != "na") return fail(Errc::bad_message);
    if (++current_ == protocols_.size()) return fail(Errc::no_common_protocol);
    send_line(protocols_[current_]);
    return {};
  }
  if (++attempts_ > config_.max_attempts) return fail(Errc::too_many_attempts);
  if (std::find(protocols_.begin(), protocols_.end(), line) != protocols_.end()) {
    send_line(line);
    agree(line);
    return {};
  }
  send_line("na");  // also the answer to "ls", which we do not list
  return {};
}

Status Negotiation::on_bytes(BytesView in, TimePoint /*now*/) {
  if (failed()) return Err(error_);
  if (done()) {
    append(remaining_, in);
    return {};
  }
  while (!in.empty()) {
    auto used = reader_.feed(in);
    if (!used) return fail(Errc::bad_framing);
    in = in.subspan(*used);
    auto frame = reader_.frame();
    if (!frame) continue;
    auto text = line_text(*frame);
    if (!text) return fail(Errc::bad_message);
    std::string line(*text);
    reader_.next();
    if (!header_seen_) {
      if (line != kProtocolId) return fail(Errc::bad_header);
      header_seen_ = true;
      continue;
    }
    STAKECAST_TRY_STATUS(on_line(line));
    if (done()) {
      append(remaining_, in);
      return {};
    }
  }
  return {};
}

Status Negotiation::on_deadline(TimePoint now) {
  if (failed()) return Err(error_);
  if (!done() && now >= deadline_) return fail(Errc::timeout);
  return {};
}

}  // namespace stakecast::mss
