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
  auto& svc = s.services["web"];
  svc.forecaster.level = std::numeric_limits<double>::quiet_NaN();
  svc.forecaster.season = {0.1, -std::numeric_limits<double>::infinity(), 5e-324};
  svc.cpu_per_request = std::numeric_limits<double>::denorm_min();
  s.runtime.capacity_per_instance = std::numeric_limits<double>::max();
  s.readings["web"].replicas = 1;
  s.readings["web"].error_rate = -0.0;
  s.healing.actions["restart|pool"].successes = 0;
  const auto snap = encode_state(s);
  const auto back = decode_state(snap.data(), snap.size());
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(std::isnan(back->services.at("web").forecaster.level));
  BOOST_TEST(back->services.at("web").forecaster.season[2] == 5e-324);
  BOOST_TEST(std::signbit(back->readings.at("web").error_rate));
  BOOST_TEST(back->healing.actions.count("restart|pool") == 1u);
  BOOST_TEST((encode_state(*back) == snap));
}

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_into_the_same_state) {
  harness h;
  events ev;
  (void)h.feed(ev.policy(at_s(0), "api", 1, 8, 0.5, 120));
  for (int i = 0; i < 20; ++i)
    (void)h.feed(ev.load(at_s(15 * i), "web", 2, i < 10 ? 0.9 : 0.3, 400));
  const auto snap = h.agent.snapshot();
  operations_agent restored;
  BOOST_TEST_REQUIRE(round_trips(restored, snap, "AOP3"));
  BOOST_TEST(restored.state().services.size() == h.agent.state().services.size());
  BOOST_TEST(restored.state().events == h.agent.state().events);
}

BOOST_AUTO_TEST_CASE(impossible_content_is_refused) {
  operations_agent target;
  operations_state s;
  s.services["x"].target_cpu = 0.0;
  check_refused(target, encode_state(s));
}

BOOST_AUTO_TEST_CASE(registry_describes_the_operations_agent) {
  const auto* kind = find_agent_kind("operations");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(&agent_kinds().front() == kind);
}

BOOST_AUTO_TEST_SUITE_END()
