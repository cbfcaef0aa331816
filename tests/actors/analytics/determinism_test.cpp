// Determinism and recovery: same inputs give the same bytes; snapshot + restore + tail equals
// a full replay; garbage snapshots are refused; bounds hold; the registry describes the agent.
#include <boost/test/unit_test.hpp>

#include "actors/analytics/keyed_hash.hpp"
#include "actors/analytics/state_codec.hpp"
#include "actors/registry.hpp"
#include "tests/actors/analytics/analytics_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::analytics;
using namespace aetherial::actors::analytics::test;

namespace {

// A mixed log touching every part of the agent, in event-time order.
std::vector<bytes> mixed_log() {
  events ev;
  std::vector<bytes> log;
  const std::vector<std::string> features{"search", "export", "share", "alerts", "tour"};
  for (int d = 0; d < 12; ++d) {
    for (int i = 0; i < 120; ++i) {
      const int u = (d * 37 + i * 7) % 400;
      const std::int64_t t = t0 + d * day + 8 * hour + i * 90'000;
      log.push_back(ev.activity(
          t, {user(u), i % 9 == 0 ? "signup" : "login", "", "s" + std::to_string(u + d)},
          i % 5 == 0 ? "shop" : "main"));
      log.push_back(ev.activity(
          t + 1, {user(u), "feature_use", features[(u + d) % 5], "s" + std::to_string(u + d)}));
      log.push_back(ev.activity(t + 2, {user(u), "page_view", "", "s" + std::to_string(u + d),
                                        "exp", u % 2 ? "control" : "new"}));
      if (u % 3 == 0) log.push_back(ev.activity(t + 3, {user(u), "conversion", "", "", "exp", ""}));
      if (i % 10 == 9)
        log.push_back(ev.activity(t + 4, {user(u), "logout", "", "s" + std::to_string(u + d)}));
    }
    log.push_back(
        ev.task(t0 + d * day + 20 * hour, "analytics.active_users", "c-a" + std::to_string(d)));
    if (d % 3 == 2) {
      log.push_back(ev.task(t0 + d * day + 21 * hour, "analytics.popular_features",
                            "c-p" + std::to_string(d)));
      log.push_back(
          ev.task(t0 + d * day + 22 * hour, "analytics.retention", "c-r" + std::to_string(d)));
      log.push_back(ev.task(t0 + d * day + 23 * hour, "analytics.ab_test",
                            "c-x" + std::to_string(d), {{"experiment", "exp"}}));
    }
  }
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
  BOOST_TEST(!payloads<fbs::AbVerdict>(a.all).empty());
  BOOST_TEST(a.agent.state().tenants.size() == 2u);
}

BOOST_AUTO_TEST_CASE(snapshot_restore_and_tail_equals_full_replay) {
  const auto log = mixed_log();
  harness full;
  for (const auto& e : log)
    (void)full.feed(e);
  const auto expected = values(full.all);
  const auto expected_snapshot = full.agent.snapshot();
  for (std::size_t k : {std::size_t{0}, std::size_t{1}, log.size() / 7, log.size() / 3,
                        log.size() / 2, log.size() - 1, log.size()}) {
    harness head;
    for (std::size_t i = 0; i < k; ++i)
      (void)head.feed(log[i]);
    const auto snap = head.agent.snapshot();
    harness tail;
    BOOST_TEST_REQUIRE(tail.agent.restore(snap.data(), snap.size()));
    BOOST_TEST(tail.agent.snapshot() == snap);
    for (std::size_t i = k; i < log.size(); ++i)
      (void)tail.feed(log[i]);
    auto combined = values(head.all);
    const auto rest = values(tail.all);
    combined.insert(combined.end(), rest.begin(), rest.end());
    BOOST_TEST((combined == expected), "split at " << k);
    BOOST_TEST((tail.agent.snapshot() == expected_snapshot), "split at " << k);
  }
}

BOOST_AUTO_TEST_CASE(restore_refuses_garbage_and_keeps_the_state) {
  const auto log = mixed_log();
  harness h;
  for (std::size_t i = 0; i < log.size() / 3; ++i)
    (void)h.feed(log[i]);
  const auto good = h.agent.snapshot();
  harness target;
  for (std::size_t i = 0; i < 10; ++i)
    (void)target.feed(log[i]);
  const auto before = target.agent.snapshot();
  auto refused = [&](const bytes& b) {
    const bool ok = target.agent.restore(b.data(), b.size());
    return !ok && target.agent.snapshot() == before;
  };
  BOOST_TEST(!target.agent.restore(nullptr, 0));
  BOOST_TEST(refused(bytes{}));
  for (std::size_t n = 0; n < good.size(); n += 1 + n / 16)
    BOOST_TEST_REQUIRE(refused(bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n))));
  auto longer = good;
  longer.push_back(0);
  BOOST_TEST(refused(longer));
  // A flipped byte is refused, or it only changed a value and the state restored is exactly
  // the one the bytes describe (bit rot is caught by the snapshot record's CRC-32C).
  for (std::size_t i = 0; i < good.size(); i += 1 + good.size() / 400) {
    auto flipped = good;
    flipped[i] ^= 0x04;
    if (refused(flipped)) continue;
    BOOST_TEST_REQUIRE((target.agent.snapshot() == flipped), "flip at " << i);
    BOOST_TEST_REQUIRE(target.agent.restore(before.data(), before.size()));
  }
  auto identifier = good;
  identifier[4] = 'X';
  BOOST_TEST(refused(identifier));
  std::uint64_t x = 3;
  for (int round = 0; round < 100; ++round) {
    bytes garbage(static_cast<std::size_t>(24 + round * 5));
    for (auto& g : garbage)
      g = static_cast<std::uint8_t>((x = aetherial::schemas::mix64(x)) & 0xff);
    BOOST_TEST_REQUIRE(refused(garbage));
    std::copy(good.begin(), good.begin() + 16, garbage.begin());
    BOOST_TEST_REQUIRE(refused(garbage));
  }
  // Verifies but impossible: a register above its maximum, a member of no variant.
  const auto fp = key_fingerprint(derive_key(test_salt));
  analytics_state s;
  auto regs = std::vector<std::uint8_t>(hll_registers, 0);
  regs[3] = 60;
  s.tenants["main"].days[1].users = hyperloglog(regs);
  BOOST_TEST(refused(encode_state(s, fp)));
  analytics_state m;
  m.tenants["main"].experiments["e"].members[42] = 3;
  BOOST_TEST(refused(encode_state(m, fp)));
  BOOST_TEST(target.agent.restore(good.data(), good.size()));
  BOOST_TEST(target.agent.snapshot() == good);
}

