#define BOOST_TEST_MODULE runtime
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <atomic>
#include <map>
#include <netinet/in.h>
#include <regex>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/audit.hpp"
#include "runtime/node.hpp"
#include "schemas/partitioner.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/runtime/runtime_fixture.hpp"

using namespace aetherial;
using namespace std::chrono_literals;
namespace fbs = schemas::fbs;

namespace {

/// Counts events per partition and emits one decision per event carrying the count.
/// Throws on key "poison" always, and on key "crash-once" the first time in this process.
std::atomic<int> crash_once_remaining{1};

class counting_agent final : public actors::agent {
public:
  void on_event(const fbs::Envelope& e, actors::context& ctx) override {
    const std::string key = e.key() ? e.key()->str() : "";
    if (key == "poison") throw std::runtime_error("poison event");
    if (key == "crash-once" && crash_once_remaining.fetch_sub(1) > 0)
      throw std::runtime_error("transient defect");
    ++count_;
    auto& b = ctx.builder();
    auto d = fbs::CreateScaleDecisionDirect(b, key.c_str(), static_cast<int>(count_ - 1),
                                            static_cast<int>(count_), "count", "counted");
    ctx.emit(actors::output::decisions, key, fbs::Payload::ScaleDecision, d.Union());
  }
  [[nodiscard]] actors::bytes snapshot() const override {
    actors::bytes out(8);
    for (int i = 0; i < 8; ++i)
      out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(count_ >> (8 * i));
    return out;
  }
  [[nodiscard]] bool restore(const std::uint8_t* data, std::size_t size) override {
    if (size != 8) return false;
    count_ = 0;
    for (int i = 0; i < 8; ++i)
      count_ |= static_cast<std::uint64_t>(data[i]) << (8 * i);
    return true;
  }

private:
  std::uint64_t count_ = 0;
};

/// Counts events per key in a table ("counts"), emitting each key's new count; nothing but
/// the event counter in its scalar state. Throws on key "table-crash-once" the first time.
std::atomic<int> table_crash_once_remaining{1};

class keyed_counting_agent final : public actors::agent {
public:
  void on_event(const fbs::Envelope& e, actors::context& ctx) override {
    const std::string key = e.key() ? e.key()->str() : "";
    if (key == "table-crash-once" && table_crash_once_remaining.fetch_sub(1) > 0)
      throw std::runtime_error("transient defect");
    auto& t = ctx.tables();
    int count = 0;
    if (const auto v = t.get("counts", key); v && v->size() == 1) count = (*v)[0];
    t.put("counts", key, actors::bytes{static_cast<std::uint8_t>(count + 1)});
    ++events_;
    auto& b = ctx.builder();
    auto d = fbs::CreateScaleDecisionDirect(b, key.c_str(), count, count + 1, "count", "counted");
    ctx.emit(actors::output::decisions, key, fbs::Payload::ScaleDecision, d.Union());
  }
  [[nodiscard]] actors::bytes snapshot() const override {
    return actors::bytes{static_cast<std::uint8_t>(events_)};
  }
  [[nodiscard]] bool restore(const std::uint8_t* data, std::size_t size) override {
    if (size != 1) return false;
    events_ = data[0];
    return true;
  }

private:
  std::uint8_t events_ = 0;
};

actors::agent_kind keyed_counting_kind() {
  actors::agent_kind k;
  k.name = "keyed";
  k.input_topics = {"platform.metrics"};
  k.uses_tables = true;
  k.make = [](const actors::agent_settings&) {
    return std::unique_ptr<actors::agent>(std::make_unique<keyed_counting_agent>());
  };
  return k;
}

actors::agent_kind counting_kind() {
  actors::agent_kind k;
  k.name = "counting";
  k.input_topics = {"platform.metrics"};
  k.make = [](const actors::agent_settings&) {
    return std::unique_ptr<actors::agent>(std::make_unique<counting_agent>());
  };
  return k;
}

struct node_fixture {
  test::temp_dir dir;
  runtime::node_options options;
  std::unique_ptr<runtime::node> node;
  std::unique_ptr<topics::producer> producer;
  std::uint64_t next_id = 1;

