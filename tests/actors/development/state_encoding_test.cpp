// The Development agent's state encoding and settings: impossible content is refused, a
// snapshot round-trips into the same state, the settings are read. (Determinism, recovery,
// refused snapshots in general and the registry's topics and versions are the conformance
// suite's: tests/actors/conformance.)
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <boost/test/unit_test.hpp>

#include "actors/development/state_codec.hpp"
#include "actors/registry.hpp"
#include "tests/actors/development/development_fixture.hpp"
#include "tests/actors/kit/state_checks.hpp"

using namespace aetherial::actors::development::test;

BOOST_AUTO_TEST_SUITE(development_state_encoding)

BOOST_AUTO_TEST_CASE(impossible_content_is_refused) {
  development_agent other;
  development_state d;
  d.deploys["d1"].phase = static_cast<deploy_phase>(9);
  check_refused(other, encode_state(d));
  // Rows the agent could not have written fail the event that reads them.
  test_history t;
  t.commits = {"c1"}; // no result for c1
  BOOST_CHECK_THROW((void)decode_test(encode_test(t)), std::runtime_error);
  failure_cluster c;
  c.tests = {"b", "a"}; // unsorted
  BOOST_CHECK_THROW((void)decode_cluster(encode_cluster(c)), std::runtime_error);
  repo_state r;
  r.baseline = -1.0;
  BOOST_CHECK_THROW((void)decode_repo(encode_repo(r)), std::runtime_error);
  BOOST_CHECK_THROW((void)decode_owner(bytes{1, 2, 3}), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(a_snapshot_and_the_rows_round_trip) {
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
  BOOST_TEST_REQUIRE(round_trips(restored, snap, "ADV3"));
  BOOST_TEST(restored.state().deploys.size() == h.agent.state().deploys.size());
  BOOST_TEST(restored.state().watermark_ms == at_s(20));
  // Every row decodes and encodes to the same bytes.
  const std::pair<std::string_view, bytes (*)(const bytes&)> tables[] = {
      {repos_table, [](const bytes& v) { return encode_repo(decode_repo(v)); }},
      {tests_table, [](const bytes& v) { return encode_test(decode_test(v)); }},
      {clusters_table, [](const bytes& v) { return encode_cluster(decode_cluster(v)); }},
      {owners_table, [](const bytes& v) { return encode_owner(decode_owner(v)); }},
      {changes_table, [](const bytes& v) { return encode_change(decode_change(v)); }}};
  for (const auto& [table, again] : tables) {
    BOOST_TEST(h.tables.size(table) > 0u, table);
    h.tables.scan(table, {}, {}, [&, again = again](std::string_view, const bytes& v) {
      BOOST_TEST((again(v) == v));
      return true;
    });
  }
}

BOOST_AUTO_TEST_CASE(idle_rows_are_forgotten_and_lapsed_reviews_close) {
  development_config cfg;
  cfg.testing.test_idle_ms = 10'000;
  cfg.testing.cluster_idle_ms = 20'000;
  cfg.review.owner_idle_ms = 30'000;
  cfg.review.change_ttl_ms = 15'000;
  harness h(cfg);
  events ev;
  (void)h.feed(ev.review(at_s(0), "ch1", "dana", {"src/db/pool.cpp"}));
  (void)h.feed(ev.review(at_s(1), "ch2", "erin", {"src/db/pool.cpp"}));
  (void)h.feed(ev.test_result(at_s(2), "t0", "c1", false, "boom"));
  (void)h.feed(ev.test_result(at_s(3), "t1", "c1", true));
  BOOST_TEST(rows_of_repo(h, tests_table, "web") == 2u);
  BOOST_TEST(rows_of_repo(h, clusters_table, "web") == 1u);
  BOOST_TEST(rows_of_repo(h, changes_table, "web") == 2u);
  BOOST_TEST(repo_of(h, "web").open_reviews.size() == 2u);

  // t1 runs again at 9 s, so only t0 is idle at 12.5 s.
  (void)h.feed(ev.test_result(at_s(9), "t1", "c2", true));
  (void)h.feed(ev.error_rate(at_s(12) + 500, 0.01, "other"));
  BOOST_TEST(!row_of(h, tests_table, "web", "t0", &decode_test).has_value());
  BOOST_TEST(row_of(h, tests_table, "web", "t1", &decode_test).has_value());
  // At 16.5 s both reviews have lapsed: no open review counts any more, the row goes.
  (void)h.feed(ev.error_rate(at_s(16) + 500, 0.01, "other"));
  BOOST_TEST(rows_of_repo(h, changes_table, "web") == 0u);
  BOOST_TEST(!h.tables.get(repos_table, "web").has_value());
  BOOST_TEST(rows_of_repo(h, clusters_table, "web") == 1u);
  // Then the cluster (idle 20 s after 2 s), t1 (idle 10 s after 9 s) and the owners (30 s).
  (void)h.feed(ev.error_rate(at_s(22) + 500, 0.01, "other"));
  BOOST_TEST(rows_of_repo(h, clusters_table, "web") == 0u);
  BOOST_TEST(rows_of_repo(h, tests_table, "web") == 0u);
  BOOST_TEST(rows_of_repo(h, owners_table, "web") > 0u);
  (void)h.feed(ev.error_rate(at_s(31) + 500, 0.01, "other"));
  BOOST_TEST(rows_of_repo(h, owners_table, "web") == 0u);
  for (const auto index :
       {tests_expiry_index, clusters_expiry_index, owners_expiry_index, changes_expiry_index})
    BOOST_TEST(h.tables.size(index) == 0u, index);
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