BOOST_AUTO_TEST_CASE(memory_is_bounded) {
  analytics_config cfg = salted();
  cfg.max_tracked_users = 200;
  cfg.max_active_sessions = 50;
  cfg.history_days = 10;
  cfg.max_experiment_users = 100;
  cfg.max_tenants = 2;
  harness h(cfg);
  events ev;
  for (int d = 0; d < 20; ++d)
    for (int i = 0; i < 100; ++i)
      (void)h.feed(ev.activity(t0 + d * day + hour + i * 1000,
                               {user(d * 100 + i), "login", "", "", "exp", "v"}));
  (void)h.feed(ev.activity(t0 + 20 * day, {user(1)}, "t2"));
  (void)h.feed(ev.activity(t0 + 20 * day + 1, {user(1)}, "t3"));
  const auto& st = h.agent.state();
  BOOST_TEST(st.tenants.size() == 2u);
  BOOST_TEST(st.tenants.count("main") == 0u); // the least recently active tenant went first
  harness g(cfg);
  for (int d = 0; d < 20; ++d)
    for (int i = 0; i < 100; ++i)
      (void)g.feed(ev.activity(t0 + d * day + hour + i * 1000,
                               {user(d * 100 + i), "login", "", "", "exp", "v"}));
  const auto& t = g.agent.state().tenants.at("main");
  BOOST_TEST(t.users.size() <= 200u);
  BOOST_TEST(t.sessions.size() <= 50u);
  BOOST_TEST(t.days.size() <= 10u);
  BOOST_TEST(t.cohorts.size() <= 10u);
  BOOST_TEST(t.experiments.at("exp").members.size() == 100u);
  BOOST_TEST(t.experiments.at("exp").not_enrolled == 1900u);
}

BOOST_AUTO_TEST_CASE(registry_describes_the_analytics_agent) {
  const auto* kind = find_agent_kind("analytics");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(
      (kind->input_topics == std::vector<std::string>{"platform.activity", "aetherial.tasks"}));
  BOOST_TEST(kind->state_version == state_encoding_version);
  auto agent = kind->make({{"analytics.salt", test_salt}});
  BOOST_TEST(!dynamic_cast<analytics_agent&>(*agent).refusing());
  const auto snap = agent->snapshot();
  BOOST_TEST(agent->restore(snap.data(), snap.size()));
  BOOST_TEST(dynamic_cast<analytics_agent&>(*kind->make({})).refusing());
}

BOOST_AUTO_TEST_SUITE_END()
