// The Orchestrator's state encoding and settings: the state round-trips through the codec,
// impossible content is refused, the registry's agent reads its permissions. (Determinism,
// recovery and refused snapshots in general are the conformance suite's:
// tests/actors/conformance.)
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/orchestrator/state_codec.hpp"
#include "actors/registry.hpp"
#include "schemas/envelope.hpp"
#include "tests/actors/orchestrator/orchestrator_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::orchestrator;
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
  BOOST_TEST(min_state_encoding_version == state_encoding_version);
  const auto h = with_some_dialogues();
  const auto bytes1 = encode_state(h.agent.state());
  const auto decoded = decode_state(bytes1.data(), bytes1.size());
  BOOST_TEST_REQUIRE(decoded.has_value());
  BOOST_TEST(encode_state(*decoded) == bytes1);
  BOOST_TEST(decoded->conversations.size() == h.agent.state().conversations.size());
  BOOST_TEST(decoded->stats.size() == h.agent.state().stats.size());
  BOOST_TEST(std::string(bytes1.begin() + 4, bytes1.begin() + 8) == "AOR2");
  harness restored;
  BOOST_TEST_REQUIRE(restored.agent.restore(bytes1.data(), bytes1.size()));
  BOOST_TEST(restored.agent.snapshot() == bytes1);
  BOOST_TEST(restored.agent.state().events == h.agent.state().events);
}

BOOST_AUTO_TEST_CASE(impossible_content_is_refused) {
  const auto h = with_some_dialogues();
  const auto good = h.agent.snapshot();
  harness victim;
  const auto before = victim.agent.snapshot();
  // A well-formed body with impossible values: a pending task with a priority of 42.
  auto s = *decode_state(good.data(), good.size());
  BOOST_TEST_REQUIRE(!s.tasks.empty());
  s.tasks.begin()->second.priority = 42;
  const auto impossible = encode_state(s);
  BOOST_TEST(!victim.agent.restore(impossible.data(), impossible.size()));
  BOOST_TEST(victim.agent.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(registry_describes_the_orchestrator) {
  const auto* kind = find_agent_kind("orchestrator");
  BOOST_TEST_REQUIRE(kind != nullptr);
  const std::vector<std::string> inputs = {"aetherial.commands", "aetherial.tasks",
                                           "aetherial.effect-results"};
  BOOST_TEST(kind->input_topics == inputs, boost::test_tools::per_element());
  BOOST_TEST(kind->state_version == state_encoding_version);
  auto a = kind->make({{"orchestrator.permissions.user", "analytics.*"}});
  BOOST_TEST_REQUIRE(a.get() != nullptr);
  events ev;
  const auto cmd = ev.command(at_s(0), "r", "user", "Show me today's active users");
  std::string why;
  const auto* env = aetherial::schemas::verify_envelope(cmd.data(), cmd.size(), 1 << 20, &why);
  context ctx(kind_name, *env);
  a->on_event(*env, ctx);
  BOOST_TEST(tasks(ctx.outputs()).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
