#define BOOST_TEST_MODULE topics_catalog
#include <boost/test/unit_test.hpp>

#include <set>

#include "topics/catalog.hpp"

using aetherial::topics::catalog;

BOOST_AUTO_TEST_CASE(names_carry_the_prefix_verbatim) {
  const catalog plain;
  BOOST_TEST(plain.prefix() == "");
  BOOST_TEST(plain.name(catalog::metrics) == "platform.metrics");

  const catalog staging("staging.", 8, 3);
  BOOST_TEST(staging.name(catalog::metrics) == "staging.platform.metrics");
  BOOST_TEST(staging.name(catalog::dlq) == "staging.aetherial.dlq");
  BOOST_TEST(staging.partitions() == 8);
  BOOST_TEST(staging.replication_factor() == 3);
  // Specs keep logical names: the prefix is applied by name() only.
  for (const auto& t : staging.topics())
    BOOST_TEST(t.name.rfind("staging.", 0) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(declares_every_topic_once) {
  const catalog cat("p-");
  const std::set<std::string> expected = {
      "platform.metrics",     "platform.health",          "platform.activity",
      "platform.requests",    "platform.content",         "platform.support",
      "platform.dev",         "platform.feedback",        "aetherial.commands",
      "aetherial.tasks",      "aetherial.decisions",      "aetherial.replies",
      "aetherial.effects",    "aetherial.effect-results", "aetherial.telemetry",
      "aetherial.snapshots",  "aetherial.journal",        "aetherial.dlq",
      "aetherial.changelog",  "platform.reference",       "aetherial.broadcast",
      "aetherial.repartition"};
  std::set<std::string> names;
  for (const auto& t : cat.topics()) {
    BOOST_TEST(names.insert(t.name).second, t.name << " declared twice");
    BOOST_TEST(!t.content.empty());
  }
  BOOST_TEST(names == expected);
  for (auto logical :
       {catalog::metrics, catalog::health, catalog::decisions, catalog::replies, catalog::tasks,
        catalog::effects, catalog::effect_results, catalog::telemetry, catalog::snapshots,
        catalog::journal, catalog::dlq, catalog::changelog, catalog::reference, catalog::broadcast,
        catalog::repartition})
    BOOST_TEST(cat.find(logical).has_value(), logical);
}

BOOST_AUTO_TEST_CASE(cleanup_and_agent_inputs) {
  const catalog cat;
  for (const auto& t : cat.topics())
    BOOST_TEST(t.compacted == (t.name == "aetherial.snapshots" || t.name == "aetherial.changelog"),
               t.name);

  const std::set<std::string> inputs = {"aetherial.commands",       "aetherial.tasks",
                                        "aetherial.effect-results", "aetherial.telemetry",
                                        "aetherial.broadcast",      "aetherial.repartition"};
  for (const auto& t : cat.topics()) {
    // platform.reference is read by the broadcaster, not by agents (they read its copies).
    const bool platform = t.name.rfind("platform.", 0) == 0 && t.name != "platform.reference";
    BOOST_TEST(t.agent_input == (platform || inputs.count(t.name) > 0), t.name);
  }
}

BOOST_AUTO_TEST_CASE(find_takes_logical_names_only) {
  const catalog cat("staging.");
  BOOST_TEST(cat.find("platform.feedback")->agent_input);
  BOOST_TEST(!cat.find("staging.platform.feedback").has_value());
  BOOST_TEST(!cat.find("platform.unknown").has_value());
  BOOST_TEST(!cat.find("").has_value());
}
