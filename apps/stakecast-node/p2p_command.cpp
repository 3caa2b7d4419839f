#include "p2p_command.hpp"

#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <set>

#include <fstream>
#include <iterator>

#include "crypto/sha256.hpp"
#include "io/host.hpp"
#include "node/gossipsub_service.hpp"

namespace stakecast::apps {

void add_p2p_options(CLI::App& cmd, P2pOptions& o) {
  cmd.add_option("--listen", o.listen, "listen multiaddr (repeatable)")->capture_default_str();
  cmd.add_option("--key", o.key, "Ed25519 seed, 64 hex characters (random if absent)");
  cmd.add_option("--dial", o.dial, "multiaddr to dial (repeatable)");
  cmd.add_option("--ping", o.ping, "multiaddr to ping");
  cmd.add_option("--ping-count", o.ping_count, "pings to send")->check(CLI::Range(1, 100000));
  cmd.add_option("--echo-protocol", o.echo_protocols, "serve: echo every byte back (repeatable)");
  cmd.add_option("--echo-to", o.echo_to, "open a stream on the first echo protocol and check the echo");
  cmd.add_option("--echo-size", o.echo_size, "bytes to send with --echo-to")->check(CLI::Range(0, 1 << 30));
  cmd.add_option("--echo-streams", o.echo_streams, "concurrent echo streams")->check(CLI::Range(1, 1024));
  cmd.add_option("--sink-protocol", o.sink_protocols, "serve: read to EOF, report length and SHA-256");
  cmd.add_option("--topic", o.topics, "gossipsub: subscribe to this topic (repeatable)");
  cmd.add_option("--publish", o.publish, "gossipsub: publish this text (or @file) on the first --topic");
  cmd.add_option("--count", o.publish_count, "messages to publish")->check(CLI::Range(1, 1000000));
  cmd.add_option("--interval", o.publish_interval_ms, "milliseconds between messages")
      ->check(CLI::Range(0, 3600000));
  cmd.add_option("--publish-size", o.publish_size, "message size: the text repeated to this many bytes")
      ->check(CLI::Range(0, 4 << 20));
  cmd.add_option("--min-mesh", o.min_mesh, "publish once the topic mesh has this many peers")
      ->check(CLI::Range(0, 1000));
  cmd.add_option("--min-topic-peers", o.min_topic_peers, "... and this many connected peers on the topic")
      ->check(CLI::Range(0, 1000));
  cmd.add_option("--mesh-timeout", o.mesh_timeout_ms, "... or after this many milliseconds")
      ->check(CLI::Range(0, 3600000));
  cmd.add_option("--expect-messages", o.expect_messages, "with --exit-when-done: wait for this many messages")
      ->check(CLI::Range(0, 100000000));
  cmd.add_option("--ip-whitelist", o.ip_whitelist, "addresses exempt from the IP-colocation score");
  cmd.add_flag("--gossip-stats", o.gossip_stats, "print the gossipsub router's counters when exiting");
  cmd.add_option("--duration", o.duration, "run at most this many seconds");
  cmd.add_flag("--exit-when-done", o.exit_when_done, "exit once everything asked for has completed");
}

namespace {

using nlohmann::json;

void print(const char* type, json body) {
  body["type"] = type;
  std::cout << body.dump() << "\n" << std::flush;
}

struct EchoClient {
  PeerId peer;
  Bytes data;
  std::size_t written = 0;
  Bytes received;
  bool done = false;
};
struct StreamKey {
  std::uint64_t conn;
  std::uint32_t stream;
  auto operator<=>(const StreamKey&) const = default;
};
struct EchoServer {
  Bytes backlog;
  bool remote_closed = false;
};
struct Sink {
  PeerId peer;
  crypto::Sha256 hash;
  std::size_t bytes = 0;
};

class App {
 public:
  App(const P2pOptions& o, io::Host& host, gossipsub::Config gcfg)
      : o_(o),
        host_(host),
        node_(host.node()),
        router_(node_.peer_id(), node_.identity(), std::move(gcfg), entropy_, host.now()),
        gossip_(node_, router_),
        tick_(host.context()) {}

