#define BOOST_TEST_MODULE system
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/recovery.hpp"
#include "tests/runtime/recovery_scenario.hpp"
#include "tests/system/bounce_scenario.hpp"
#include "tests/system/hostile_scenario.hpp"
#include "topics/kafka.hpp"

namespace {

std::string real_broker() {
  const char* b = std::getenv("AETHERIAL_TEST_KAFKA");
  return b ? b : "";
}

} // namespace

// The size of a consumer group as any client reads it from Apache Kafka: what a node reports
// as the runtime's instances in its telemetry.
BOOST_AUTO_TEST_CASE(a_groups_members_are_counted_on_real_kafka) {
  namespace topics = aetherial::topics;
  const auto brokers = real_broker();
  BOOST_TEST_REQUIRE(!brokers.empty(), "AETHERIAL_TEST_KAFKA is not set");
  topics::kafka_config cfg;
  cfg.brokers = brokers;
  const topics::catalog cat("grp" + std::to_string(::getpid()) + ".", 2);
  BOOST_TEST_REQUIRE(topics::ensure_topics(cfg, cat, topics::ms{30000}).has_value());
  const std::string group = "members-" + std::to_string(::getpid());
  auto producer = topics::producer::create(cfg);
  BOOST_TEST_REQUIRE(producer.has_value());
  const auto none = producer.value()->group_members(group, topics::ms{10000});
  BOOST_TEST((!none.has_value() || none.value() == 0));
  auto member = topics::consumer::create(cfg, group, nullptr);
  BOOST_TEST_REQUIRE(member.has_value());
  BOOST_TEST_REQUIRE(member.value()->subscribe({cat.name(topics::catalog::metrics)}).has_value());
  int counted = -1;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until && counted != 1) {
    (void)member.value()->poll(10, topics::ms{200});
    const auto n = producer.value()->group_members(group, topics::ms{5000});
    counted = n.has_value() ? n.value() : -1;
  }
  BOOST_TEST(counted == 1);
  member.value()->close();
}

