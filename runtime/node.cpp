#include "runtime/node.hpp"

#include <csignal>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/registry.hpp"
#include "runtime/broadcaster.hpp"
#include "runtime/clock.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/errc.hpp"
#include "runtime/event_ids.hpp"
#include "runtime/metrics.hpp"
#include "runtime/sink.hpp"
#include "storage/cipher.hpp"
#include "storage/snapshot_store.hpp"

namespace aetherial::runtime {
namespace {

/// The topics a node's producers write to.
std::vector<std::string> output_topics(const topics::catalog& cat) {
  std::vector<std::string> out;
  for (const auto logical :
       {topics::catalog::decisions, topics::catalog::replies, topics::catalog::tasks,
        topics::catalog::effects, topics::catalog::health, topics::catalog::repartition,
        topics::catalog::snapshots, topics::catalog::journal, topics::catalog::changelog,
        topics::catalog::dlq})
    out.push_back(cat.name(logical));
  return out;
}

error node_error(std::string message) {
  return make_error(errc::configuration, std::move(message));
}

/// The host name and a hash of the absolute data directory: stable across restarts of the
/// same node, distinct for two nodes on one host (they cannot share a data directory).
std::string default_instance_id(const std::string& data_dir) {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "node");
  std::error_code ec;
  auto abs = std::filesystem::weakly_canonical(std::filesystem::absolute(data_dir, ec), ec);
  char hash[17];
  std::snprintf(hash, sizeof hash, "%08llx",
                static_cast<unsigned long long>(schemas::fnv1a(abs.string()) & 0xffffffffULL));
  return std::string(host) + "-" + hash;
}

/// The options' health thresholds.
health_options health_thresholds(const node_options& o) {
  health_options h;
  h.tick_window = std::chrono::seconds(o.health_tick_seconds);
  h.stall_window = std::chrono::seconds(o.health_stall_seconds);
  return h;
}

std::string invalid_configuration(const std::vector<std::string>& problems) {
  std::string msg = "invalid configuration:";
  for (const auto& p : problems)
    msg += "\n  - " + p;
  return msg;
}

} // namespace

result<std::shared_ptr<metrics>> serve_metrics(node_options options) {
  expand_agents(options);
  if (auto problems = validate(options); !problems.empty())
    return node_error(invalid_configuration(problems));
  auto m = std::make_shared<metrics>(health_thresholds(options));
  if (options.metrics_port >= 0) {
    try {
      (void)m->serve(options.metrics_port, options.metrics_bind);
    } catch (const std::exception& e) {
      return node_error(e.what());
    }
  }
  return m;
}

struct node::impl {
  node_options options;
  std::unique_ptr<topics::embedded_broker> broker;
  topics::catalog catalog;
  topics::kafka_config kafka;
  std::unique_ptr<topics::producer> producer;
  std::unique_ptr<storage::snapshot_store> store;
  std::shared_ptr<const identity_verifier> identities;
  std::shared_ptr<runtime::metrics> metrics;
  bool own_metrics = false; ///< not shared: stop serving when the node stops
  int metrics_port = -1;
  std::unique_ptr<caf::actor_system_config> caf_cfg;
  std::unique_ptr<caf::actor_system> system;
  std::map<std::string, caf::actor> coordinators;
  std::deque<std::atomic<std::int64_t>> lag_totals; ///< one per agent kind
  /// exactly_once: one transactional producer per agent kind (its hosts and coordinator).
  std::vector<std::unique_ptr<topics::producer>> transactional;
  std::deque<producer_sink> sinks; ///< one per producer, for the hosts and supervisors
  std::mutex failure_mutex;
  std::optional<std::string> failure; ///< set once when a coordinator cannot go on
  std::thread telemetry;
  std::atomic<bool> telemetry_stop{false};
  /// Copies platform.reference to every partition, when a kind here reads the copies.
  std::unique_ptr<broadcaster> broadcast;
  bool stopped = false;

  void publish_telemetry(std::uint64_t seq, double events_per_s, std::int64_t restarts) {
    std::int64_t lag = 0;
    for (const auto& l : lag_totals)
      lag += l.load();
    double quarantined = 0, dead = 0;
    for (const auto& a : options.agents) {
      quarantined += metrics->quarantined(a).Value();
      dead += metrics->dead_letters(a, "invalid").Value() +
              metrics->dead_letters(a, "agent_error").Value();
    }
    // The runtime's size: the members of this node's agents' groups (each node is one member
    // of each group it consumes for), at least this node.
    int instances = 1;
    for (const auto& a : options.agents)
      if (auto n =
              producer->group_members(options.group + "." + a, std::chrono::milliseconds(2000)))
        instances = std::max(instances, n.value());
    flatbuffers::FlatBufferBuilder b;
    auto t = schemas::fbs::CreateRuntimeTelemetryDirect(
        b, options.instance_id.c_str(), instances, lag, events_per_s, restarts,
        static_cast<int>(quarantined), static_cast<std::int64_t>(dead));
    schemas::envelope_header h;
    h.id = runtime_event_id("telemetry/" + options.instance_id, seq);
    h.key = "runtime";
    h.event_time_ms = wall_ms();
    h.principal = "runtime:" + options.instance_id;
    auto bytes = schemas::finish_envelope(b, h, schemas::fbs::Payload::RuntimeTelemetry, t.Union());
    (void)producer->send(catalog.name(topics::catalog::telemetry), -1, "runtime", bytes.data(),
                         bytes.size());
  }

