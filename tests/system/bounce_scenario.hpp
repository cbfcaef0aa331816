#pragma once
// A broker restart under load, on Apache Kafka: the runtime must resume by itself, lose
// nothing and (exactly_once) duplicate nothing. The broker is stopped for `down` while the
// node runs, started again on the same data, more events follow; then the node is stopped
// gracefully and the audit must find every input applied once and no divergence.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

#include "runtime/audit.hpp"
#include "tests/runtime/recovery_scenario.hpp"

namespace aetherial::test {

/// Runs ops/kafka/broker.sh `command` on the fixture's broker; its exit code.
inline int broker_control(const std::string& command, const std::string& log) {
  const char* dir = std::getenv("AETHERIAL_TEST_KAFKA_DIR");
  const char* port = std::getenv("AETHERIAL_TEST_KAFKA_PORT");
  BOOST_TEST_REQUIRE((dir && port), "AETHERIAL_TEST_KAFKA_DIR/PORT are not set: run the system "
                                    "tests through tests/system/kafka_fixture.sh");
  return run_command({"/bin/bash", std::string(AETHERIAL_ROOT) + "/ops/kafka/broker.sh", command,
                      "--dir", dir, "--port", port},
                     log)
      .first;
}

struct bounce_result {
  std::size_t inputs = 0, replayed = 0, decisions = 0, duplicates = 0;
};

inline bounce_result run_bounce_scenario(const std::string& aetherial_bin,
                                         const std::string& brokers, const std::string& prefix,
                                         bool exactly_once, std::chrono::seconds down) {
  using namespace std::chrono;
  temp_dir dir;
  const std::string log = dir.path() + "/run.log";
  const int partitions = 2;
  const topics::catalog cat(prefix, partitions);
  topics::kafka_config kc;
  kc.brokers = brokers;
  create_topics(aetherial_bin, brokers, prefix, partitions, log);
  std::vector<std::string> argv = {aetherial_bin, "run", "--brokers", brokers, "--topic-prefix",
                                   prefix, "--partitions", std::to_string(partitions), "--agents",
                                   "operations", "--data-dir", dir.path(), "--metrics-port", "-1",
                                   "--checkpoint-interval-ms", "1000",
                                   // no runtime telemetry: the journal then holds only the
                                   // inputs this test sent, and can be counted
                                   "--telemetry-interval-ms", "0", "--group", prefix + "group"};
  if (exactly_once) {
    argv.push_back("--guarantee");
    argv.push_back("exactly_once");
  }
  const std::int64_t t0 = 1'700'000'000'000;
  std::uint64_t next = 1;
  std::size_t sent = 0;
  auto send_phase = [&](const std::string& tag) {
    auto producer = topics::producer::create(kc);
    BOOST_TEST_REQUIRE(producer.has_value());
    for (int i = 0; i < 10; ++i)
      for (int s = 0; s < 6; ++s) {
        const auto service = tag + std::to_string(s);
        auto v = service_load({0xb0, next++}, t0 + i * 30000, service, 2, 0.95, 400);
        BOOST_TEST_REQUIRE(static_cast<bool>(producer.value()->send(
            cat.name(topics::catalog::metrics), -1, service, v.data(), v.size())));
        ++sent;
      }
    BOOST_TEST_REQUIRE(static_cast<bool>(producer.value()->flush(topics::ms{30000})));
  };
  auto decided = [&](const std::string& tag) {
    std::set<std::string> services;
    for (const auto& r : read_all(kc, cat.name(topics::catalog::decisions)))
      if (auto* e = envelope_of(r); e && e->key() && e->key()->str().rfind(tag, 0) == 0)
        services.insert(e->key()->str());
    return services.size();
  };

  child_process node(argv, log);
  send_phase("before-");
  BOOST_TEST_REQUIRE(wait_for([&] { return decided("before-") == 6; }, seconds(120)),
                     "no decisions before the bounce; log:\n" + tail_of(log));
  BOOST_TEST_MESSAGE("stopping the broker for " << down.count() << " s");
  BOOST_TEST_REQUIRE(broker_control("stop", log) == 0, tail_of(log));
  std::this_thread::sleep_for(down);
  BOOST_TEST_REQUIRE(broker_control("start", log) == 0, tail_of(log));
  BOOST_TEST_MESSAGE("broker started again");
  send_phase("after-");
  BOOST_TEST_REQUIRE(wait_for([&] { return decided("after-") == 6; }, seconds(240)),
                     "the node did not resume after the broker restart; log:\n" + tail_of(log));
  BOOST_TEST_REQUIRE(node.poll_exit() < 0, "the node exited; log:\n" + tail_of(log));
  node.signal(SIGTERM);
  BOOST_TEST(node.wait() == 0, tail_of(log));

  runtime::audit_options ao;
  ao.kafka = kc;
  ao.topic_prefix = prefix;
  ao.agents = {"operations"};
  auto audit = runtime::run_audit(ao);
  BOOST_TEST_REQUIRE(audit.has_value(), (audit ? "" : audit.error_value().message));
  bounce_result res;
  res.inputs = sent;
  res.replayed = audit.value().inputs_replayed;
  res.decisions = audit.value().decisions;
  BOOST_TEST(audit.value().divergences == 0u, audit.value().first_divergence);
  // Every input in the journaled history: nothing lost; under exactly_once nothing twice
  // (at_least_once may apply again what an unfinished checkpoint had journaled).
  if (exactly_once)
    BOOST_TEST(res.replayed == sent, tail_of(log));
  else
    BOOST_TEST(res.replayed >= sent, tail_of(log));
  std::map<std::string, int> copies;
  for (const auto& r : read_all(kc, cat.name(topics::catalog::decisions)))
    if (auto* e = envelope_of(r); e && ++copies[schemas::event_id::from(e->id()).to_string()] > 1)
      ++res.duplicates;
  if (exactly_once) BOOST_TEST(res.duplicates == 0u);
  std::filesystem::copy_file(log, std::filesystem::temp_directory_path() / (prefix + "run.log"),
                             std::filesystem::copy_options::overwrite_existing);
  BOOST_TEST_MESSAGE("bounce (" << (exactly_once ? "exactly_once" : "at_least_once")
                                << "): " << res.inputs << " inputs, " << res.replayed
                                << " applied, " << res.decisions << " decisions audited, "
                                << res.duplicates << " duplicate decisions");
  return res;
}

} // namespace aetherial::test
