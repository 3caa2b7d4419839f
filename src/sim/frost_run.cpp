#include "sim/frost_run.hpp"

#include "sim/rotor_node.hpp"

namespace stakecast::sim {
namespace {

namespace cf = crypto::frost;

// One signer: its engine (direct path) and FROST endpoint behind the runner's Node interface, charging
// the CPU model for what each input made it do.
class FrostNode final : public Node {
 public:
  FrostNode(std::unique_ptr<SeededEntropy> entropy, rotor::Engine engine, frost::Endpoint endpoint,
            const FrostCpuModel& cpu, frost::FrostMode mode)
      : entropy_(std::move(entropy)),
        engine_(std::move(engine)),
        endpoint_(std::move(endpoint)),
        cpu_(cpu),
        mode_(mode) {
    // The filter only observes: it sees every FROST message before the direct path signs it.
    endpoint_.set_filter([this](frost::Outgoing& o) {
      charge_outgoing(o);
      return true;
    });
  }

  Status open(const frost::OpenRequest& r, TimePoint now) {
    auto st = endpoint_.open(r, now);
    after(now);
    return st;
  }
  std::optional<frost::Signed> signed_event() const { return signed_; }

  void on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) override {
    if (channel > static_cast<std::uint8_t>(rotor::Protocol::repair)) return;
    engine_.on_message(from, static_cast<rotor::Protocol>(channel), *bytes, now);
    after(now);
  }
  void on_deadline(TimePoint now) override {
    if (engine_.next_deadline() <= now) engine_.on_deadline(now);
    endpoint_.on_deadline(now);
    after(now);
  }
  TimePoint next_deadline() const override {
    return std::min(engine_.next_deadline(), endpoint_.next_deadline());
  }
  std::optional<Message> poll_transmit() override {
    auto t = engine_.poll_transmit();
    if (!t) return std::nullopt;
    return Message{t->to, static_cast<std::uint8_t>(t->protocol), t->cls, std::move(t->bytes), 0};
  }
  Duration poll_cpu() override { return std::exchange(cost_, Duration{0}); }

 private:
  void after(TimePoint now) {
    while (auto e = engine_.poll_event()) {
      auto* d = std::get_if<rotor::Delivered>(&*e);
      if (!d || !frost::Endpoint::is_frost_kind(d->kind)) continue;
      charge_incoming(d->payload());
      (void)endpoint_.on_delivered(*d, now);
    }
    endpoint_.flush(engine_, now);
    while (auto e = endpoint_.poll_event())
      if (auto* s = std::get_if<frost::Signed>(&*e); s && s->by_coordinator) signed_ = *s;
  }

  static std::size_t package_size(BytesView payload) {
    return payload.size() > codec::kFrostHeaderSize + 2 ? load_le16(payload.data() + codec::kFrostHeaderSize)
                                                        : 0;
  }

  void charge_incoming(BytesView payload) {
    cost_ += cpu_.message_verify;
    auto h = codec::peek_frost(payload);
    if (!h) return;
    switch (h->type) {
      case codec::FrostType::coordination:
        break;  // commit is charged on the outgoing commitment
      case codec::FrostType::commitment:
        cost_ += cpu_.check_commitment;
        break;
      case codec::FrostType::package:
        cost_ += cpu_.package_per_signer * static_cast<std::int64_t>(package_size(payload)) +
                 cpu_.check_commitment * static_cast<std::int64_t>(package_size(payload));
        break;
      case codec::FrostType::share:
        cost_ += cpu_.verify_share;
        break;
    }
  }

  void charge_outgoing(const frost::Outgoing& o) {
    cost_ += cpu_.message_sign;
    auto h = codec::peek_frost(o.payload);
    if (!h) return;
    switch (h->type) {
      case codec::FrostType::coordination:
        break;
      case codec::FrostType::commitment:
        cost_ += cpu_.commit;
        break;
      case codec::FrostType::package:
        cost_ += cpu_.package_per_signer * static_cast<std::int64_t>(package_size(o.payload));
        break;
      case codec::FrostType::share:
        cost_ += cpu_.sign_share;
        // Broadcast mode: the signer built the package itself from every commitment of the attempt.
        if (mode_ == frost::FrostMode::broadcast)
          cost_ += cpu_.package_per_signer * static_cast<std::int64_t>(o.to.size());
        break;
    }
  }

  std::unique_ptr<SeededEntropy> entropy_;  // the participant's nonces (stable address)
  rotor::Engine engine_;
  frost::Endpoint endpoint_;
  FrostCpuModel cpu_;
  frost::FrostMode mode_;
  Duration cost_{0};
  std::optional<frost::Signed> signed_;
};

}  // namespace