// `aetherial status` on Apache Kafka: two nodes split an agent kind's partitions; the
// command names both members with the partitions each owns, and the lag reaches 0 once they
// applied what was produced.
BOOST_AUTO_TEST_CASE(status_shows_members_partitions_and_lag_on_real_kafka) {
  const auto brokers = real_broker();
  BOOST_TEST_REQUIRE(!brokers.empty(), "AETHERIAL_TEST_KAFKA is not set");
  const std::string prefix = "status" + std::to_string(::getpid()) + ".";
  aetherial::test::temp_dir dir;
  const std::string log = dir.path() + "/run.log";
  aetherial::test::create_topics(AETHERIAL_BIN, brokers, prefix, 4, log);
  const auto node = [&](const std::string& name) {
    return std::make_unique<aetherial::test::child_process>(
        std::vector<std::string>{AETHERIAL_BIN, "run", "--brokers", brokers, "--topic-prefix",
                                 prefix, "--group", prefix + "g", "--agents", "operations",
                                 "--data-dir", dir.path() + "/" + name, "--instance-id", name,
                                 "--metrics-port", "-1", "--telemetry-interval-ms", "0"},
        log);
  };
  auto a = node("alpha");
  auto b = node("beta");
  aetherial::topics::kafka_config kc;
  kc.brokers = brokers;
  const aetherial::topics::catalog cat(prefix, 4);
  auto producer = aetherial::topics::producer::create(kc);
  BOOST_TEST_REQUIRE(producer.has_value());
  for (int i = 0; i < 40; ++i) {
    const auto service = "svc-" + std::to_string(i);
    auto v = aetherial::test::service_load({0x5747, static_cast<std::uint64_t>(i + 1)},
                                           1'700'000'000'000 + i * 1000, service, 2, 0.5, 100);
    BOOST_TEST_REQUIRE(
        producer.value()
            ->send(cat.name(aetherial::topics::catalog::metrics), -1, service, v.data(), v.size())
            .has_value());
  }
  BOOST_TEST_REQUIRE(producer.value()->flush(aetherial::topics::ms{30000}).has_value());
  const std::vector<std::string> status_argv{
      AETHERIAL_BIN, "status",  "--brokers",  brokers,    "--topic-prefix",
      prefix,        "--group", prefix + "g", "--agents", "operations"};
  std::string out;
  const bool settled = aetherial::test::wait_for(
      [&] {
        auto [code, text] = aetherial::test::run_command(status_argv, log);
        out = text;
        if (code == 0 && out.find("Stable, 2 members, lag 0") != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        return false;
      },
      std::chrono::seconds(120));
  BOOST_TEST(settled, out + aetherial::test::tail_of(log));
  BOOST_TEST(out.find("member alpha.operations") != std::string::npos, out);
  BOOST_TEST(out.find("member beta.operations") != std::string::npos, out);
  // Range assignment over 4 partitions and 2 members: two each.
  BOOST_TEST(out.find("partitions 0,1") != std::string::npos, out);
  BOOST_TEST(out.find("partitions 2,3") != std::string::npos, out);
  auto [json_code, json] = aetherial::test::run_command(
      [&] {
        auto v = status_argv;
        v.push_back("--json");
        return v;
      }(),
      log);
  BOOST_TEST(json_code == 0);
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  BOOST_TEST_REQUIRE((doc.is_array() && doc.size() == 1u), json);
  BOOST_TEST(doc[0].value("kind", "") == "operations");
  BOOST_TEST(doc[0].value("lag", -1) == 0, json);
  BOOST_TEST(doc[0]["members"].size() == 2u, json);
  BOOST_TEST(json.find("\"instance_id\": \"alpha.operations\"") != std::string::npos, json);

  // The runtime's lag growing on one instance for two minutes: Operations decides to add one,
  // and the status shows that decision and the effect request a deployment acts on.
  for (int i = 0; i <= 4; ++i) {
    flatbuffers::FlatBufferBuilder fb;
    auto t = aetherial::schemas::fbs::CreateRuntimeTelemetryDirect(fb, "alpha", 1, 2000 + 3000 * i,
                                                                   200, 0, 0, 0);
    aetherial::schemas::envelope_header h;
    h.id = {0x7e1e, static_cast<std::uint64_t>(i + 1)};
    h.key = "runtime";
    h.event_time_ms = 1'700'000'100'000 + i * 30'000;
    h.principal = "svc:runtime";
    const auto v = aetherial::schemas::finish_envelope(
        fb, h, aetherial::schemas::fbs::Payload::RuntimeTelemetry, t.Union());
    BOOST_TEST_REQUIRE(producer.value()
                           ->send(cat.name(aetherial::topics::catalog::telemetry), -1, "runtime",
                                  v.data(), v.size())
                           .has_value());
  }
  BOOST_TEST_REQUIRE(producer.value()->flush(aetherial::topics::ms{30000}).has_value());
  std::string scaled;
  const bool decided = aetherial::test::wait_for(
      [&] {
        auto [code, text] = aetherial::test::run_command(status_argv, log);
        scaled = text;
        if (code == 0 &&
            scaled.find("runtime scaling: 1 -> 2 instances decided at "
                        "2023-11-14 22:17:00 UTC (effect scale-runtime-") != std::string::npos)
          return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        return false;
      },
      std::chrono::seconds(60));
  BOOST_TEST(decided, scaled + aetherial::test::tail_of(log));
  a->signal(SIGTERM);
  b->signal(SIGTERM);
  BOOST_TEST(a->wait() == 0);
  BOOST_TEST(b->wait() == 0);
  // Static members do not leave the group when they stop: the coordinator drops them after
  // the session timeout (6 s). Then the status says so and still shows the committed offsets.
  std::string after;
  const bool emptied = aetherial::test::wait_for(
      [&] {
        auto [code, text] = aetherial::test::run_command(status_argv, log);
        after = text;
        if (code == 0 && after.find("Empty, 0 members, lag 0") != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        return false;
      },
      std::chrono::seconds(60));
  BOOST_TEST(emptied, after);
}

// A read of the log (recovery, the audit, a changelog restore) while a transaction is open on
// the partition: it ends at the last stable offset with the committed records before it, and
// neither waits for the transaction nor delivers its records; once committed, they are read.
BOOST_AUTO_TEST_CASE(a_read_of_the_log_stops_at_an_open_transaction_on_real_kafka) {
  namespace topics = aetherial::topics;
  const auto brokers = real_broker();
  BOOST_TEST_REQUIRE(!brokers.empty(), "AETHERIAL_TEST_KAFKA is not set");
  topics::kafka_config cfg;
  cfg.brokers = brokers;
  const topics::catalog cat("lso" + std::to_string(::getpid()) + ".", 1);
  BOOST_TEST_REQUIRE(topics::ensure_topics(cfg, cat, topics::ms{30000}).has_value());
  const std::string topic = cat.name(topics::catalog::journal);
  const auto send = [&](topics::producer& p, const std::string& value) {
    const auto r = p.send(topic, 0, "k", reinterpret_cast<const std::uint8_t*>(value.data()),
                          value.size(), {});
    BOOST_TEST_REQUIRE(r.has_value(), (r ? std::string() : r.error_value().message));
  };
  auto plain = topics::producer::create(cfg);
  BOOST_TEST_REQUIRE(plain.has_value());
  for (const auto* v : {"c0", "c1", "c2"})
    send(*plain.value(), v);
  BOOST_TEST_REQUIRE(plain.value()->flush(topics::ms{30000}).has_value());
  auto tx = topics::producer::create(cfg, "lso-test-" + std::to_string(::getpid()));
  BOOST_TEST_REQUIRE(tx.has_value());
  BOOST_TEST_REQUIRE(tx.value()->init_transactions(topics::ms{30000}).has_value());
  BOOST_TEST_REQUIRE(tx.value()->begin_transaction().has_value());
  for (const auto* v : {"t0", "t1"})
    send(*tx.value(), v);
  BOOST_TEST_REQUIRE(tx.value()->flush(topics::ms{30000}).has_value());
  for (const auto* v : {"after0", "after1"})
    send(*plain.value(), v);
  BOOST_TEST_REQUIRE(plain.value()->flush(topics::ms{30000}).has_value());

  const auto read = [&] {
    std::vector<std::string> values;
    const auto started = std::chrono::steady_clock::now();
    const auto n =
        aetherial::runtime::read_partitions(cfg, {{topic, 0, -2}}, [&](topics::record& r) {
          values.emplace_back(r.value.begin(), r.value.end());
        });
    BOOST_TEST_REQUIRE(n.has_value(), (n ? std::string() : n.error_value().message));
    BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(20)));
    return values;
  };
  BOOST_TEST((read() == std::vector<std::string>{"c0", "c1", "c2"}));
  BOOST_TEST_REQUIRE(tx.value()->commit_transaction(topics::ms{30000}).has_value());
  // The coordinator writes the commit marker to the partition after the commit returns: the
  // last stable offset moves past the transaction soon, not at once.
  const std::vector<std::string> all{"c0", "c1", "c2", "t0", "t1", "after0", "after1"};
  auto values = read();
  for (int i = 0; i < 60 && values != all; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    values = read();
  }
  std::string seen;
  for (const auto& v : values)
    seen += v + " ";
  BOOST_TEST((values == all), "read after the commit: " << seen);
}

