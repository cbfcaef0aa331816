// Determinism and recovery: the same inputs give the same bytes; snapshot + restore + tail
// equals a full replay; garbage snapshots are refused; the registry describes the agent.
#include <set>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/kit/task.hpp"
#include "actors/orchestrator/state_codec.hpp"
#include "actors/registry.hpp"
#include "schemas/envelope.hpp"
#include "tests/actors/orchestrator/orchestrator_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::orchestrator;
using namespace aetherial::actors::orchestrator::test;

namespace {

std::string task_id_of(const std::string& command_id) {
  return "task-" + command_id;
}

// A log touching every part of the agent: every seed command, refusals, the course dialogue,
// outcomes (success, failure, escalation), language-model effects and timeouts.
std::vector<bytes> mixed_log() {
  events ev;
  std::vector<bytes> log;
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"admin", "Show me today's active users"},
      {"developer", "Why is the server slow?"},
      {"developer", "Deploy the new feature to production"},
      {"user", "How do I create a course?"},
      {"user", "My payment didn't go through"},
      {"developer", "Add a dark mode toggle"},
      {"developer", "Fix the login bug"},
      {"developer", "Write unit tests for auth module"},
      {"user", "Deploy the new feature to production"},
      {"user", "What is the meaning of life?"},
      {"guest", "Show me today's active users"},
  };
  std::int64_t t = at_s(0);
  int n = 0;
  for (const auto& [role, text] : commands) {
    const std::string conv = "m" + std::to_string(n % 4);
    const std::string id = ev.next_id();
    log.push_back(
        ev.command(t, conv, role, text, "user:p" + std::to_string(n), "k" + std::to_string(n)));
    t += 1000;
    // Every other routed task gets an outcome; the rest time out.
    if (n % 2 == 0 && n < 8) {
      log.push_back(ev.outcome(t, task_id_of(id), "", "", n % 4 == 0, "result " + std::to_string(n),
                               conv, {{"n", std::to_string(n)}}));
      t += 1000;
    }
    if (n == 9) log.push_back(ev.effect_result(t, "llm-" + id, true, "an answer", "", conv));
    ++n;
  }
  log.push_back(ev.command(t += 1000, "course", "user", "Create a course about AI"));
  log.push_back(ev.command(t += 1000, "course", "user", "Cover history and ethics"));
  const std::string confirm = ev.next_id();
  log.push_back(ev.command(t += 1000, "course", "user", "Yes, and add quizzes"));
  log.push_back(ev.outcome(t += 1000, task_id_of(confirm), "content.create_course", "content", true,
                           "outline ready", "course"));
  for (int i = 0; i < 6; ++i) {
    const std::string id = ev.next_id();
    log.push_back(
        ev.command(t += 60'000, "slow" + std::to_string(i), "admin", "Why is the server slow?"));
    log.push_back(
        ev.outcome(t += 1000, task_id_of(id), "", "", i % 3 == 0, "", "slow" + std::to_string(i)));
  }
  log.push_back(ev.command(t += 3'600'000, "late", "user", "Tell me a joke"));
  log.push_back(ev.command(t += 600'000, "late", "user", "How do I pay?"));
  return log;
}

std::vector<bytes> values(const std::vector<emitted>& out) {
  std::vector<bytes> v;
  for (const auto& e : out)
    v.push_back(e.value);
  return v;
}

} // namespace

BOOST_AUTO_TEST_SUITE(determinism)

BOOST_AUTO_TEST_CASE(same_inputs_give_identical_output_bytes) {
  const auto log = mixed_log();
  harness a;
  harness b;
  for (const auto& e : log)
    (void)a.feed(e);
  for (const auto& e : log)
    (void)b.feed(e);
  BOOST_TEST(a.all.size() > 40u);
  BOOST_TEST((values(a.all) == values(b.all)));
  BOOST_TEST(a.agent.snapshot() == b.agent.snapshot());
  // Every kind of output is in the log.
  BOOST_TEST(!tasks(a.all).empty());
  BOOST_TEST(!replies(a.all).empty());
  BOOST_TEST(!payloads<fbs::AccessAudit>(a.all, output::decisions).empty());
  BOOST_TEST(!payloads<fbs::Reply>(a.all, output::decisions).empty());
  BOOST_TEST(!payloads<fbs::EffectRequest>(a.all, output::effects).empty());
  std::set<std::string> statuses;
  for (const auto* r : replies(a.all))
    statuses.insert(std::string(aetherial::actors::kit::status_name(r->status())));
  const std::set<std::string> want = {"answered", "failed", "pending", "refused"};
  BOOST_TEST(statuses == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(snapshot_and_tail_equal_full_replay_at_every_cut) {
  const auto log = mixed_log();
  harness full;
  for (const auto& e : log)
    (void)full.feed(e);
  for (std::size_t cut = 0; cut <= log.size(); cut += 3) {
    harness head;
    for (std::size_t i = 0; i < cut; ++i)
      (void)head.feed(log[i]);
    const auto snap = head.agent.snapshot();
    harness tail;
    BOOST_TEST_REQUIRE(tail.agent.restore(snap.data(), snap.size()));
    BOOST_TEST(tail.agent.snapshot() == snap);
    for (std::size_t i = cut; i < log.size(); ++i)
      (void)tail.feed(log[i]);
    std::vector<emitted> expected;
    for (std::size_t i = cut; i < log.size(); ++i)
      for (const auto& e : full.history[i])
        expected.push_back(e);
    BOOST_TEST((values(tail.all) == values(expected)), "cut " << cut);
    BOOST_TEST(tail.agent.snapshot() == full.agent.snapshot(), "cut " << cut);
  }
}

BOOST_AUTO_TEST_CASE(garbage_snapshots_are_refused_and_leave_the_state_alone) {
  const auto log = mixed_log();
  harness h;
  for (std::size_t i = 0; i < log.size() / 2; ++i)
    (void)h.feed(log[i]);
  const auto good = h.agent.snapshot();
  harness victim;
  (void)victim.feed(log[0]);
  const auto before = victim.agent.snapshot();

  BOOST_TEST(!victim.agent.restore(nullptr, 0));
  for (std::size_t n = 0; n < good.size(); ++n)
    BOOST_TEST_REQUIRE(!victim.agent.restore(good.data(), n), "prefix " << n);
  // A wrong root offset or file identifier.
  for (std::size_t i = 0; i < 8; ++i) {
    auto bad = good;
    bad[i] ^= 0x5a;
    BOOST_TEST(!victim.agent.restore(bad.data(), bad.size()), "flipped byte " << i);
  }
  // Elsewhere a flip that breaks the buffer's structure is refused (a flip of a plain value
  // is the snapshot record's CRC-32C to catch); none is read out of bounds.
  for (std::size_t i = 8; i < good.size(); i += 5) {
    auto bad = good;
    bad[i] ^= 0x5a;
    (void)decode_state(bad.data(), bad.size());
  }
  auto extra = good;
  extra.push_back(0);
  BOOST_TEST(!victim.agent.restore(extra.data(), extra.size()));
  BOOST_TEST(victim.agent.snapshot() == before);

  // A well-formed body with impossible values is refused too: re-encode a state whose
  // pending task has a priority of 42.
  auto s = *decode_state(good.data(), good.size());
  BOOST_TEST_REQUIRE(!s.tasks.empty());
  s.tasks.begin()->second.priority = 42;
  const auto impossible = encode_state(s);
  BOOST_TEST(!victim.agent.restore(impossible.data(), impossible.size()));
  BOOST_TEST(victim.agent.snapshot() == before);

  BOOST_TEST(victim.agent.restore(good.data(), good.size()));
  BOOST_TEST(victim.agent.snapshot() == good);
}

BOOST_AUTO_TEST_CASE(state_round_trips_through_the_codec) {
  const auto log = mixed_log();
  harness h;
  for (std::size_t i = 0; i < 30 && i < log.size(); ++i)
    (void)h.feed(log[i]);
  const auto bytes1 = encode_state(h.agent.state());
  const auto decoded = decode_state(bytes1.data(), bytes1.size());
  BOOST_TEST_REQUIRE(decoded.has_value());
  BOOST_TEST(encode_state(*decoded) == bytes1);
  BOOST_TEST(decoded->conversations.size() == h.agent.state().conversations.size());
  BOOST_TEST(decoded->stats.size() == h.agent.state().stats.size());
  BOOST_TEST(std::string(bytes1.begin() + 4, bytes1.begin() + 8) == "AOR2");
}

namespace {

// A snapshot of the former "AORC" byte layout (magic, u32 version 1, u64 body length, body,
// u64 FNV-1a of the body) of an empty state, whose 56-byte body is all zeros.
std::vector<std::uint8_t> old_layout_snapshot() {
  const std::size_t body_size = 56;
  std::vector<std::uint8_t> out = {'A', 'O', 'R', 'C', 1, 0, 0, 0};
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(body_size) >> (8 * i)));
  out.insert(out.end(), body_size, 0);
  const auto sum = aetherial::schemas::fnv1a(std::string(body_size, '\0'));
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<std::uint8_t>(sum >> (8 * i)));
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(old_layout_snapshots_are_refused_and_new_ones_round_trip) {
  BOOST_TEST(min_state_encoding_version == state_encoding_version);
  const auto old = old_layout_snapshot();
  BOOST_TEST(!decode_state(old.data(), old.size()).has_value());
  harness victim;
  const auto empty = victim.agent.snapshot();
  BOOST_TEST(!victim.agent.restore(old.data(), old.size()));
  BOOST_TEST(victim.agent.snapshot() == empty);

  const auto log = mixed_log();
  harness h;
  for (const auto& e : log)
    (void)h.feed(e);
  const auto snap = h.agent.snapshot();
  harness restored;
  BOOST_TEST_REQUIRE(restored.agent.restore(snap.data(), snap.size()));
  BOOST_TEST(restored.agent.snapshot() == snap);
  BOOST_TEST(restored.agent.state().events == h.agent.state().events);
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