  void telemetry_loop() {
    std::uint64_t seq = static_cast<std::uint64_t>(wall_ms());
    double last_in = 0;
    auto last = steady_clock::now();
    auto next_publish = last + std::chrono::milliseconds(options.telemetry_interval_ms);
    while (!telemetry_stop.load()) {
      producer->poll();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const auto now = steady_clock::now();
      if (options.telemetry_interval_ms <= 0 || now < next_publish) continue;
      next_publish = now + std::chrono::milliseconds(options.telemetry_interval_ms);
      double in = 0, restarts = 0;
      for (const auto& a : options.agents) {
        for (const auto& t : resolve_kind(options, a)->input_topics)
          in += metrics->events_in(a, t).Value();
        restarts += metrics->restarts(a).Value();
      }
      const double secs = std::chrono::duration<double>(now - last).count();
      publish_telemetry(++seq, secs > 0 ? (in - last_in) / secs : 0,
                        static_cast<std::int64_t>(restarts));
      last_in = in;
      last = now;
    }
  }
};

node::node(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
node::~node() {
  stop();
}

result<std::unique_ptr<node>> node::start(node_options options,
                                          std::shared_ptr<runtime::metrics> shared) {
  expand_agents(options);
  if (auto problems = validate(options); !problems.empty())
    return node_error(invalid_configuration(problems));
  if (options.instance_id.empty()) options.instance_id = default_instance_id(options.data_dir);
  auto d = std::make_unique<impl>();
  d->options = options;
  d->catalog =
      topics::catalog(options.topic_prefix, options.partitions, options.replication_factor);
  d->kafka.brokers = options.brokers;
  d->kafka.client_id = "aetherial-" + options.instance_id;
  d->kafka.extra = options.kafka_properties;
  if (options.brokers.empty()) {
    auto b = topics::embedded_broker::start(1);
    if (!b) return node_error("cannot start the embedded broker: " + b.error_value().message);
    d->broker = std::move(b.value());
    if (auto r = d->broker->create_topics(d->catalog); !r)
      return node_error("cannot create topics on the embedded broker: " + r.error_value().message);
    d->kafka.brokers = d->broker->bootstrap();
    spdlog::info("embedded broker at {} (in memory: nothing is kept across restarts)",
                 d->kafka.brokers);
  } else {
    if (auto r = topics::ensure_topics(d->kafka, d->catalog, topics::ms{30000}); !r)
      return node_error("cannot create topics on " + options.brokers + ": " +
                        r.error_value().message + " (check --brokers)");
  }
  auto identities = make_identity_verifier(options.token_keys, options.tokens);
  if (!identities) return node_error(identities.error_value().message);
  d->identities = std::move(identities.value());
  auto producer = topics::producer::create(d->kafka);
  if (!producer) return node_error("cannot create the producer: " + producer.error_value().message);
  d->producer = std::move(producer.value());
  storage::store_options so;
  so.keep_last = options.keep_snapshots;
  if (!options.snapshot_key_file.empty()) {
    auto cipher = storage::state_cipher::load(options.snapshot_key_file);
    if (!cipher) return node_error(cipher.error_value().message);
    so.cipher = std::move(cipher.value());
  }
  auto store = storage::snapshot_store::open(options.data_dir + "/snapshots", so);
  if (!store)
    return node_error("cannot open the snapshot store in " + options.data_dir + ": " +
                      store.error_value().message + " (check --data-dir)");
  d->store = std::move(store.value());
  d->own_metrics = shared == nullptr;
  if (!shared) {
    auto served = serve_metrics(options);
    if (!served) return served.error_value();
    shared = std::move(served.value());
  }
  d->metrics = std::move(shared);
  d->metrics_port = d->metrics->port();
  auto& health = d->metrics->health();
  health.node_starting();
  d->caf_cfg = std::make_unique<caf::actor_system_config>();
  const auto threads = options.scheduler_threads > 0
                           ? options.scheduler_threads
                           : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  d->caf_cfg->set("scheduler.max-threads", static_cast<std::size_t>(threads));
  d->caf_cfg->set("scheduler.policy", caf::atom_from_string(options.scheduler_policy));
  d->system = std::make_unique<caf::actor_system>(*d->caf_cfg);
  // The partition count of every input topic: a keyed record found on another partition
  // than its key's is dead-lettered (runtime/applier.hpp `misplaced`).
  std::map<std::string, std::int32_t> partitions_of;
  if (auto meta = topics::reader::create(d->kafka, false); meta) {
    for (const auto& name : options.agents)
      for (const auto& t : resolve_kind(d->options, name)->input_topics) {
        const auto topic = d->catalog.name(t);
        if (partitions_of.count(topic) > 0) continue;
        auto n = meta.value()->partition_count(topic, topics::ms{10000});
        if (n)
          partitions_of[topic] = n.value();
        else
          spdlog::warn("partitions of {} unknown ({}): its records' partitions are not checked",
                       topic, n.error_value().message);
      }
  } else {
    spdlog::warn("cannot read topic metadata ({}): records' partitions are not checked",
                 meta.error_value().message);
  }
  for (const auto& name : options.agents) {
    coordinator_env env;
    env.host.kind = resolve_kind(d->options, name);
    env.producer = d->producer.get();
    if (options.guarantee == guarantee::exactly_once) {
      // A stable transactional id: a restarted node fences its previous incarnation and
      // aborts whatever transaction that one left open.
      const auto txn_id = options.group + "." + name + "." + options.instance_id;
      // A transaction lives from one checkpoint to the next. One left open by a node that
      // died holds back every read_committed reader of the partitions it wrote to (the last
      // stable offset stops at it) until the brokers abort it: after this timeout, not
      // librdkafka's default minute (a restarted node aborts it at once, by its id).
      auto txn_kafka = d->kafka;
      // At most the brokers' default transaction.max.timeout.ms (15 min).
      txn_kafka.extra.emplace(
          "transaction.timeout.ms",
          std::to_string(std::clamp<std::int64_t>(3 * std::int64_t{options.checkpoint_interval_ms},
                                                  10000, 900000)));
      auto tp = topics::producer::create(txn_kafka, txn_id);
      if (!tp)
        return node_error("cannot create the transactional producer of " + name + ": " +
                          tp.error_value().message);
      if (auto r = tp.value()->init_transactions(topics::ms{60000}); !r)
        return node_error("cannot initialize transactions for " + name + ": " +
                          r.error_value().message);
      if (auto r = tp.value()->begin_transaction(); !r)
        return node_error("cannot begin a transaction for " + name + ": " +
                          r.error_value().message);
      env.producer = tp.value().get();
      d->transactional.push_back(std::move(tp.value()));
    }
    // Every topic a checkpoint or an agent writes, known before the first record: else the
    // first checkpoint's flush waits for their metadata (about 0.75 s on Kafka 4.3).
    if (auto r = env.producer->learn_topics(output_topics(d->catalog), topics::ms{10000}); !r)
      spdlog::warn("agent {}: the producer could not learn its topics yet: {}", name,
                   r.error_value().message);
    env.host.sink = &d->sinks.emplace_back(*env.producer);
    env.on_fatal = [p = d.get()](const std::string& reason) {
      std::lock_guard<std::mutex> lock(p->failure_mutex);
      if (!p->failure) p->failure = reason;
    };
    env.host.catalog = &d->catalog;
    env.host.metrics = d->metrics.get();
    env.host.limits = options.limits;
    env.host.identities = d->identities.get();
    env.host.store = d->store.get();
    env.host.spill_bytes = options.state_chunk_bytes;
    for (const auto& t : env.host.kind->input_topics) {
      const auto it = partitions_of.find(d->catalog.name(t));
      // Broadcast copies sit on every partition whatever their key: never misplaced (0).
      const bool broadcast = t == topics::catalog::broadcast;
      env.host.input_partitions.push_back(it == partitions_of.end() || broadcast ? 0 : it->second);
    }
    env.host.settings = &d->options.agent_settings;
    env.kafka = d->kafka;
    // Co-partitioned inputs need the same partition numbers of every input topic on one
    // member: the range assignor guarantees that, the cooperative-sticky one does not.
    env.kafka.extra.emplace("partition.assignment.strategy", "range");
    if (options.static_membership)
      env.kafka.extra.emplace("group.instance.id", options.instance_id + "." + name);
    env.lag_total = &d->lag_totals.emplace_back(0);
    env.store = d->store.get();
    env.options = options;
    health.agent_starting(name);
    auto c = spawn_coordinator(*d->system, std::move(env));
    std::string failure;
    caf::scoped_actor blocking{*d->system};
    blocking->request(c, std::chrono::seconds(30), start_atom::value)
        .receive([](bool) {}, [&](caf::error& err) { failure = d->system->render(err); });
    if (!failure.empty()) {
      caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
      return node_error("agent " + name + " cannot start: " + failure);
    }
    d->coordinators[name] = c;
  }
  bool wants_broadcast = false;
  for (const auto& name : options.agents)
    for (const auto& t : resolve_kind(d->options, name)->input_topics)
      wants_broadcast = wants_broadcast || t == topics::catalog::broadcast;
  if (wants_broadcast) {
    broadcaster_options bo;
    bo.kafka = d->kafka;
    bo.catalog = &d->catalog;
    bo.group = options.group;
    bo.instance_id = options.instance_id;
    bo.exactly_once = options.guarantee == guarantee::exactly_once;
    bo.on_fatal = [p = d.get()](const std::string& reason) {
      std::lock_guard<std::mutex> lock(p->failure_mutex);
      if (!p->failure) p->failure = reason;
    };
    auto b = broadcaster::start(std::move(bo));
    if (!b) return node_error("cannot start the broadcaster: " + b.error_value().message);
    d->broadcast = std::move(b.value());
  }
  d->telemetry = std::thread([p = d.get()] { p->telemetry_loop(); });
  health.node_running();
  return std::unique_ptr<node>(new node(std::move(d)));
}

const std::string& node::brokers() const noexcept {
  return impl_->kafka.brokers;
}
bool node::embedded() const noexcept {
  return impl_->broker != nullptr;
}
int node::metrics_port() const noexcept {
  return impl_->metrics_port;
}
const topics::catalog& node::catalog() const noexcept {
  return impl_->catalog;
}
const topics::kafka_config& node::kafka() const noexcept {
  return impl_->kafka;
}
const node_options& node::options() const noexcept {
  return impl_->options;
}

double node::events_in_total() const {
  double in = 0;
  for (const auto& a : impl_->options.agents)
    for (const auto& t : resolve_kind(impl_->options, a)->input_topics)
      in += impl_->metrics->events_in(a, t).Value();
  return in;
}

std::optional<std::string> node::failure() const {
  std::lock_guard<std::mutex> lock(impl_->failure_mutex);
  return impl_->failure;
}

void node::crash_host(const std::string& agent, std::int32_t partition) {
  auto it = impl_->coordinators.find(agent);
  if (it != impl_->coordinators.end()) caf::anon_send(it->second, crash_atom::value, partition);
}

int node::checkpoint_all() {
  int n = 0;
  caf::scoped_actor blocking{*impl_->system};
  for (auto& entry : impl_->coordinators) {
    const auto& name = entry.first; // a structured binding cannot be captured in C++17
    blocking->request(entry.second, std::chrono::seconds(60), checkpt_atom::value)
        .receive([&](int k) { n += k; },
                 [&](caf::error& err) {
                   spdlog::warn("checkpoint of {} failed: {}", name, impl_->system->render(err));
                 });
  }
  return n;
}

void node::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  impl_->metrics->health().node_stopping();
  if (impl_->broadcast) impl_->broadcast->stop();
  {
    caf::scoped_actor blocking{*impl_->system};
    for (auto& entry : impl_->coordinators) {
      const auto& name = entry.first;
      blocking->request(entry.second, std::chrono::seconds(60), stop_atom::value)
          .receive([](bool) {},
                   [&](caf::error& err) {
                     spdlog::warn("stopping {}: {}", name, impl_->system->render(err));
                   });
    }
  }
  impl_->coordinators.clear();
  impl_->telemetry_stop = true;
  if (impl_->telemetry.joinable()) impl_->telemetry.join();
  impl_->system.reset(); // waits for every actor
  // What the open transactions hold was applied after the last checkpoint: the partitions'
  // next owners apply it again. Aborted now, they do not hold back read_committed readers
  // until the brokers time them out.
  for (auto& tp : impl_->transactional)
    if (auto r = tp->abort_transaction(topics::ms{10000}); !r)
      spdlog::warn("aborting the open transaction at stop: {}", r.error_value().message);
  impl_->transactional.clear();
  if (impl_->producer) (void)impl_->producer->flush(topics::ms{10000});
  impl_->producer.reset();
  // Table rows written since the last flush are otherwise replayed from the store's log at the
  // next start (seconds for a checkpoint that changed a million keys).
  if (impl_->store)
    if (auto r = impl_->store->flush(); !r)
      spdlog::warn("the local store was not flushed: {}", r.error_value().message);
  impl_->store.reset();
  impl_->broker.reset(); // clients first, the mock cluster last
  if (impl_->own_metrics) impl_->metrics->stop_serving();
}

namespace {
std::atomic<bool> stop_requested{false};
extern "C" void on_stop_signal(int) {
  stop_requested.store(true);
}
} // namespace

std::atomic<bool>& install_stop_signals() {
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
  return stop_requested;
}

} // namespace aetherial::runtime
