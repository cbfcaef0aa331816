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
  BOOST_TEST(decoded->conversations.size() == h.agent.state().conversations.size());
  BOOST_TEST(decoded->stats.size() == h.agent.state().stats.size());
  harness restored;
  BOOST_TEST_REQUIRE(round_trips(restored.agent, bytes1, "AOR2"));
  BOOST_TEST(restored.agent.state().events == h.agent.state().events);
}

BOOST_AUTO_TEST_CASE(impossible_content_is_refused) {
  const auto h = with_some_dialogues();
  const auto good = h.agent.snapshot();
  harness victim;
  // A well-formed body with impossible values: a pending task with a priority of 42.
  auto s = *decode_state(good.data(), good.size());
  BOOST_TEST_REQUIRE(!s.tasks.empty());
  s.tasks.begin()->second.priority = 42;
  check_refused(victim.agent, encode_state(s));
}

BOOST_AUTO_TEST_CASE(registry_describes_the_orchestrator) {
  auto a = made_by_registry<orchestrator_agent>("orchestrator",
                                                {{"orchestrator.permissions.user", "analytics.*"}});
  events ev;
  const auto cmd = ev.command(at_s(0), "r", "user", "Show me today's active users");
  const auto& env = envelope_of(cmd);
  context ctx(kind_name, env);
  a->on_event(env, ctx);
  BOOST_TEST(tasks(ctx.outputs()).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
