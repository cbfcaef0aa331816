// The Development agent's state encoding and settings: impossible content is refused, a
// snapshot round-trips into the same state, the settings are read. (Determinism, recovery,
// refused snapshots in general and the registry's topics and versions are the conformance
// suite's: tests/actors/conformance.)
#include <string>

#include <boost/test/unit_test.hpp>

#include "actors/development/state_codec.hpp"
#include "actors/registry.hpp"
#include "tests/actors/development/development_fixture.hpp"
#include "tests/actors/kit/state_checks.hpp"

using namespace aetherial::actors::development::test;

BOOST_AUTO_TEST_SUITE(development_state_encoding)

BOOST_AUTO_TEST_CASE(impossible_content_is_refused) {
  development_agent other;
  development_state s;
  s.repos["web"].tests["t"].commits = {"c1"}; // no result for c1
  check_refused(other, encode_state(s));
  development_state d;
  d.deploys["d1"].phase = static_cast<deploy_phase>(9);
  check_refused(other, encode_state(d));
}

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_into_the_same_state) {
  events ev;
  harness h;
  (void)h.feed(ev.review(at_s(7), "ch1", "dana", {"src/db/pool.cpp"}));
  (void)h.feed(ev.task(at_s(10), "t1", "development.deploy",
                       {{"service", "web"}, {"commit", "c1"}, {"text", "Deploy to production"}}));
  (void)h.feed(ev.test_result(at_s(12), "t0", "c1", false, "boom at 0x1234"));
  (void)h.feed(ev.build(at_s(20), "c1", true));
  const auto snap = h.agent.snapshot();
  BOOST_TEST(decode_state(snap.data(), snap.size()).has_value());
  development_agent restored;
  BOOST_TEST_REQUIRE(round_trips(restored, snap, "ADV2"));
  BOOST_TEST(restored.state().repos.size() == h.agent.state().repos.size());
  BOOST_TEST(restored.state().deploys.size() == h.agent.state().deploys.size());
}

BOOST_AUTO_TEST_CASE(the_registry_describes_the_agent_and_its_settings) {
  (void)made_by_registry<development_agent>(
      "development", {{"development.watch_minutes", "5"},
                      {"development.approval_environments", "production, staging"}});
  const auto c = config_from({{"development.watch_minutes", "5"},
                              {"development.approval_environments", "production, staging"},
                              {"development.severe_ratio", "nope"}});
  BOOST_TEST(c.deploy.watch_ms == 300'000);
  BOOST_TEST((c.deploy.approval_environments == std::vector<std::string>{"production", "staging"}));
  BOOST_TEST(c.deploy.severe_ratio == 5.0);
}

BOOST_AUTO_TEST_SUITE_END()