  node_fixture() {
    options.data_dir = dir.path();
    options.metrics_port = -1;
    options.partitions = 1;
    options.checkpoint_interval_ms = 300;
    options.restart.initial_backoff = 20ms;
    options.telemetry_interval_ms = 60000;
    options.extra_kinds.push_back(counting_kind());
    options.extra_kinds.push_back(keyed_counting_kind());
  }
  ~node_fixture() {
    producer.reset();
    if (node) node->stop();
  }
  void start(std::vector<std::string> agents) {
    options.agents = std::move(agents);
    auto n = runtime::node::start(options);
    BOOST_TEST_REQUIRE(n.has_value(), (n ? "" : n.error_value().message));
    node = std::move(n.value());
    auto p = topics::producer::create(node->kafka());
    BOOST_TEST_REQUIRE(p.has_value());
    producer = std::move(p.value());
  }
  void send(std::string_view logical, const std::string& key,
            const std::vector<std::uint8_t>& value) {
    BOOST_TEST_REQUIRE(static_cast<bool>(
        producer->send(node->catalog().name(logical), -1, key, value.data(), value.size())));
  }
  void send_count(const std::string& key, std::int64_t t) {
    send(topics::catalog::metrics, key, test::service_load({99, next_id++}, t, key, 1, 0.5));
  }
  /// `n` counts of key "k" from t=1000, one of `key` at t=2000, `n` more of "k" from t=3000.
  void send_counts_around(const std::string& key, int n) {
    for (int i = 0; i < n; ++i)
      send_count("k", 1000 + i);
    send_count(key, 2000);
    for (int i = 0; i < n; ++i)
      send_count("k", 3000 + i);
  }
  std::vector<topics::record> decisions_until(std::size_t n) {
    (void)producer->flush(topics::ms{10000});
    return test::read_until(node->kafka(), node->catalog().name(topics::catalog::decisions),
                            [n](const auto& all) { return all.size() >= n; });
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(operations_decides_from_kafka_events_and_serves_metrics) {
  node_fixture f;
  f.options.metrics_port = 0;
  f.options.partitions = 2;
  f.start({"operations"});
  const std::int64_t t0 = 1'700'000'000'000;
  for (int i = 0; i < 6; ++i)
    f.send(topics::catalog::metrics, "web",
           test::service_load({1, static_cast<std::uint64_t>(i + 1)}, t0 + i * 15000, "web", 2,
                              0.95, 900));
  auto decisions = test::read_until(
      f.node->kafka(), f.node->catalog().name(topics::catalog::decisions), [](const auto& all) {
        for (const auto& r : all)
          if (auto* e = test::envelope_of(r); e && e->payload_as_ScaleDecision()) return true;
        return false;
      });
  const fbs::ScaleDecision* scale = nullptr;
  for (const auto& r : decisions)
    if (auto* e = test::envelope_of(r); e && e->payload_as_ScaleDecision())
      scale = e->payload_as_ScaleDecision();
  BOOST_TEST_REQUIRE(scale != nullptr);
  BOOST_TEST(scale->service()->str() == "web");
  BOOST_TEST(scale->from_replicas() == 2);
  BOOST_TEST(scale->to_replicas() > 2);

  const auto body = test::http_get(f.node->metrics_port(), "/metrics");
  BOOST_TEST(
      body.find("aetherial_events_in_total{agent=\"operations\",topic=\"platform.metrics\"}") !=
          std::string::npos,
      body.substr(0, 2000));
  BOOST_TEST(body.find("aetherial_processing_latency_seconds_bucket") != std::string::npos);
  BOOST_TEST(body.find("aetherial_events_out_total") != std::string::npos);
}

namespace {

/// The lag gauges of the operations agent on platform.metrics, by partition, from /metrics.
std::map<int, long> lag_by_partition(int port) {
  std::map<int, long> out;
  const std::string body = test::http_get(port, "/metrics");
  const std::regex line(
      R"re(aetherial_consumer_lag_records\{agent="operations",partition="(\d+)",topic="platform\.metrics"\} (\d+))re");
  for (std::sregex_iterator it(body.begin(), body.end(), line), end; it != end; ++it)
    out[std::stoi((*it)[1].str())] = std::stol((*it)[2].str());
  return out;
}

} // namespace

// A second node joins the group: the first gives two partitions away and stops reporting
// them (dashboards summing over nodes count each partition once), and the new owner reports
// their lag from the group's committed offsets: nothing new was produced, so 0.
BOOST_AUTO_TEST_CASE(a_partition_given_away_is_reported_by_its_new_owner_only) {
  node_fixture f;
  f.options.metrics_port = 0;
  f.options.partitions = 4;
  f.start({"operations"});
  for (int i = 0; i < 40; ++i)
    f.send(topics::catalog::metrics, "svc-" + std::to_string(i),
           test::service_load({3, static_cast<std::uint64_t>(i + 1)}, 1000 + i,
                              "svc-" + std::to_string(i), 2, 0.5));
  BOOST_TEST_REQUIRE(test::wait_for([&] { return f.node->events_in_total() >= 40; }));
  BOOST_TEST(f.node->checkpoint_all() > 0);
  BOOST_TEST_REQUIRE(
      test::wait_for([&] { return lag_by_partition(f.node->metrics_port()).size() == 4; }));

  test::temp_dir other;
  runtime::node_options o2 = f.options;
  o2.brokers = f.node->brokers();
  o2.data_dir = other.path();
  o2.instance_id = "second-node";
  o2.agents = {"operations"};
  auto second = runtime::node::start(o2);
  BOOST_TEST_REQUIRE(second.has_value(), (second ? "" : second.error_value().message));
  std::map<int, long> first_lag;
  std::map<int, long> second_lag;
  const bool split = test::wait_for(
      [&] {
        first_lag = lag_by_partition(f.node->metrics_port());
        second_lag = lag_by_partition(second.value()->metrics_port());
        if (first_lag.size() != 2 || second_lag.size() != 2) return false;
        for (const auto& [p, lag] : second_lag)
          if (first_lag.count(p) > 0 || lag != 0) return false;
        return true;
      },
      std::chrono::seconds(90));
  BOOST_TEST(split, "first node reports " << first_lag.size() << " partitions, the second "
                                          << second_lag.size());
  second.value()->stop();
}

BOOST_AUTO_TEST_CASE(node_reports_ready_and_alive_on_its_metrics_port) {
  node_fixture f;
  f.options.metrics_port = 0;
  f.options.partitions = 2;
  f.start({"counting"});
  const int port = f.node->metrics_port();
  BOOST_TEST_REQUIRE(port > 0);
  std::string ready;
  BOOST_TEST(test::wait_for([&] {
               ready = test::http_get(port, "/readyz");
               return ready.find("HTTP/1.0 200") == 0;
             }),
             ready);
  BOOST_TEST(ready.find("{\"status\":\"consuming\"") != std::string::npos, ready);
  BOOST_TEST(ready.find("\"counting\":{\"state\":\"consuming\"") != std::string::npos, ready);
  BOOST_TEST(ready.find("Cache-Control: no-store") != std::string::npos, ready);
  BOOST_TEST(ready.find("Content-Type: application/json") != std::string::npos, ready);
  // Events applied: still consuming, and caught up again.
  f.send_counts_around("k", 5);
  (void)f.decisions_until(11);
  BOOST_TEST(test::wait_for([&] {
               ready = test::http_get(port, "/readyz");
               return ready.find("HTTP/1.0 200") == 0 &&
                      ready.find("\"lag\":0") != std::string::npos;
             }),
             ready);
  const auto live = test::http_get(port, "/healthz");
  BOOST_TEST(live.find("HTTP/1.0 200") == 0, live);
  BOOST_TEST(live.find("\"status\":\"alive\"") != std::string::npos, live);
  BOOST_TEST(test::http_get(port, "/nope").find("HTTP/1.0 404") == 0);
  // Stopping: the endpoints go away with the node.
  f.node->stop();
  BOOST_TEST(test::http_get(port, "/healthz").empty());
}

BOOST_AUTO_TEST_CASE(agent_that_throws_is_restarted_with_state_restored) {
  node_fixture f;
  crash_once_remaining = 1;
  f.start({"counting"});
  f.send_counts_around("crash-once", 40);
  auto decisions = f.decisions_until(81);
  std::map<std::string, int> ids;
  std::set<int> counts;
  for (const auto& r : decisions) {
    const auto* e = test::envelope_of(r);
    BOOST_TEST_REQUIRE(e != nullptr);
    ++ids[schemas::event_id::from(e->id()).to_string()];
    counts.insert(e->payload_as_ScaleDecision()->to_replicas());
  }
  BOOST_TEST(decisions.size() == 81u);
  BOOST_TEST(ids.size() == 81u);
  BOOST_TEST(counts.size() == 81u);
  BOOST_TEST(*counts.begin() == 1);
  BOOST_TEST(*counts.rbegin() == 81); // the state survived the restart
  BOOST_TEST(crash_once_remaining.load() < 1);
}

// Keyed state: counts per key live in the host's tables; a checkpoint stores the changed keys
// with the snapshot, and a host restarted after a defect reads them back from RocksDB under the
// changes of its replayed tail.
BOOST_AUTO_TEST_CASE(table_state_is_checkpointed_and_survives_a_host_restart) {
  node_fixture f;
  table_crash_once_remaining = 1;
  f.start({"keyed"});
  const std::vector<std::string> keys{"a", "b", "a", "c", "a"};
  std::int64_t t = 1000;
  for (const auto& k : keys)
    f.send_count(k, t++);
  BOOST_TEST_REQUIRE(f.decisions_until(keys.size()).size() == keys.size());
  std::this_thread::sleep_for(900ms); // a checkpoint (every 300 ms) stores the rows
  f.send_count("table-crash-once", t++);
  for (int i = 0; i < 3; ++i)
    f.send_count("a", t++);
  f.send_count("b", t++);
  const auto decisions = f.decisions_until(keys.size() + 5);
  std::map<std::string, int> last;
  for (const auto& r : decisions) {
    const auto* e = test::envelope_of(r);
    BOOST_TEST_REQUIRE(e != nullptr);
    const auto* d = e->payload_as_ScaleDecision();
    last[d->service()->str()] = d->to_replicas();
  }
  BOOST_TEST(last["a"] == 6); // 3 before the restart, 3 after: the table came back
  BOOST_TEST(last["b"] == 2);
  BOOST_TEST(last["c"] == 1);
  BOOST_TEST(last["table-crash-once"] == 1);
  BOOST_TEST(table_crash_once_remaining.load() < 1);
  std::this_thread::sleep_for(900ms);
  f.node->stop();
  f.node.reset();
  auto store = storage::snapshot_store::open(f.dir.path() + "/snapshots");
  BOOST_TEST_REQUIRE(store.has_value());
  const auto a = store.value()->table_get("keyed", 0, "counts", "a");
  BOOST_TEST_REQUIRE(a.has_value());
  BOOST_TEST_REQUIRE(a.value().has_value());
  BOOST_TEST(a.value()->at(0) == 6);
  BOOST_TEST(store.value()->tables_at("keyed", 0).value().has_value());
}

BOOST_AUTO_TEST_CASE(poison_event_is_dead_lettered_and_processing_continues) {
  node_fixture f;
  f.start({"counting"});
  f.send_counts_around("poison", 10);
  auto decisions = f.decisions_until(20);
  BOOST_TEST(decisions.size() == 20u);
  auto dlq = test::read_until(f.node->kafka(), f.node->catalog().name(topics::catalog::dlq),
                              [](const auto& all) { return !all.empty(); });
  BOOST_TEST_REQUIRE(dlq.size() == 1u);
  const auto reason = test::header_value(dlq[0], topics::dlq_reason_header);
  BOOST_TEST(reason.find("poison event") != std::string::npos, reason);
  BOOST_TEST(test::header_value(dlq[0], topics::dlq_topic_header) ==
             f.node->catalog().name(topics::catalog::metrics));
  BOOST_TEST(test::header_value(dlq[0], topics::dlq_offset_header) == "10");
}

// A producer with another partitioner (librdkafka's default CRC32, say) puts a key's records
// on a partition whose agent instance does not keep the key's state: such a record is
// dead-lettered as wrong_partition instead of decided on, and the audit's replay skips it.
BOOST_AUTO_TEST_CASE(a_record_on_the_wrong_partition_for_its_key_is_dead_lettered) {
  node_fixture f;
  f.options.partitions = 4;
  f.start({"operations", "counting"});
  for (int i = 0; i < 8; ++i)
    f.send_count("key-" + std::to_string(i), 1000 + i);
  // A hot service whose loads all land on a partition that is not its key's: applied, they
  // would scale it up.
  const std::string key = "web";
  const std::int32_t home = schemas::key_partition(key, 4);
  const std::int32_t wrong = (home + 1) % 4;
  const std::int64_t t0 = 1'700'000'000'000;
  for (std::uint64_t i = 0; i < 10; ++i) {
    const auto v = test::service_load({98, i + 1}, t0 + static_cast<std::int64_t>(i) * 30000, key,
                                      2, 0.97, 500);
    BOOST_TEST_REQUIRE(static_cast<bool>(f.producer->send(
        f.node->catalog().name(topics::catalog::metrics), wrong, key, v.data(), v.size())));
  }
  auto decisions = f.decisions_until(8);
  BOOST_TEST(decisions.size() == 8u); // the counting agent's, one per record it applied
  auto dlq = test::read_until(f.node->kafka(), f.node->catalog().name(topics::catalog::dlq),
                              [](const auto& all) { return all.size() >= 20; });
  BOOST_TEST_REQUIRE(dlq.size() == 20u); // each of the two agents dead-letters the ten
  for (const auto& r : dlq) {
    const auto reason = test::header_value(r, topics::dlq_reason_header);
    BOOST_TEST(reason.find("murmur2") != std::string::npos, reason);
    BOOST_TEST(reason.find("partition " + std::to_string(home) + " of 4") != std::string::npos,
               reason);
    BOOST_TEST(test::header_value(r, topics::dlq_partition_header) == std::to_string(wrong));
  }
  BOOST_TEST(f.node->checkpoint_all() > 0);
  // The audit's replay skips them as the node did: no scale-up appears that the log lacks.
  runtime::audit_options ao;
  ao.kafka = f.node->kafka();
  ao.agents = {"operations"};
  auto audit = runtime::run_audit(ao);
  BOOST_TEST_REQUIRE(audit.has_value(), (audit ? "" : audit.error_value().message));
  BOOST_TEST(audit.value().divergences == 0u, audit.value().first_divergence);
}

BOOST_AUTO_TEST_CASE(malformed_events_are_dead_lettered_with_reasons) {
  node_fixture f;
  f.options.limits.max_event_bytes = 4096;
  f.start({"counting"});
  f.send_count("k", 1);
  f.send(topics::catalog::metrics, "x", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  auto good = test::service_load({5, 5}, 2, "k", 1, 0.5);
  f.send(
      topics::catalog::metrics, "x",
      std::vector<std::uint8_t>(good.begin(), good.begin() + static_cast<long>(good.size() / 2)));
  f.send(topics::catalog::metrics, "x", std::vector<std::uint8_t>(8192, 'A'));
  const std::string bad_json = R"({"type":"ServiceLoad","payload":{"no_such_field":1}})";
  f.send(topics::catalog::metrics, "x",
         std::vector<std::uint8_t>(bad_json.begin(), bad_json.end()));
  const std::string ok_json =
      R"({"key":"k","type":"ServiceLoad","payload":{"service":"k","replicas":1,"cpu_utilization":0.5}})";
  f.send(topics::catalog::metrics, "k", std::vector<std::uint8_t>(ok_json.begin(), ok_json.end()));
  // Valid FlatBuffers that break the input limits.
  f.send(topics::catalog::metrics, "x", {}); // a null value
  const std::string deep = R"({"type":"ServiceLoad","payload":{"service":)" +
                           std::string(1500, '[') + std::string(1500, ']') + "}}";
  f.send(topics::catalog::metrics, "x", std::vector<std::uint8_t>(deep.begin(), deep.end()));
  {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateServiceLoadDirect(b, "k", 1, 100, 0.5);
    const auto id = fbs::EventId{99, 9999};
    auto e = fbs::CreateEnvelopeDirect(b, &id, 99, "k", 5, "svc", nullptr, nullptr,
                                       fbs::Payload::ServiceLoad, p.Union());
    fbs::FinishEnvelopeBuffer(b, e);
    f.send(topics::catalog::metrics, "k",
           std::vector<std::uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()));
  }
  f.send(topics::catalog::metrics, "k",
         test::service_load({99, 10001}, 253402300800000, "k", 1, 0.5)); // year 10000
  f.send(topics::catalog::metrics, "k", test::service_load({99, 10002}, 6, "k\xff", 1, 0.5));
  f.send(topics::catalog::metrics, "k",
         test::service_load({99, 10003}, 7, std::string(300, 's'), 1, 0.5));
  f.send_count("k", 3);
  auto decisions = f.decisions_until(3);
  BOOST_TEST(decisions.size() == 3u);
  auto dlq = test::read_until(f.node->kafka(), f.node->catalog().name(topics::catalog::dlq),
                              [](const auto& all) { return all.size() >= 10; });
  BOOST_TEST_REQUIRE(dlq.size() == 10u);
  std::vector<std::string> reasons;
  for (const auto& r : dlq) {
    reasons.push_back(test::header_value(r, topics::dlq_reason_header));
    BOOST_TEST(test::header_value(r, topics::dlq_agent_header) == "counting");
  }
  BOOST_TEST(reasons[0].find("file identifier") != std::string::npos, reasons[0]);
  BOOST_TEST(reasons[1].find("verification") != std::string::npos, reasons[1]);
  BOOST_TEST(reasons[2].find("exceeds the limit") != std::string::npos, reasons[2]);
  BOOST_TEST(reasons[3].find("invalid JSON event") != std::string::npos, reasons[3]);
  BOOST_TEST(reasons[4].find("null record value") != std::string::npos, reasons[4]);
  BOOST_TEST(reasons[5].find("nests deeper than 64") != std::string::npos, reasons[5]);
  BOOST_TEST(reasons[6].find("schema version 99") != std::string::npos, reasons[6]);
  BOOST_TEST(reasons[7].find("outside the accepted window") != std::string::npos, reasons[7]);
  BOOST_TEST(reasons[8].find(": not valid UTF-8") != std::string::npos, reasons[8]);
  BOOST_TEST(reasons[9].find(": 300 bytes exceed the limit of 256") != std::string::npos,
             reasons[9]);
  BOOST_TEST(dlq[4].value.empty());
}

BOOST_AUTO_TEST_CASE(audit_finds_no_divergence_then_reports_an_altered_decision) {
  node_fixture f;
  f.options.partitions = 2;
  f.start({"operations", "counting"});
  const std::int64_t t0 = 1'700'000'000'000;
  std::uint64_t id = 1;
  for (int i = 0; i < 30; ++i) {
    const double cpu = i < 10 ? 0.95 : (i < 20 ? 0.5 : 0.1);
    f.send(topics::catalog::metrics, "web",
           test::service_load({7, id++}, t0 + i * 30000, "web", 2, cpu, 500));
    f.send(topics::catalog::metrics, "api",
           test::service_load({7, id++}, t0 + i * 30000, "api", 3, cpu * 0.9, 300));
  }
  // Two more records reusing ids already applied, with other payloads: each consuming agent
  // dead-letters them as duplicates, and the audit's replay refuses them the same way.
  f.send(topics::catalog::metrics, "web",
         test::service_load({7, 1}, t0 + 30 * 30000, "web", 2, 0.99, 900));
  f.send(topics::catalog::metrics, "web",
         test::service_load({7, 3}, t0 + 31 * 30000, "web", 9, 0.01, 1));
  BOOST_TEST_REQUIRE(test::wait_for([&] { return f.node->events_in_total() >= 120; }));
  const auto dups = test::read_until(f.node->kafka(), f.node->catalog().name(topics::catalog::dlq),
                                     [](const auto& all) { return all.size() >= 4; });
  BOOST_TEST_REQUIRE(dups.size() == 4u);
  for (const auto& r : dups)
    BOOST_TEST(test::header_value(r, topics::dlq_reason_header).find("duplicate event id") !=
                   std::string::npos,
               test::header_value(r, topics::dlq_reason_header));
  auto decisions = f.decisions_until(60);
  BOOST_TEST_REQUIRE(decisions.size() >= 60u);
  BOOST_TEST(f.node->checkpoint_all() > 0);
  decisions = test::read_all(f.node->kafka(), f.node->catalog().name(topics::catalog::decisions));

  runtime::audit_options ao;
  ao.kafka = f.node->kafka();
  ao.agents = {"operations"};
  auto clean = runtime::run_audit(ao);
  BOOST_TEST_REQUIRE(clean.has_value(), (clean ? "" : clean.error_value().message));
  BOOST_TEST(clean.value().divergences == 0u, clean.value().first_divergence);
  BOOST_TEST(clean.value().decisions > 0u);
  BOOST_TEST(clean.value().pending == 0u);

  // explain walks a decision back to the input that caused it.
  {
    const topics::record* scale = nullptr;
    for (const auto& r : decisions)
      if (auto* e = test::envelope_of(r);
          e && e->payload_as_ScaleDecision() && e->principal()->str() == "agent:operations")
        scale = &r;
    BOOST_TEST_REQUIRE(scale != nullptr);
    const auto decision_id = schemas::event_id::from(test::envelope_of(*scale)->id());
    auto chain = runtime::explain(f.node->kafka(), "", decision_id);
    BOOST_TEST_REQUIRE(chain.has_value());
    BOOST_TEST(chain.value().find(decision_id.to_string()) == 0u, chain.value());
    BOOST_TEST(chain.value().find("caused by") != std::string::npos, chain.value());
    BOOST_TEST(chain.value().find("platform.metrics/") != std::string::npos, chain.value());
    BOOST_TEST(chain.value().find("ServiceLoad") != std::string::npos, chain.value());
  }

  // A decision that claims to be from operations but that no input caused (a fabricated
  // or foreign event) is a divergence, not "pending".
  {
    flatbuffers::FlatBufferBuilder fb;
    auto fake = fbs::CreateScaleDecisionDirect(fb, "web", 2, 40, "hpa", "fabricated");
    schemas::envelope_header fh;
    fh.id = {0xfa, 0xb1};
    fh.key = "web";
    fh.event_time_ms = t0;
    fh.principal = "agent:operations";
    fh.causation = {0xdead, 0xbeef};
    f.send(topics::catalog::decisions, fh.key,
           schemas::finish_envelope(fb, fh, fbs::Payload::ScaleDecision, fake.Union()));
    (void)f.producer->flush(topics::ms{10000});
    auto fabricated = runtime::run_audit(ao);
    BOOST_TEST_REQUIRE(fabricated.has_value());
    BOOST_TEST(fabricated.value().divergences == 1u, fabricated.value().first_divergence);
    BOOST_TEST(fabricated.value().pending == 0u);
    BOOST_TEST(fabricated.value().first_divergence.find("caused by no input of agent "
                                                        "operations") != std::string::npos,
               fabricated.value().first_divergence);
  }

  // Alter one recorded operations decision: same id, different content.
  const topics::record* victim = nullptr;
  for (const auto& r : decisions)
    if (auto* e = test::envelope_of(r); e && e->principal()->str() == "agent:operations")
      victim = &r;
  BOOST_TEST_REQUIRE(victim != nullptr);
  const auto* env = test::envelope_of(*victim);
  flatbuffers::FlatBufferBuilder b;
  auto forged = fbs::CreateScaleDecisionDirect(b, "web", 2, 9, "hpa", "altered");
  schemas::envelope_header h;
  h.id = schemas::event_id::from(env->id());
  h.key = env->key()->str();
  h.event_time_ms = env->event_time_ms();
  h.principal = "agent:operations";
  h.causation = schemas::event_id::from(env->causation_id());
  auto bytes = schemas::finish_envelope(b, h, fbs::Payload::ScaleDecision, forged.Union());
  f.send(topics::catalog::decisions, h.key, bytes);
  (void)f.producer->flush(topics::ms{10000});

  auto audited = runtime::run_audit(ao);
  BOOST_TEST_REQUIRE(audited.has_value());
  BOOST_TEST(audited.value().divergences >= 2u);
  BOOST_TEST(audited.value().first_divergence.find(h.id.to_string()) != std::string::npos,
             audited.value().first_divergence);
  BOOST_TEST(audited.value().first_divergence.find("caused by") != std::string::npos);
  // The input that caused it is fetched again from its topic and shown.
  const auto& chain = audited.value().first_divergence;
  BOOST_TEST(chain.find("(input ") != std::string::npos, chain);
  BOOST_TEST(chain.find("ServiceLoad") != std::string::npos, chain);
  BOOST_TEST(chain.find("no longer readable") == std::string::npos, chain);
}
