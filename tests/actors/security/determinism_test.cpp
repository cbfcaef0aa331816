// Determinism and recovery: same inputs give the same bytes; snapshot + restore + tail equals
// a full replay; garbage snapshots are refused; the registry describes the agent.
#include <algorithm>

#include <boost/test/unit_test.hpp>

#include "actors/registry.hpp"
#include "actors/security/state_codec.hpp"
#include "tests/actors/security/security_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::security;
using namespace aetherial::actors::security::test;

namespace {

security_config small_config() {
  security_config cfg;
  cfg.ddos_min_site_requests = 300;
  cfg.ddos_min_site_sources = 60;
  cfg.block_ttl_ms = 2 * 60'000;
  cfg.block_ttl_growth = 1.0;
  return cfg;
}

// A mixed log touching every part of the agent, in event-time order.
std::vector<bytes> mixed_log() {
  events ev;
  std::vector<bytes> log;
  for (int m = 0; m < 40; ++m) {
    for (int i = 0; i < 60; ++i) {
      const std::int64_t t = at_s(60.0 * m + i * 0.9);
      log.push_back(ev.request(t, "10.1.0." + std::to_string(i % 12), "u-" + std::to_string(i % 7),
                               {{"q", i % 2 ? "shoes" : "O'Brien"}}));
      if (m == 12) log.push_back(ev.request(t + 1, "10.1.0.1")); // a burst of one IP
      if (m == 20 && i < 40) log.push_back(ev.request(t + 2, "172.16.5." + std::to_string(i)));
      if (m >= 25 && m < 27) {
        for (int a = 0; a < 6; ++a)
          log.push_back(ev.request(t + 3 + a, "192.0.2." + std::to_string(20 + a)));
      }
    }
    if (m % 5 == 1)
      log.push_back(ev.request(at_s(60.0 * m + 55), "203.0.113.66", "", {{"q", "' or 1=1--"}}));
    if (m == 3)
      for (int k = 0; k < 12; ++k)
        log.push_back(ev.login(at_s(60.0 * m + 56 + k * 0.2), "198.51.100.3", "bob", false));
    if (m == 30) log.push_back(ev.approval(at_s(60.0 * m + 57), "ip:203.0.113.66", true));
  }
  std::stable_sort(log.begin(), log.end(), [](const bytes& a, const bytes& b) {
    std::string why;
    return aetherial::schemas::verify_envelope(a.data(), a.size(), 1 << 20, &why)->event_time_ms() <
           aetherial::schemas::verify_envelope(b.data(), b.size(), 1 << 20, &why)->event_time_ms();
  });
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

BOOST_AUTO_TEST_CASE(same_inputs_give_identical_decision_bytes) {
  const auto log = mixed_log();
  harness a(small_config());
  harness b(small_config());
  for (const auto& e : log)
    (void)a.feed(e);
  for (const auto& e : log)
    (void)b.feed(e);
  BOOST_TEST((values(a.all) == values(b.all)));
  BOOST_TEST(a.agent.snapshot() == b.agent.snapshot());
  // Every kind of decision is in the log.
  BOOST_TEST(!incidents(a.all, "rate_anomaly").empty());
  BOOST_TEST(!incidents(a.all, "ddos").empty());
  BOOST_TEST(!incidents(a.all, "brute_force").empty());
  BOOST_TEST(!incidents(a.all, "sql_injection").empty());
  BOOST_TEST(!payloads<fbs::AnomalyDecision>(a.all).empty());
  for (const std::string action : {"block", "unblock", "ban_proposed", "ban"}) {
    const auto all = payloads<fbs::BlockDecision>(a.all);
    BOOST_TEST(std::any_of(all.begin(), all.end(),
                           [&](const auto* d) { return str(d->action()) == action; }),
               action);
  }
}

BOOST_AUTO_TEST_CASE(snapshot_restore_and_tail_equals_full_replay) {
  const auto log = mixed_log();
  harness full(small_config());
  for (const auto& e : log)
    (void)full.feed(e);
  const auto expected = values(full.all);
  const auto expected_snapshot = full.agent.snapshot();

  for (std::size_t k : {std::size_t{0}, std::size_t{1}, log.size() / 7, log.size() / 3,
                        log.size() / 2, (log.size() * 2) / 3, log.size() - 1, log.size()}) {
    harness head(small_config());
    for (std::size_t i = 0; i < k; ++i)
      (void)head.feed(log[i]);
    const auto snap = head.agent.snapshot();
    BOOST_TEST(snap == head.agent.snapshot());

    harness tail(small_config());
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
  harness h(small_config());
  for (std::size_t i = 0; i < log.size() / 2; ++i)
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
  for (std::size_t n = 0; n < good.size(); n += 1 + n / 64)
    BOOST_TEST_REQUIRE(refused(bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n))));
  auto longer = good;
  longer.push_back(0);
  BOOST_TEST(refused(longer));
  // A flipped byte is refused, or it only changed a value and the state restored is exactly
  // the one the bytes describe (bit rot is caught by the snapshot record's CRC-32C).
  for (std::size_t i = 0; i < good.size(); i += 1 + good.size() / 500) {
    auto flipped = good;
    flipped[i] ^= 0x10;
    if (refused(flipped)) continue;
    BOOST_TEST_REQUIRE((target.agent.snapshot() == flipped), "flip at " << i);
    BOOST_TEST_REQUIRE(target.agent.restore(before.data(), before.size()));
  }
  auto identifier = good;
  identifier[4] = 'X';
  BOOST_TEST(refused(identifier));
  std::uint64_t x = 7;
  for (int round = 0; round < 200; ++round) {
    bytes garbage(static_cast<std::size_t>(24 + round * 3));
    for (auto& g : garbage)
      g = static_cast<std::uint8_t>((x = aetherial::schemas::mix64(x)) & 0xff);
    BOOST_TEST_REQUIRE(refused(garbage));
    std::copy(good.begin(), good.begin() + 16, garbage.begin());
    BOOST_TEST_REQUIRE(refused(garbage));
  }
  // A buffer that verifies but holds impossible content is refused too.
  security_state s;
  s.subjects["ip:x"].ban = ban_status::proposed; // a proposal without a deadline
  BOOST_TEST(refused(encode_state(s)));
  security_state t;
  t.site.sources.count = 3; // sources that are not in the bucket's set
  BOOST_TEST(refused(encode_state(t)));
  BOOST_TEST(target.agent.restore(good.data(), good.size()));
  BOOST_TEST(target.agent.snapshot() == good);
}

BOOST_AUTO_TEST_CASE(registry_describes_the_security_agent) {
  const auto* kind = find_agent_kind("security");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(
      (kind->input_topics == std::vector<std::string>{"platform.requests", "platform.feedback"}));
  BOOST_TEST(kind->state_version == state_encoding_version);
  auto agent = kind->make({{"security.partitions", "2"}});
  BOOST_TEST_REQUIRE((agent != nullptr));
  const auto snap = agent->snapshot();
  BOOST_TEST(agent->restore(snap.data(), snap.size()));
  BOOST_TEST(dynamic_cast<security_agent&>(*agent).config().partitions == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