  Status start() {
    for (const auto& p : o_.echo_protocols) node_.register_protocol(p);
    for (const auto& p : o_.sink_protocols) node_.register_protocol(p);
    host_.on_event([this](const node::Event& e) { on_event(e); });
    host_.on_writable([this] {
      pump_writes();
      gossip_.flush();
    });
    json addrs = json::array();
    for (const auto& l : o_.listen) {
      auto ma = Multiaddr::parse(l);
      if (!ma) return fail("bad --listen " + l + ": " + ma.error().message());
      auto bound = host_.listen(*ma);
      if (!bound) return fail("cannot listen on " + l + ": " + bound.error().message());
      addrs.push_back(bound->with_peer_id(node_.peer_id()).to_string());
    }
    print("listening", {{"peerId", node_.peer_id().to_string()}, {"addrs", addrs}});
    if (auto st = start_gossip(); !st) return st;
    std::set<std::string> targets(o_.dial.begin(), o_.dial.end());
    if (!o_.ping.empty()) {
      targets.insert(o_.ping);
      pings_left_ = o_.ping_count;
    }
    if (!o_.echo_to.empty()) {
      if (o_.echo_protocols.empty()) return fail("--echo-to needs an --echo-protocol");
      targets.insert(o_.echo_to);
      echo_pending_ = o_.echo_streams;
    }
    for (const auto& t : targets) {
      auto ma = Multiaddr::parse(t);
      if (!ma) return fail("bad multiaddr " + t + ": " + ma.error().message());
      dials_[ma->without_peer_id().to_string()] = t;
      ++dials_pending_;
      host_.dial(*ma, [this](std::string what) {
        --dials_pending_;
        (void)fail(std::move(what));
        check_done();
      });
    }
    check_done();
    return {};
  }

  bool failed() const { return failed_; }
  bool done() const {
    // After the last publish, linger a second so the frames leave and IWANTs can still be answered.
    const bool published = publishes_left_ == 0 && (!publishing_ || host_.now() - last_publish_ >= 1s);
    return dials_pending_ == 0 && pings_left_ == 0 && echo_pending_ == 0 && published &&
           received_ >= o_.expect_messages;
  }
  void print_stats() const {
    if (!o_.gossip_stats) return;
    const auto& m = router_.metrics();
    print("gossip_stats", {{"messages_received", m.messages_received},
                           {"messages_duplicate", m.messages_duplicate},
                           {"messages_invalid", m.messages_invalid},
                           {"messages_delivered", m.messages_delivered},
                           {"messages_published", m.messages_published},
                           {"idontwant_sent", m.idontwant_sent},
                           {"idontwant_received", m.idontwant_received},
                           {"forwards_skipped_idontwant", m.forwards_skipped_idontwant},
                           {"ihave_sent", m.ihave_sent},
                           {"iwant_sent", m.iwant_sent},
                           {"iwant_answered", m.iwant_answered},
                           {"grafts_sent", m.grafts_sent},
                           {"prunes_sent", m.prunes_sent},
                           {"broken_promises", m.broken_promises},
                           {"bytes_sent", gossip_.metrics().bytes_sent},
                           {"rpc_errors", gossip_.metrics().rpc_errors}});
  }

 private:
  Status fail(std::string what) {
    failed_ = true;
    print("error", {{"what", what}});
    return Err(std::make_error_code(std::errc::invalid_argument));
  }

  void check_done() {
    if (o_.exit_when_done && (done() || failed_)) host_.stop();
  }