// The end-to-end scenario on Apache Kafka: decisions from events, SIGKILL of the runtime,
// recovery from snapshot + committed offsets, and an audit with zero divergences.
BOOST_AUTO_TEST_CASE(end_to_end_with_sigkill_recovery_on_real_kafka) {
  const auto brokers = real_broker();
  BOOST_TEST_REQUIRE(
      !brokers.empty(),
      "AETHERIAL_TEST_KAFKA is not set: start a broker with "
      "`ops/kafka/broker.sh start` and export AETHERIAL_TEST_KAFKA=127.0.0.1:<port>");
  const std::string prefix = "sys" + std::to_string(::getpid()) + ".";
  auto r = aetherial::test::run_recovery_scenario(AETHERIAL_BIN, brokers, prefix, 3);
  BOOST_TEST(r.decisions >= 3u);
}

// The same scenario with exactly_once: decisions, journal, snapshots and offsets commit in
// one transaction, so a read_committed reader sees every decision exactly once across the
// SIGKILL.
BOOST_AUTO_TEST_CASE(exactly_once_across_sigkill_on_real_kafka) {
  const auto brokers = real_broker();
  BOOST_TEST_REQUIRE(!brokers.empty(), "AETHERIAL_TEST_KAFKA is not set");
  const std::string prefix = "eos" + std::to_string(::getpid()) + ".";
  auto r = aetherial::test::run_recovery_scenario(
      AETHERIAL_BIN, brokers, prefix, 3, {"--guarantee", "exactly_once"}, /*exactly_once=*/true);
  BOOST_TEST(r.decisions >= 3u);
}

// A broker restart mid-run (stopped 20 s, started on the same data), in both guarantees: the
// node resumes by itself, every input is applied once, no decision diverges, and under
// exactly_once none is duplicated.
BOOST_AUTO_TEST_CASE(a_broker_restart_is_survived_at_least_once) {
  const auto brokers = real_broker();
  BOOST_TEST_REQUIRE(!brokers.empty(), "AETHERIAL_TEST_KAFKA is not set");
  const std::string prefix = "bounce" + std::to_string(::getpid()) + ".";
  (void)aetherial::test::run_bounce_scenario(AETHERIAL_BIN, brokers, prefix, false,
                                             std::chrono::seconds(20));
}

BOOST_AUTO_TEST_CASE(a_broker_restart_is_survived_exactly_once) {
  const auto brokers = real_broker();
  BOOST_TEST_REQUIRE(!brokers.empty(), "AETHERIAL_TEST_KAFKA is not set");
  const std::string prefix = "bounceeos" + std::to_string(::getpid()) + ".";
  (void)aetherial::test::run_bounce_scenario(AETHERIAL_BIN, brokers, prefix, true,
                                             std::chrono::seconds(20));
}

// Over 10,000 generated hostile records of every class, with canaries between them, through a node
// of all seven agents: every record accounted for.
BOOST_AUTO_TEST_CASE(hostile_records_are_dead_lettered_once_per_agent_and_canaries_applied) {
  const auto brokers = real_broker();
  BOOST_TEST_REQUIRE(!brokers.empty(), "AETHERIAL_TEST_KAFKA is not set");
  const std::string prefix = "hostile" + std::to_string(::getpid()) + ".";
  const auto r = aetherial::test::run_hostile_scenario(AETHERIAL_BIN, brokers, prefix, 11200);
  BOOST_TEST(r.hostile >= 10000u);
  BOOST_TEST(r.canaries >= 1000u);
}
