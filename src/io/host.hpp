// The Asio shell around a node::Node (ARCHITECTURE.md 2): real TCP sockets, one io_context, C++20
// coroutines. It owns no protocol logic: it feeds socket bytes to the Node, writes what the Node's
// poll_transmit yields when the socket can take it, drives next_deadline(), and hands every Node event to
// the application's handler. TCP_NODELAY and TCP_NOTSENT_LOWAT keep the kernel's send queue short so the
// node decides what goes next. Single-threaded: the handler runs on the io_context thread.
#pragma once

#include <asio.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>

#include "core/multiaddr.hpp"
#include "core/rng.hpp"
#include "node/node.hpp"

namespace stakecast::io {

struct HostConfig {
  node::Config node;
  Duration dial_timeout = 10s;
  int notsent_lowat = 64 * 1024;  // bytes the kernel may hold unsent per socket
};

class Host {
 public:
  using EventHandler = std::function<void(const node::Event&)>;

  Host(const crypto::Ed25519Keypair& identity, HostConfig config);
  ~Host();

  asio::io_context& context() { return ctx_; }
  node::Node& node() { return node_; }
  TimePoint now() const;

  void on_event(EventHandler handler) { handler_ = std::move(handler); }
  // Called after bytes went out on a socket: send buffers have room again (for writers with backlogs).
  void on_writable(std::function<void()> fn) { writable_ = std::move(fn); }
  // Binds a TCP listener; returns the bound address (with the real port) or an error message.
  Result<Multiaddr> listen(const Multiaddr& addr);
  const std::vector<Multiaddr>& listen_addrs() const { return listen_addrs_; }
  // Connects; the outcome arrives as ConnectionEstablished / ConnectionClosed, or through on_dial_error.
  void dial(const Multiaddr& addr, std::function<void(std::string)> on_dial_error);
  // Call after acting on the node from the handler or a timer: a parked writer's bytes go out at once
  // (one non-blocking send; the rest is left to its write loop), other writers wake, the deadline re-arms.
  void kick();
  void stop() { ctx_.stop(); }

 private:
  struct Conn {
    asio::ip::tcp::socket socket;
    asio::steady_timer wake;
    Bytes out;  // a fixed-size buffer for Node::poll_transmit: out[sent, len) is still to go
    std::size_t len = 0;
    std::size_t sent = 0;
    bool writer_idle = false;  // write_loop is parked on `wake` with nothing pending
    explicit Conn(asio::io_context& ctx) : socket(ctx), wake(ctx) {
      wake.expires_at(asio::steady_timer::time_point::max());
    }
  };

  asio::awaitable<void> accept_loop(std::shared_ptr<asio::ip::tcp::acceptor> acceptor);
  asio::awaitable<void> dial_one(Multiaddr addr, std::function<void(std::string)> on_error);
  void start(ConnId id, std::shared_ptr<Conn> conn);
  asio::awaitable<void> read_loop(ConnId id, std::shared_ptr<Conn> conn);
  asio::awaitable<void> write_loop(ConnId id, std::shared_ptr<Conn> conn);
  asio::awaitable<void> deadline_loop();
  void tune(asio::ip::tcp::socket& s);
  bool flush_now(ConnId id, Conn& c);
  void dispatch();

  asio::io_context ctx_;
  HostConfig config_;
  SystemEntropy entropy_;
  node::Node node_;
  EventHandler handler_;
  std::function<void()> writable_;
  std::map<std::uint64_t, std::shared_ptr<Conn>> conns_;
  std::vector<Multiaddr> listen_addrs_;
  asio::steady_timer deadline_timer_;
  TimePoint armed_deadline_ = TimePoint::max();  // what deadline_timer_ waits for
  std::chrono::steady_clock::time_point epoch_;
  bool dispatching_ = false;
  bool writable_posted_ = false;
};

}  // namespace stakecast::io
