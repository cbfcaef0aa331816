// The Development agent's state encoding and settings: impossible content is refused, a
// snapshot round-trips into the same state, the settings are read. (Determinism, recovery
// and refused snapshots in general are the conformance suite's: tests/actors/conformance.)
#include <string>

#include <boost/test/unit_test.hpp>

#include "actors/development/state_codec.hpp"
#include "actors/registry.hpp"
#include "tests/actors/development/development_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::development;
using namespace aetherial::actors::development::test;

BOOST_AUTO_TEST_SUITE(development_state_encoding)

BOOST_AUTO_TEST_CASE(impossible_content_is_refused) {
  development_agent other;
  const auto empty = other.snapshot();
  development_state s;
  s.repos["web"].tests["t"].commits = {"c1"}; // no result for c1
  const auto unpaired = encode_state(s);
  BOOST_TEST(!other.restore(unpaired.data(), unpaired.size()));
  development_state d;
  d.deploys["d1"].phase = static_cast<deploy_phase>(9);
  const auto phase = encode_state(d);
  BOOST_TEST(!other.restore(phase.data(), phase.size()));
  BOOST_TEST(other.snapshot() == empty);
}

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_into_the_same_state) {
  BOOST_TEST(min_state_encoding_version == state_encoding_version);
  events ev;
  harness h;
  (void)h.feed(ev.review(at_s(7), "ch1", "dana", {"src/db/pool.cpp"}));
  (void)h.feed(ev.task(at_s(10), "t1", "development.deploy",
                       {{"service", "web"}, {"commit", "c1"}, {"text", "Deploy to production"}}));
  (void)h.feed(ev.test_result(at_s(12), "t0", "c1", false, "boom at 0x1234"));
  (void)h.feed(ev.build(at_s(20), "c1", true));
  const auto snap = h.agent.snapshot();
  BOOST_TEST(std::string(snap.begin() + 4, snap.begin() + 8) == "ADV2");
  BOOST_TEST(decode_state(snap.data(), snap.size()).has_value());
  development_agent restored;
  BOOST_TEST_REQUIRE(restored.restore(snap.data(), snap.size()));
  BOOST_TEST(restored.snapshot() == snap);
  BOOST_TEST(restored.state().repos.size() == h.agent.state().repos.size());
  BOOST_TEST(restored.state().deploys.size() == h.agent.state().deploys.size());
}

BOOST_AUTO_TEST_CASE(the_registry_describes_the_agent_and_its_settings) {
  const auto* k = find_agent_kind("development");
  BOOST_TEST_REQUIRE(k != nullptr);
  BOOST_TEST((k->input_topics == std::vector<std::string>{"platform.dev", "aetherial.tasks",
                                                          "aetherial.effect-results"}));
  BOOST_TEST(k->state_version == state_encoding_version);
  auto a = k->make({{"development.watch_minutes", "5"},
                    {"development.approval_environments", "production, staging"}});
  BOOST_TEST_REQUIRE(a.get() != nullptr);
  const auto c = config_from({{"development.watch_minutes", "5"},
                              {"development.approval_environments", "production, staging"},
                              {"development.severe_ratio", "nope"}});
  BOOST_TEST(c.deploy.watch_ms == 300'000);
  BOOST_TEST((c.deploy.approval_environments == std::vector<std::string>{"production", "staging"}));
  BOOST_TEST(c.deploy.severe_ratio == 5.0);
}

BOOST_AUTO_TEST_SUITE_END()
