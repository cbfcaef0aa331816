// The Operations agent's state encoding: doubles round-trip bit for bit, impossible content
// is refused, and the registry lists the agent first. (Determinism, recovery, refused
// snapshots in general and the registry's topics and versions are the conformance suite's:
// tests/actors/conformance.)
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "actors/operations/state_codec.hpp"
#include "actors/registry.hpp"
#include "tests/actors/kit/state_checks.hpp"
#include "tests/actors/operations/operations_fixture.hpp"

using namespace aetherial::actors::operations::test;

BOOST_AUTO_TEST_SUITE(operations_state_encoding)

BOOST_AUTO_TEST_CASE(doubles_round_trip_bit_for_bit) {
  operations_state s;
  s.runtime.capacity_per_instance = std::numeric_limits<double>::max();
  s.runtime.samples.push_back({1, 2, 3, -0.0});
  s.healing.actions["restart|pool"].successes = 0;
  const auto snap = encode_state(s);
  const auto back = decode_state(snap.data(), snap.size());
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(back->runtime.capacity_per_instance == std::numeric_limits<double>::max());
  BOOST_TEST(std::signbit(back->runtime.samples.at(0).events_per_s));
  BOOST_TEST(back->healing.actions.count("restart|pool") == 1u);
  BOOST_TEST((encode_state(*back) == snap));
}

BOOST_AUTO_TEST_CASE(service_rows_round_trip_bit_for_bit) {
  service_row row;
  auto& svc = row.scaling.emplace();
  svc.forecaster.level = std::numeric_limits<double>::quiet_NaN();
  svc.forecaster.season = {0.1, -std::numeric_limits<double>::infinity(), 5e-324};
  svc.cpu_per_request = std::numeric_limits<double>::denorm_min();
  svc.recommendations.push_back({5, 3});
  row.reading.emplace();
  row.reading->replicas = 1;
  row.reading->error_rate = -0.0;
  const auto value = encode_row(row);
  const auto back = decode_row(value);
  BOOST_TEST_REQUIRE(back.scaling.has_value());
  BOOST_TEST(std::isnan(back.scaling->forecaster.level));
  BOOST_TEST(back.scaling->forecaster.season[2] == 5e-324);
  BOOST_TEST(back.scaling->recommendations.at(0).replicas == 3);
  BOOST_TEST_REQUIRE(back.reading.has_value());
  BOOST_TEST(std::signbit(back.reading->error_rate));
  BOOST_TEST((encode_row(back) == value));
  // A row with only a reading stays without scaling state.
  service_row only;
  only.reading = row.reading;
  BOOST_TEST(!decode_row(encode_row(only)).scaling.has_value());
}

BOOST_AUTO_TEST_CASE(a_snapshot_and_its_tables_round_trip_into_the_same_state) {
  harness h;
  events ev;
  (void)h.feed(ev.policy(at_s(0), "api", 1, 8, 0.5, 120));
  for (int i = 0; i < 20; ++i)
    (void)h.feed(ev.load(at_s(15 * i), "web", 2, i < 10 ? 0.9 : 0.3, 400));
  // Services are rows, not snapshot content: the snapshot stays the same size as they grow.
  BOOST_TEST(h.tables.size(services_table) == 2u);
  const auto snap = h.agent.snapshot();
  for (int i = 0; i < 500; ++i)
    (void)h.feed(ev.load(at_s(400 + i), "svc-" + std::to_string(i), 2, 0.5, 100));
  BOOST_TEST(h.tables.size(services_table) == 502u);
  BOOST_TEST(h.agent.snapshot().size() == snap.size());

  operations_agent restored;
  BOOST_TEST_REQUIRE(round_trips(restored, snap, "AOP4"));
  BOOST_TEST(restored.state().events == 21u);
}

BOOST_AUTO_TEST_CASE(impossible_content_is_refused) {
  operations_agent target;
  operations_state s;
  s.healing.incidents["i-1"].status = static_cast<incident_status>(9);
  check_refused(target, encode_state(s));

  // A row the agent could not have written fails the record that reads it.
  service_row row;
  row.scaling.emplace().target_cpu = 0.0;
  BOOST_CHECK_THROW((void)decode_row(encode_row(row)), std::runtime_error);
  BOOST_CHECK_THROW((void)decode_row(bytes{1, 2, 3}), std::runtime_error);
  harness h;
  events ev;
  h.tables.put(services_table, "web", bytes{0, 0, 0, 0, 1, 2});
  BOOST_CHECK_THROW((void)h.feed(ev.load(at_s(1), "web", 2, 0.5)), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(registry_describes_the_operations_agent) {
  const auto* kind = find_agent_kind("operations");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(&agent_kinds().front() == kind);
}

BOOST_AUTO_TEST_SUITE_END()
