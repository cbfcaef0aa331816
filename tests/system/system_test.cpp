#define BOOST_TEST_MODULE system
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <unistd.h>

#include "tests/runtime/recovery_scenario.hpp"
#include "tests/system/bounce_scenario.hpp"
#include "tests/system/hostile_scenario.hpp"

namespace {

std::string real_broker() {
  const char* b = std::getenv("AETHERIAL_TEST_KAFKA");
  return b ? b : "";
}

} // namespace

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