  void on_event(const node::Event& e) {
    const TimePoint now = host_.now();
    gossip_.on_event(e, now);
    drain_gossip(now);
    if (auto* c = std::get_if<node::ConnectionEstablished>(&e)) {
      print("connected", {{"peer", c->peer.to_string()},
                          {"addr", c->addr.to_string()},
                          {"direction", c->direction == node::Direction::inbound ? "inbound" : "outbound"}});
      if (c->direction == node::Direction::outbound) {
        auto it = dials_.find(c->addr.to_string());
        if (it != dials_.end()) {
          --dials_pending_;
          if (it->second == o_.ping && pings_left_ > 0) (void)node_.ping(c->conn, now);
          // Echo streams start once identify completed: js-libp2p aborts a connection on which more than
          // 10 streams arrive before it has finished setting the connection up.
          if (it->second == o_.echo_to) echo_conn_ = c->conn;
          dials_.erase(it);
        }
      }
    } else if (auto* cc = std::get_if<node::ConnectionClosed>(&e)) {
      if (cc->peer) {
        print("disconnected", {{"peer", cc->peer->to_string()}, {"reason", cc->reason}});
      } else if (cc->direction == node::Direction::outbound) {
        --dials_pending_;
        (void)fail("connection failed: " + cc->reason);
      } else {
        std::cerr << "inbound connection failed: " << cc->reason << "\n";
      }
    } else if (auto* i = std::get_if<node::IdentifyReceived>(&e)) {
      if (echo_conn_ == i->conn) {
        echo_conn_.reset();
        start_echo(i->conn, i->info.peer);
      }
      json addrs = json::array();
      for (const auto& a : i->info.listen_addrs) addrs.push_back(a.to_string());
      print("identify", {{"peer", i->info.peer.to_string()},
                         {"protocols", i->info.protocols},
                         {"agentVersion", i->info.agent_version},
                         {"listenAddrs", addrs}});
    } else if (auto* p = std::get_if<node::PingResult>(&e)) {
      const auto peer = node_.peer_of(p->conn);
      if (!p->ok) {
        (void)fail("ping answer did not match");
      } else {
        print("ping", {{"peer", peer ? peer->to_string() : ""}, {"rtt_ms", to_ms(p->rtt)}});
      }
      if (pings_left_ > 0 && --pings_left_ > 0) (void)node_.ping(p->conn, now);
    } else if (auto* s = std::get_if<node::StreamOpened>(&e)) {
      const StreamKey k{s->conn.get(), s->stream.get()};
      if (s->inbound && is_one_of(s->protocol, o_.echo_protocols)) echo_servers_[k] = {};
      if (s->inbound && is_one_of(s->protocol, o_.sink_protocols))
        sinks_.try_emplace(k).first->second.peer = *node_.peer_of(s->conn);  // holds a hasher: built in place
    } else if (auto* f = std::get_if<node::StreamFailed>(&e)) {
      if (echo_clients_.erase({f->conn.get(), f->stream.get()})) {
        --echo_pending_;
        (void)fail("echo stream refused: " + f->reason);
      }
    } else if (auto* r = std::get_if<node::StreamReadable>(&e)) {
      on_readable({r->conn.get(), r->stream.get()}, now);
    } else if (auto* rc = std::get_if<node::StreamRemoteClosed>(&e)) {
      on_remote_closed({rc->conn.get(), rc->stream.get()}, now);
    } else if (auto* rs = std::get_if<node::StreamReset>(&e)) {
      const StreamKey k{rs->conn.get(), rs->stream.get()};
      echo_servers_.erase(k);
      sinks_.erase(k);
      if (echo_clients_.erase(k)) {
        --echo_pending_;
        (void)fail("echo stream reset by the peer");
      }
    }
    pump_writes();
    check_done();
  }

  static bool is_one_of(const std::string& p, const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), p) != list.end();
  }

  void start_echo(ConnId conn, const PeerId& peer) {
    SystemEntropy entropy;
    for (int i = 0; i < o_.echo_streams; ++i) {
      auto sid = node_.open_stream(conn, {o_.echo_protocols[0]});
      if (!sid) {
        --echo_pending_;
        (void)fail("cannot open echo stream: " + sid.error().message());
        continue;
      }
      EchoClient c;
      c.peer = peer;
      c.data.resize(o_.echo_size);
      entropy.fill(c.data);
      echo_clients_.emplace(StreamKey{conn.get(), sid->get()}, std::move(c));
    }
  }

