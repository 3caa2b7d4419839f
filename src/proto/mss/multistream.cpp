#include "proto/mss/multistream.hpp"

#include <algorithm>
#include <cstring>

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
  }
  return "unknown multistream error";
}

namespace {
// A line must end in '\n' and hold printable ASCII/UTF-8 bytes only.
std::optional<std::string_view> line_text(BytesView frame) {
  if (frame.empty() || frame.back() != '\n') return std::nullopt;
  auto text = as_chars(frame.first(frame.size() - 1));
  if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    return std::nullopt;
  return text;
}
}  // namespace

Bytes Negotiation::take_remaining() { return std::exchange(remaining_, {}); }

void Negotiation::send_line(std::string_view line) {
  Bytes body(line.begin(), line.end());
  body.push_back('\n');
  codec::append_frame(out_.buffer(), body);
}

Status Negotiation::fail(Errc e) {
  error_ = make_error_code(e);
  return e;
}

template <class F>
Status Negotiation::feed(BytesView in, F&& on_line) {
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
    if (failed()) return Err(error_);
    if (done()) {
      append(remaining_, in);
      return {};
    }
  }
  return {};
}

Dialer::Dialer(std::vector<std::string> proposals, const Config& config)
    : Negotiation(config), proposals_(std::move(proposals)) {
  send_line(kProtocolId);
  if (proposals_.empty()) {
    (void)fail(Errc::no_common_protocol);
    return;
  }
  send_line(proposals_[0]);
}

Status Dialer::on_bytes(BytesView in) {
  return feed(in, [this](const std::string& line) -> Status {
    if (line == proposals_[current_]) {
      protocol_ = line;
      return {};
    }
    if (line != "na") return fail(Errc::bad_message);
    if (++current_ == proposals_.size()) return fail(Errc::no_common_protocol);
    send_line(proposals_[current_]);
    return {};
  });
}

Listener::Listener(std::vector<std::string> supported, const Config& config)
    : Negotiation(config), supported_(std::move(supported)) {
  send_line(kProtocolId);
}

Status Listener::on_bytes(BytesView in) {
  return feed(in, [this](const std::string& line) -> Status {
    if (++attempts_ > config_.max_attempts) return fail(Errc::too_many_attempts);
    if (std::find(supported_.begin(), supported_.end(), line) != supported_.end()) {
      send_line(line);
      protocol_ = line;
      return {};
    }
    send_line("na");  // also the answer to "ls", which we do not list
    return {};
  });
}

}  // namespace stakecast::mss
