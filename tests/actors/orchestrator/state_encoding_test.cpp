// The Orchestrator's state encoding and settings: the state round-trips through the codec,
// impossible content is refused, the registry's agent reads its permissions. (Determinism,
// recovery, refused snapshots in general and the registry's topics and versions are the
// conformance suite's: tests/actors/conformance.)
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/orchestrator/state_codec.hpp"
#include "actors/registry.hpp"
#include "schemas/envelope.hpp"
#include "tests/actors/kit/state_checks.hpp"
#include "tests/actors/orchestrator/orchestrator_fixture.hpp"

using namespace aetherial::actors::orchestrator::test;

namespace {

/// A few dialogues, one of them with a task still pending.
harness with_some_dialogues() {
  events ev;
  harness h;
  (void)h.feed(ev.command(at_s(0), "m0", "admin", "Show me today's active users"));
  (void)h.feed(ev.command(at_s(1), "m1", "developer", "Why is the server slow?"));
  (void)h.feed(ev.command(at_s(2), "m2", "user", "How do I create a course?"));
  (void)h.feed(ev.command(at_s(3), "m3", "user", "What is the meaning of life?"));
  return h;
}

} // namespace

BOOST_AUTO_TEST_SUITE(orchestrator_state_encoding)

BOOST_AUTO_TEST_CASE(state_round_trips_through_the_codec) {
  const auto h = with_some_dialogues();
  const auto bytes1 = encode_state(h.agent.state());
  const auto decoded = decode_state(bytes1.data(), bytes1.size());
  BOOST_TEST_REQUIRE(decoded.has_value());
  BOOST_TEST(encode_state(*decoded) == bytes1);
  BOOST_TEST(decoded->stats.size() == h.agent.state().stats.size());
  harness restored;
  BOOST_TEST_REQUIRE(round_trips(restored.agent, bytes1, "AOR3"));
  BOOST_TEST(restored.agent.state().events == h.agent.state().events);
}

BOOST_AUTO_TEST_CASE(table_rows_round_trip_and_impossible_rows_are_refused) {
  const auto h = with_some_dialogues();
  const auto convs = conversations(h);
  BOOST_TEST(convs.size() == 4u);
  for (const auto& [id, c] : convs)
    BOOST_TEST(encode_conversation(c) == *h.tables.get(conversations_table, id), id);
  const auto pending = pending_tasks(h);
  BOOST_TEST_REQUIRE(!pending.empty());
  for (const auto& [id, t] : pending)
    BOOST_TEST(encode_task(t) == *h.tables.get(tasks_table, id), id);
  const auto effects = pending_effects(h);
  BOOST_TEST_REQUIRE(!effects.empty()); // the meaning of life goes to the language model
  for (const auto& [id, e] : effects)
    BOOST_TEST(encode_effect(e) == *h.tables.get(effects_table, id), id);

  // Rows with impossible values, or not rows at all, are refused.
  auto task = pending.begin()->second;
  task.priority = 42;
  BOOST_CHECK_THROW((void)decode_task(encode_task(task)), std::runtime_error);
  auto effect = effects.begin()->second;
  effect.deadline_ms = effect.issued_ms - 1;
  BOOST_CHECK_THROW((void)decode_effect(encode_effect(effect)), std::runtime_error);
  auto conv = convs.begin()->second;
  conv.last_ms = conv.started_ms - 1;
  BOOST_CHECK_THROW((void)decode_conversation(encode_conversation(conv)), std::runtime_error);
  BOOST_CHECK_THROW((void)decode_task(bytes{1, 2, 3}), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(registry_describes_the_orchestrator) {
  auto a = made_by_registry<orchestrator_agent>("orchestrator",
                                                {{"orchestrator.permissions.user", "analytics.*"}});
  events ev;
  const auto cmd = ev.command(at_s(0), "r", "user", "Show me today's active users");
  const auto& env = envelope_of(cmd);
  context ctx(kind_name, env);
  memory_table_store tables;
  ctx.set_tables(&tables);
  a->on_event(env, ctx);
  BOOST_TEST(tasks(ctx.outputs()).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