Result<FrostKeys> deal_frost_keys(cf::SuiteId suite, std::size_t n, std::size_t t, std::uint64_t seed) {
  const cf::Suite& s = cf::Suite::get(suite);
  SeededEntropy entropy(seed);
  cf::Scalar secret{};
  entropy.fill(secret);
  secret[31] &= 0x0f;  // below the group order
  STAKECAST_TRY(cf::DealerOutput dealt, cf::trusted_dealer_keygen(s, secret, n, t, entropy));
  FrostKeys keys;
  std::vector<frost::Member> members;
  for (const auto& sh : dealt.shares) {
    STAKECAST_TRY(cf::Element pub, s.base_mul(sh.value));
    members.push_back(frost::Member{sh.id, ValidatorIndex{sh.id - 1}, pub});
    keys.secrets.push_back(sh.value);
  }
  STAKECAST_TRY(keys.group, frost::Group::create(suite, dealt.group_public_key, t, std::move(members)));
  return keys;
}

Result<FrostRunResult> run_frost(const StakeTable& table, std::shared_ptr<const Latency> latency,
                                 const FrostKeys& keys, const FrostRunConfig& config) {
  const std::size_t n = table.size();
  if (!keys.group || keys.group->size() != n || keys.secrets.size() != n || config.coordinator.get() >= n)
    return SimErrc::invalid_config;
  STAKECAST_TRY(auto set, sim_validator_set(table, Epoch{1}));
  rotor::EngineConfig ec;
  ec.report_withholding = false;
  ec.direct.max_payload =
      std::max<std::size_t>(ec.direct.max_payload, codec::kFrostHeaderSize + 2 + 66 * n + 64);
  frost::ParticipantConfig pc;
  pc.max_signers = std::max<std::size_t>(pc.max_signers, n);
  frost::CoordinatorConfig cc;
  cc.max_signers = pc.max_signers;
  std::vector<std::unique_ptr<Node>> nodes;
  nodes.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const ValidatorIndex v{i};
    STAKECAST_TRY(rotor::Engine engine, rotor::Engine::create(ec, sim_key(v)));
    STAKECAST_TRY_STATUS(engine.add_epoch(Slot{0}, set));
    engine.on_slot(Slot{1});
    std::uint8_t label[8];
    store_le64(label, config.runner.seed);
    auto entropy = std::make_unique<SeededEntropy>(
        DeterministicRng::from_label("stakecast/sim/frost", label).next_u64() + i);
    STAKECAST_TRY(frost::Participant p,
                  frost::Participant::create(pc, keys.group, v, keys.secrets[i], *entropy));
    std::optional<frost::Coordinator> c;
    if (v == config.coordinator) {
      STAKECAST_TRY(frost::Coordinator coord, frost::Coordinator::create(cc, keys.group, v));
      c.emplace(std::move(coord));
    }
    nodes.push_back(std::make_unique<FrostNode>(std::move(entropy), std::move(engine),
                                                frost::Endpoint(v, std::move(p), std::move(c)), config.cpu,
                                                config.mode));
  }
  STAKECAST_TRY(Runner r, Runner::create(config.runner, std::move(nodes), std::move(latency)));
  for (ValidatorIndex v : config.crashed)
    if (v.get() < n && v != config.coordinator) r.crash(v);

  frost::OpenRequest req;
  req.id.fill(0x5c);
  store_le64(req.id.data(), config.runner.seed);
  const char msg[] = "stakecast/sim/frost block hash";
  req.message.assign(msg, msg + sizeof msg - 1);
  req.slot = Slot{1};
  req.mode = config.mode;
  req.invite = config.invite == 0 ? n : config.invite;
  req.attempt_timeout = config.attempt_timeout;
  // Preference: stake order (index order), every member.
  for (const auto& m : keys.group->members()) req.candidates.push_back(m.id);
  Status opened;
  const TimePoint t0{};
  r.command(config.coordinator, t0,
            [&](Node& node, TimePoint now) { opened = dynamic_cast<FrostNode&>(node).open(req, now); });
  STAKECAST_TRY(std::uint64_t events, r.run());
  STAKECAST_TRY_STATUS(opened);

  FrostRunResult out;
  out.events = events;
  out.trace = r.trace_hash();
  for (std::uint32_t i = 0; i < n; ++i) {
    out.bytes_sent += r.stats(ValidatorIndex{i}).bytes_sent;
    out.messages += r.stats(ValidatorIndex{i}).messages_sent;
  }
  out.coordinator_bytes_sent = r.stats(config.coordinator).bytes_sent;
  if (auto s = r.node_as<FrostNode>(config.coordinator).signed_event()) {
    out.latency = s->at - t0;
    out.attempts = s->attempts;
    out.signers = s->signers.size();
    out.excluded = s->excluded.size();
    out.verified =
        cf::verify_signature(keys.group->suite(), keys.group->public_key(), req.message, s->signature);
  }
  return out;
}

}  // namespace stakecast::sim