  // Tops up every writer with a backlog; called after events and whenever a socket drained.
  void pump_writes() {
    for (auto& [k, c] : echo_clients_) {
      if (c.written == c.data.size()) continue;
      auto n = node_.write(ConnId{k.conn}, StreamId{k.stream}, BytesView(c.data).subspan(c.written));
      if (!n) continue;  // not negotiated yet
      c.written += *n;
      if (c.written == c.data.size()) (void)node_.close_write(ConnId{k.conn}, StreamId{k.stream});
    }
    const TimePoint now = host_.now();
    for (auto it = echo_servers_.begin(); it != echo_servers_.end();) {
      EchoServer& s = it->second;
      const ConnId conn{it->first.conn};
      const StreamId sid{it->first.stream};
      if (!s.backlog.empty()) {
        auto n = node_.write(conn, sid, s.backlog);
        if (n) s.backlog.erase(s.backlog.begin(), s.backlog.begin() + static_cast<std::ptrdiff_t>(*n));
      }
      if (s.backlog.size() < (1u << 20)) read_into_backlog(it->first, s, now);
      if (s.backlog.empty() && s.remote_closed) {
        (void)node_.close_write(conn, sid);
        it = echo_servers_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void read_into_backlog(const StreamKey& k, EchoServer& s, TimePoint now) {
    Bytes buf(64 * 1024);
    while (s.backlog.size() < (1u << 20)) {
      const std::size_t n = node_.read(ConnId{k.conn}, StreamId{k.stream}, buf, now);
      if (n == 0) break;
      append(s.backlog, BytesView(buf).first(n));
    }
  }

  void on_readable(const StreamKey& k, TimePoint now) {
    Bytes buf(64 * 1024);
    if (auto it = echo_clients_.find(k); it != echo_clients_.end()) {
      while (std::size_t n = node_.read(ConnId{k.conn}, StreamId{k.stream}, buf, now))
        append(it->second.received, BytesView(buf).first(n));
    } else if (auto sk = sinks_.find(k); sk != sinks_.end()) {
      while (std::size_t n = node_.read(ConnId{k.conn}, StreamId{k.stream}, buf, now)) {
        sk->second.hash.update(BytesView(buf).first(n));
        sk->second.bytes += n;
      }
    }
    // Echo servers read in pump_writes, bounded by their backlog.
  }

  void on_remote_closed(const StreamKey& k, TimePoint now) {
    on_readable(k, now);
    if (auto it = echo_clients_.find(k); it != echo_clients_.end()) {
      const bool ok = it->second.received == it->second.data;
      print("echo",
            {{"peer", it->second.peer.to_string()}, {"bytes", it->second.received.size()}, {"ok", ok}});
      if (!ok) failed_ = true;
      echo_clients_.erase(it);
      --echo_pending_;
    } else if (auto sk = sinks_.find(k); sk != sinks_.end()) {
      print("sink", {{"peer", sk->second.peer.to_string()},
                     {"bytes", sk->second.bytes},
                     {"sha256", to_hex(sk->second.hash.finish())}});
      (void)node_.close_write(ConnId{k.conn}, StreamId{k.stream});
      sinks_.erase(sk);
    } else if (auto es = echo_servers_.find(k); es != echo_servers_.end()) {
      es->second.remote_closed = true;
    }
  }

  Status start_gossip() {
    if (!o_.publish.empty() && o_.topics.empty()) return fail("--publish needs a --topic");
    if (!o_.publish.empty()) {
      Bytes text;
      if (o_.publish[0] == '@') {
        std::ifstream f(o_.publish.substr(1), std::ios::binary);
        if (!f) return fail("cannot read " + o_.publish.substr(1));
        text.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
      } else {
        append(text, as_bytes(o_.publish));
      }
      payload_ = text;
      if (o_.publish_size > 0) {
        payload_.resize(o_.publish_size);
        for (std::size_t i = text.size(); i < payload_.size(); ++i)
          payload_[i] = text.empty() ? std::uint8_t{0} : text[i % text.size()];
      }
      publishes_left_ = o_.publish_count;
    }
    for (const auto& t : o_.topics) {
      auto st = router_.subscribe(t, host_.now());
      if (!st) return fail("cannot subscribe to " + t + ": " + st.error().message());
      print("subscribed", {{"topic", t}});
    }
    started_ = host_.now();
    if (!o_.topics.empty()) arm_tick();
    return {};
  }

  void arm_tick() {
    tick_.expires_after(std::chrono::milliseconds(20));
    tick_.async_wait([this](asio::error_code ec) {
      if (ec) return;
      const TimePoint now = host_.now();
      if (router_.next_deadline() <= now) router_.on_deadline(now);
      maybe_publish(now);
      drain_gossip(now);
      host_.kick();
      check_done();
      arm_tick();
    });
  }

  void maybe_publish(TimePoint now) {
    if (publishes_left_ == 0 || now < next_publish_) return;
    const std::string& topic = o_.topics[0];
    if (!publishing_) {
      const bool meshed = router_.mesh_peers(topic).size() >= static_cast<std::size_t>(o_.min_mesh) &&
                          router_.topic_peers(topic).size() >= static_cast<std::size_t>(o_.min_topic_peers);
      if (!meshed && now - started_ < std::chrono::milliseconds(o_.mesh_timeout_ms)) return;
      publishing_ = true;
    }
    auto id = router_.publish(topic, payload_, now);
    if (!id) {
      (void)fail("publish failed: " + id.error().message());
      publishes_left_ = 0;
      return;
    }
    const std::uint64_t seqno = load_be64(id->data() + id->size() - 8);
    print("published", {{"topic", topic}, {"seqno", std::to_string(seqno)}, {"data_len", payload_.size()}});
    --publishes_left_;
    last_publish_ = now;
    next_publish_ = now + std::chrono::milliseconds(o_.publish_interval_ms);
  }

  void drain_gossip(TimePoint) {
    while (auto e = router_.poll_event()) {
      if (auto* m = std::get_if<gossipsub::Received>(&*e)) {
        if (!m->subscribed) continue;
        json body = {{"topic", m->message.topic},
                     {"from", m->message.from ? m->message.from->to_string() : ""},
                     {"source", m->source.to_string()},
                     {"seqno", m->message.seqno ? std::to_string(*m->message.seqno) : ""},
                     {"data_len", m->message.data.size()}};
        if (m->message.data.size() <= 1024) body["data_hex"] = to_hex(m->message.data);
        print("message", std::move(body));
        ++received_;
      } else if (auto* g = std::get_if<gossipsub::Grafted>(&*e)) {
        print("graft", {{"peer", g->peer.to_string()}, {"topic", g->topic}});
      } else if (auto* p = std::get_if<gossipsub::Pruned>(&*e)) {
        print("prune", {{"peer", p->peer.to_string()}, {"topic", p->topic}});
      }
    }
    gossip_.flush();
  }

  const P2pOptions& o_;
  io::Host& host_;
  node::Node& node_;
  SystemEntropy entropy_;
  gossipsub::Router router_;
  node::GossipsubService gossip_;
  asio::steady_timer tick_;
  Bytes payload_;
  int publishes_left_ = 0;
  bool publishing_ = false;
  TimePoint started_{};
  TimePoint next_publish_{};
  TimePoint last_publish_{};
  int received_ = 0;
  std::map<std::string, std::string> dials_;  // address without /p2p -> the option text
  int dials_pending_ = 0;
  int pings_left_ = 0;
  int echo_pending_ = 0;
  std::optional<ConnId> echo_conn_;  // the --echo-to connection, until identify completes
  bool failed_ = false;
  std::map<StreamKey, EchoClient> echo_clients_;
  std::map<StreamKey, EchoServer> echo_servers_;
  std::map<StreamKey, Sink> sinks_;
};

}  // namespace

int run_p2p(const P2pOptions& o) {
  crypto::Ed25519Seed seed;
  if (o.key.empty()) {
    SystemEntropy().fill(seed);
  } else if (auto k = array_from_hex<32>(o.key)) {
    seed = *k;
  } else {
    print("error", {{"what", "--key must be 64 hex characters"}});
    return 2;
  }
  io::Host host(crypto::Ed25519Keypair::from_seed(seed), {});
  gossipsub::Config gcfg;
  // Seqnos start at wall-clock nanoseconds, as js-libp2p and go-libp2p do (they keep increasing across
  // restarts).
  gcfg.first_seqno = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                    std::chrono::system_clock::now().time_since_epoch())
                                                    .count());
  for (const auto& ip : o.ip_whitelist) gcfg.score.ip_whitelist.insert(ip);
  App app(o, host, std::move(gcfg));
  if (!app.start()) {
    app.print_stats();
    return 1;
  }
  if (o.exit_when_done && app.done()) return app.failed() ? 1 : 0;
  asio::steady_timer limit(host.context());
  if (o.duration > 0) {
    limit.expires_after(std::chrono::milliseconds(static_cast<long>(o.duration * 1000)));
    limit.async_wait([&](asio::error_code ec) {
      if (!ec) host.stop();
    });
  }
  host.context().run();
  app.print_stats();
  if (!app.done()) {
    if (!app.failed()) print("error", {{"what", "not everything asked for completed in time"}});
    return 1;
  }
  return app.failed() ? 1 : 0;
}

}  // namespace stakecast::apps
