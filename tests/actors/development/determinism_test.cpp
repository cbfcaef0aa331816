// Determinism and recovery: same inputs give the same bytes; snapshot + restore + tail equals
// a full replay; garbage snapshots are refused; the registry describes the agent.
#include <string>

#include <boost/test/unit_test.hpp>

#include "actors/development/state_codec.hpp"
#include "actors/registry.hpp"
#include "schemas/envelope.hpp"
#include "tests/actors/development/development_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::development;
using namespace aetherial::actors::development::test;

namespace {

/// A log touching every part of the agent.
std::vector<bytes> mixed_log() {
  events ev;
  std::vector<bytes> log;
  for (int i = 0; i < 6; ++i)
    log.push_back(ev.error_rate(at_s(i), 0.004 + 0.0005 * i));
  log.push_back(ev.review(at_s(7), "ch1", "dana", {"src/db/pool.cpp"}));
  log.push_back(ev.review(at_s(8), "ch2", "erin", {"src/db/pool.cpp", "src/ui/a.tsx"}));
  log.push_back(ev.approval(at_s(9), "frank", "", "ch2"));
  log.push_back(ev.task(at_s(10), "t1", "development.deploy",
                        {{"service", "web"}, {"commit", "c1"}, {"text", "Deploy to production"}}));
  log.push_back(ev.task(at_s(11), "t2", "development.feature_request",
                        {{"service", "web"}, {"text", "Add dark mode"}}));
  for (int i = 0; i < 4; ++i)
    log.push_back(ev.test_result(at_s(12 + i), "t" + std::to_string(i), "c1", i % 2 == 0,
                                 "Timeout after " + std::to_string(100 * i) + " ms"));
  log.push_back(ev.test_result(at_s(16), "t0", "c1", false, "boom at 0x1234"));
  log.push_back(ev.build(at_s(20), "c1", true));
  log.push_back(ev.approval(at_s(21), "bob", "deploy-t1"));
  log.push_back(ev.effect_result(at_s(22), "codegen-t2", "code_generation", true, "Dark mode"));
  log.push_back(ev.deploy_finished(at_s(30), "deploy-t1"));
  log.push_back(ev.error_rate(at_s(40), 0.02));
  log.push_back(ev.error_rate(at_s(50), 0.022));
  log.push_back(ev.error_rate(at_s(60), 0.3));
  log.push_back(ev.task(at_s(70), "t3", "development.deploy", {{"service", "api"}}));
  log.push_back(ev.build(at_s(80), "c9", false, "api"));
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
  BOOST_TEST(a.all.size() > 20u);
  BOOST_TEST((values(a.all) == values(b.all)));
  BOOST_TEST(a.agent.snapshot() == b.agent.snapshot());
  BOOST_TEST(!payloads<fbs::DeployGate>(a.all).empty());
  BOOST_TEST(!payloads<fbs::RollbackDecision>(a.all).empty());
  BOOST_TEST(!payloads<fbs::FailureCluster>(a.all).empty());
  BOOST_TEST(!payloads<fbs::FlakyTest>(a.all).empty());
  BOOST_TEST(!payloads<fbs::ReviewAssignment>(a.all).empty());
  BOOST_TEST(!payloads<fbs::TaskOutcome>(a.all).empty());
}

BOOST_AUTO_TEST_CASE(snapshot_and_tail_equal_a_full_replay) {
  const auto log = mixed_log();
  harness full;
  for (const auto& e : log)
    (void)full.feed(e);
  for (std::size_t cut = 0; cut <= log.size(); ++cut) {
    harness head;
    for (std::size_t i = 0; i < cut; ++i)
      (void)head.feed(log[i]);
    const auto snap = head.agent.snapshot();
    harness tail;
    BOOST_TEST_REQUIRE(tail.agent.restore(snap.data(), snap.size()));
    BOOST_TEST(tail.agent.snapshot() == snap);
    for (std::size_t i = cut; i < log.size(); ++i)
      (void)tail.feed(log[i]);
    std::vector<bytes> joined = values(head.all);
    const auto rest = values(tail.all);
    joined.insert(joined.end(), rest.begin(), rest.end());
    BOOST_TEST((joined == values(full.all)), "diverged after a snapshot at event " << cut);
    BOOST_TEST(tail.agent.snapshot() == full.agent.snapshot());
  }
}

BOOST_AUTO_TEST_CASE(bad_snapshots_are_refused) {
  harness h;
  for (const auto& e : mixed_log())
    (void)h.feed(e);
  const auto good = h.agent.snapshot();
  development_agent other;
  const auto empty = other.snapshot();
  BOOST_TEST(!other.restore(nullptr, 0));
  // Every truncation, and trailing bytes.
  for (std::size_t n = 0; n < good.size(); ++n)
    BOOST_TEST_REQUIRE(!other.restore(good.data(), n), "prefix " << n);
  auto longer = good;
  longer.push_back(0);
  BOOST_TEST(!other.restore(longer.data(), longer.size()));
  // A wrong root offset or file identifier.
  for (std::size_t i = 0; i < 8; ++i) {
    auto corrupt = good;
    corrupt[i] ^= 0x20;
    BOOST_TEST(!other.restore(corrupt.data(), corrupt.size()), "flipped byte " << i);
  }
  // Elsewhere a flip that breaks the buffer's structure is refused (a flip of a plain value
  // is the snapshot record's CRC-32C to catch); none is read out of bounds.
  for (std::size_t i = 8; i < good.size(); i += 3) {
    auto corrupt = good;
    corrupt[i] ^= 0x20;
    (void)decode_state(corrupt.data(), corrupt.size());
  }
  // Well-formed buffers with impossible content.
  development_state s;
  s.repos["web"].tests["t"].commits = {"c1"}; // no result for c1
  const auto unpaired = encode_state(s);
  BOOST_TEST(!other.restore(unpaired.data(), unpaired.size()));
  development_state d;
  d.deploys["d1"].phase = static_cast<deploy_phase>(9);
  const auto phase = encode_state(d);
  BOOST_TEST(!other.restore(phase.data(), phase.size()));
  BOOST_TEST(other.snapshot() == empty);
  BOOST_TEST(decode_state(good.data(), good.size()).has_value());
}

namespace {

// A snapshot of the former "ADEV" byte layout (magic, u32 version 1, u64 body length, body,
// u64 FNV-1a of the body) of an empty state, whose 20-byte body is all zeros.
bytes old_layout_snapshot() {
  const std::size_t body_size = 20;
  bytes out = {'A', 'D', 'E', 'V', 1, 0, 0, 0};
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
  development_agent other;
  const auto empty = other.snapshot();
  BOOST_TEST(!other.restore(old.data(), old.size()));
  BOOST_TEST(other.snapshot() == empty);

  harness h;
  for (const auto& e : mixed_log())
    (void)h.feed(e);
  const auto snap = h.agent.snapshot();
  BOOST_TEST(std::string(snap.begin() + 4, snap.begin() + 8) == "ADV2");
  development_agent restored;
  BOOST_TEST_REQUIRE(restored.restore(snap.data(), snap.size()));
  BOOST_TEST(restored.snapshot() == snap);
  BOOST_TEST(restored.state().repos.size() == h.agent.state().repos.size());
  BOOST_TEST(restored.state().deploys.size() == h.agent.state().deploys.size());
}

BOOST_AUTO_TEST_CASE(the_registry_describes_the_agent) {
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
