#include "io/host.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "core/log.hpp"

namespace stakecast::io {

using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {
// PERF: room for several 65537-byte Noise frames per system call, so frames are rarely split across reads.
constexpr std::size_t kIoBuffer = 256 * 1024;
}  // namespace

Host::Host(const crypto::Ed25519Keypair& identity, HostConfig config)
    : config_(std::move(config)),
      node_(identity, config_.node, entropy_),
      deadline_timer_(ctx_),
      epoch_(std::chrono::steady_clock::now()) {
  asio::co_spawn(ctx_, deadline_loop(), asio::detached);
}

Host::~Host() = default;

TimePoint Host::now() const {
  return TimePoint::from_ns(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - epoch_)
          .count());
}

void Host::tune(tcp::socket& s) {
  asio::error_code ec;
  s.set_option(tcp::no_delay(true), ec);
  s.non_blocking(true, ec);  // flush_now's write_some must never block the loop
  const int lowat = config_.notsent_lowat;
  ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof lowat);
}

Result<Multiaddr> Host::listen(const Multiaddr& addr) {
  auto ep = addr.tcp_endpoint();
  if (!ep || (ep->host_proto != Proto::ip4 && ep->host_proto != Proto::ip6)) return MultiaddrErrc::bad_value;
  asio::error_code ec;
  auto ip = asio::ip::make_address(ep->host, ec);
  if (ec) return MultiaddrErrc::bad_value;
  auto acceptor = std::make_shared<tcp::acceptor>(ctx_);
  acceptor->open(ip.is_v4() ? tcp::v4() : tcp::v6(), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(tcp::endpoint(ip, ep->port), ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Err(ec);
  auto bound = acceptor->local_endpoint(ec);
  auto ma = Multiaddr::from_ip_tcp(bound.address().to_string(), bound.port());
  if (!ma) return Err(ma.error());
  listen_addrs_.push_back(*ma);
  node_.set_listen_addrs(listen_addrs_);
  asio::co_spawn(ctx_, accept_loop(acceptor), asio::detached);
  return *ma;
}

awaitable<void> Host::accept_loop(std::shared_ptr<tcp::acceptor> acceptor) {
  for (;;) {
    asio::error_code ec;
    tcp::socket s = co_await acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) {
      log::warn("accept failed: {}", ec.message());
      continue;
    }
    tune(s);
    auto remote = s.remote_endpoint(ec);
    auto ma = Multiaddr::from_ip_tcp(remote.address().to_string(), remote.port());
    auto id = node_.add_connection(node::Direction::inbound, ma ? *ma : Multiaddr{}, std::nullopt, now());
    if (!id) {
      log::warn("refusing inbound connection: {}", id.error().message());
      continue;  // the socket closes when it goes out of scope
    }
    auto conn = std::make_shared<Conn>(ctx_);
    conn->socket = std::move(s);
    start(*id, conn);
  }
}

void Host::dial(const Multiaddr& addr, std::function<void(std::string)> on_error) {
  asio::co_spawn(ctx_, dial_one(addr, std::move(on_error)), asio::detached);
}

awaitable<void> Host::dial_one(Multiaddr addr, std::function<void(std::string)> on_error) {
  auto ep = addr.tcp_endpoint();
  if (!ep) {
    on_error("cannot dial " + addr.to_string() + ": not a TCP address");
    co_return;
  }
  asio::error_code ec;
  std::vector<tcp::endpoint> endpoints;
  if (ep->host_proto == Proto::ip4 || ep->host_proto == Proto::ip6) {
    // PERF: IP literals skip the resolver (asio resolves on a helper thread: milliseconds per dial).
    endpoints.emplace_back(asio::ip::make_address(ep->host, ec), ep->port);
  } else {
    tcp::resolver resolver(ctx_);
    auto results = co_await resolver.async_resolve(ep->host, std::to_string(ep->port),
                                                   asio::redirect_error(use_awaitable, ec));
    for (const auto& r : results) endpoints.push_back(r.endpoint());
  }
  if (ec || endpoints.empty()) {
    on_error("cannot resolve " + ep->host + ": " + (ec ? ec.message() : "no address"));
    co_return;
  }
  auto conn = std::make_shared<Conn>(ctx_);
  asio::steady_timer timeout(ctx_, std::chrono::nanoseconds(config_.dial_timeout.count()));
  timeout.async_wait([conn](asio::error_code e) {
    if (!e) conn->socket.close();
  });
  co_await asio::async_connect(conn->socket, endpoints, asio::redirect_error(use_awaitable, ec));
  timeout.cancel();
  if (ec) {
    on_error("cannot connect to " + addr.to_string() + ": " +
             (ec == asio::error::operation_aborted ? "timed out" : ec.message()));
    co_return;
  }
  tune(conn->socket);
  auto id = node_.add_connection(node::Direction::outbound, addr.without_peer_id(), addr.peer_id(), now());
  if (!id) {
    on_error(id.error().message());
    co_return;
  }
  start(*id, conn);
}

void Host::start(ConnId id, std::shared_ptr<Conn> conn) {
  conn->out.resize(kIoBuffer);
  conns_[id.get()] = conn;
  asio::co_spawn(ctx_, read_loop(id, conn), asio::detached);
  asio::co_spawn(ctx_, write_loop(id, conn), asio::detached);
}

awaitable<void> Host::read_loop(ConnId id, std::shared_ptr<Conn> conn) {
  std::vector<std::uint8_t> buf(kIoBuffer);
  for (;;) {
    asio::error_code ec;
    std::size_t n =
        co_await conn->socket.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      node_.on_transport_closed(id, ec == asio::error::eof ? "remote closed the connection" : ec.message());
      break;
    }
    (void)node_.on_bytes(id, BytesView(buf.data(), n), now());  // failures close the connection
    dispatch();
    if (node_.is_closed(id)) break;
  }
  dispatch();
}

awaitable<void> Host::write_loop(ConnId id, std::shared_ptr<Conn> conn) {
  Conn& c = *conn;
  for (;;) {
    if (c.sent == c.len) {
      c.len = node_.poll_transmit(id, c.out);
      c.sent = 0;
    }
    if (c.len == 0) {
      if (node_.is_closed(id)) break;
      asio::error_code ec;
      c.writer_idle = true;
      co_await c.wake.async_wait(asio::redirect_error(use_awaitable, ec));
      c.writer_idle = false;
      continue;
    }
    asio::error_code ec;
    co_await asio::async_write(c.socket, asio::buffer(c.out.data() + c.sent, c.len - c.sent),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) {
      node_.on_transport_closed(id, ec.message());
      dispatch();
      break;
    }
    c.sent = c.len;
    if (writable_) {
      writable_();
      dispatch();
    }
  }
  asio::error_code ignored;
  c.socket.shutdown(tcp::socket::shutdown_both, ignored);
  c.socket.close(ignored);
  conns_.erase(id.get());
  node_.remove(id);
}

// PERF: a parked writer's bytes go out right here, one non-blocking send, instead of resuming write_loop
// through the scheduler (a handler round trip and an extra epoll_wait per message). What the socket does
// not take, and any error, is left to write_loop. Returns true when it sent everything the node had.
bool Host::flush_now(ConnId id, Conn& c) {
  c.len = node_.poll_transmit(id, c.out);
  asio::error_code ec;
  c.sent = c.socket.write_some(asio::buffer(c.out.data(), c.len), ec);
  if (ec) c.sent = 0;  // would_block or a failure: write_loop retries and reports
  return c.sent == c.len && !node_.wants_transmit(id);
}

awaitable<void> Host::deadline_loop() {
  for (;;) {
    const TimePoint next = node_.next_deadline();
    armed_deadline_ = next;
    if (next == TimePoint::max()) {
      deadline_timer_.expires_at(asio::steady_timer::time_point::max());
    } else {
      deadline_timer_.expires_at(epoch_ + std::chrono::nanoseconds(next.ns));
    }
    asio::error_code ec;
    co_await deadline_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!ec) {
      node_.on_deadline(now());
      dispatch();
    }
  }
}

void Host::dispatch() {
  if (dispatching_) return;  // the handler's own actions are picked up by this loop
  dispatching_ = true;
  while (auto e = node_.poll_event()) {
    if (handler_) handler_(*e);
  }
  dispatching_ = false;
  kick();
}

void Host::kick() {
  // PERF: only writers with something to send (or to notice) and a timer that must fire sooner wake up.
  bool flushed = false;
  for (auto& [id, c] : conns_) {
    const ConnId conn{id};
    if (!node_.wants_transmit(conn) && !node_.is_closed(conn)) continue;
    if (c->writer_idle && !node_.is_closed(conn) && flush_now(conn, *c)) {
      flushed = true;
      continue;
    }
    c->writer_idle = false;  // resuming: no flush_now until write_loop has sent what is pending
    c->wake.cancel();
  }
  if (flushed && writable_ && !writable_posted_) {
    // Writers with backlogs hear about the room after the bytes left, never from inside kick().
    writable_posted_ = true;
    asio::post(ctx_, [this] {
      writable_posted_ = false;
      if (writable_) writable_();
      dispatch();
    });
  }
  if (node_.next_deadline() < armed_deadline_) deadline_timer_.cancel();
}

}  // namespace stakecast::io
