// Determinism and recovery: same inputs give the same bytes; snapshot + restore + tail equals
// a full replay; garbage snapshots are refused; the registry describes the agent.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "actors/operations/state_codec.hpp"
#include "actors/registry.hpp"
#include "tests/actors/operations_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::operations;
using namespace aetherial::actors::operations::test;

namespace {

// A mixed log touching every part of the agent.
std::vector<bytes> mixed_log() {
  events ev;
  std::vector<bytes> log;
  log.push_back(ev.policy(at_s(0), "api", 1, 8, 0.5, 120));
  int web = 2;
  for (int i = 0; i < 80; ++i) {
    const std::int64_t t = at_s(15 * i);
    const double demand = i >= 10 && i < 30 ? 2.7 : 1.0;
    log.push_back(ev.load(t, "web", web, demand / web, 400 * demand));
    if (i == 12) web = 5;
    if (i == 55) web = 2;
    log.push_back(ev.load(t + 1, "api", 3, i % 2 ? 0.9 : 0.2));
    if (i % 2 == 0) log.push_back(ev.telemetry(t + 2, i < 40 ? 1 : 2, i < 20 ? 1000 * i : 0, 200));
    if (i % 4 == 0)
      log.push_back(ev.slow_query(t + 3, "web", "orders", {"customer_id"}, i < 30 ? 900 : 60, 100));
    if (i % 4 == 2) log.push_back(ev.cache(t + 4, "web", "profiles", i < 30 ? 0.5 : 0.9, 30, 0.95));
  }
  log.push_back(ev.incident(at_s(100), "inc-db", "db", "db_timeout"));
  log.push_back(ev.outcome(at_s(130), "inc-db", "db", "restart_connection_pool", false));
  log.push_back(ev.check(at_s(170), "db", true));
  for (int k = 0; k < 4; ++k)
    log.push_back(ev.incident(at_s(200 + 100 * k), "inc-p" + std::to_string(k), "payments",
                              "http_5xx_burst"));
  log.push_back(ev.incident(at_s(300), "inc-disk", "web", "disk_full"));
  // Interleave by event time, as a consumer of several topics would deliver them.
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
  harness a;
  harness b;
  for (const auto& e : log)
    (void)a.feed(e);
  for (const auto& e : log)
    (void)b.feed(e);
  BOOST_TEST(a.all.size() > 15u);
  BOOST_TEST((values(a.all) == values(b.all)));
  BOOST_TEST(a.agent.snapshot() == b.agent.snapshot());
  // Every kind of decision is in the log.
  BOOST_TEST(!payloads<fbs::ScaleDecision>(a.all).empty());
  BOOST_TEST(!payloads<fbs::RemediationDecision>(a.all).empty());
  BOOST_TEST(!payloads<fbs::VerificationDecision>(a.all).empty());
  BOOST_TEST(!payloads<fbs::EscalationDecision>(a.all).empty());
  BOOST_TEST(!payloads<fbs::Recommendation>(a.all).empty());
  BOOST_TEST(!payloads<fbs::RecommendationVerdict>(a.all).empty());
  BOOST_TEST(!payloads<fbs::RuntimeScaleDecision>(a.all).empty());
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
    BOOST_TEST(snap == head.agent.snapshot()); // the same state, the same bytes

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
  // Every truncation, and trailing bytes.
  for (std::size_t n = 0; n < good.size(); ++n)
    BOOST_TEST_REQUIRE(refused(bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n))));
  auto longer = good;
  longer.push_back(0);
  BOOST_TEST(refused(longer));
  // A wrong root offset or file identifier is refused.
  for (std::size_t i = 0; i < 8; ++i) {
    auto flipped = good;
    flipped[i] ^= 0x10;
    BOOST_TEST_REQUIRE(refused(flipped), "flipped byte " << i);
  }
  // Flips elsewhere are refused when they break the buffer's structure; a flip of a plain
  // value is caught by the CRC-32C of the snapshot record around the state. Either way
  // nothing is read out of bounds.
  for (std::size_t i = 8; i < good.size(); i += 7) {
    auto flipped = good;
    flipped[i] ^= 0x10;
    (void)decode_state(flipped.data(), flipped.size());
  }
  // Random bytes, with and without the right identifier.
  std::uint64_t x = 1;
  for (int round = 0; round < 200; ++round) {
    bytes garbage(static_cast<std::size_t>(16 + round * 3));
    for (auto& g : garbage)
      g = static_cast<std::uint8_t>((x = aetherial::schemas::mix64(x)) & 0xff);
    BOOST_TEST_REQUIRE(refused(garbage));
    std::copy(good.begin(), good.begin() + 8, garbage.begin());
    BOOST_TEST_REQUIRE(refused(garbage));
  }
  // A well-formed buffer with impossible content is refused too.
  operations_state s;
  s.services["x"].target_cpu = 0.0;
  const auto bad = encode_state(s);
  BOOST_TEST(refused(bad));
  // And the good one is accepted.
  BOOST_TEST(target.agent.restore(good.data(), good.size()));
  BOOST_TEST(target.agent.snapshot() == good);
}

namespace {

// A snapshot of the former "AOPS" byte layout (magic, u32 version, u64 body length, body, u64
// FNV-1a of the body): an empty state, whose body is all zeros.
bytes old_layout_snapshot(std::uint32_t version, std::size_t body_size) {
  bytes out = {'A', 'O', 'P', 'S'};
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>(version >> (8 * i)));
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
  const auto log = mixed_log();
  harness h;
  for (std::size_t i = 0; i < log.size() / 2; ++i)
    (void)h.feed(log[i]);
  const auto snap = h.agent.snapshot();
  BOOST_TEST(std::string(snap.begin() + 4, snap.begin() + 8) == "AOP3");
  // Versions 1 (69-byte empty body) and 2 (73 bytes: the samples map appended).
  for (const auto& old : {old_layout_snapshot(1, 69), old_layout_snapshot(2, 73)}) {
    BOOST_TEST(!decode_state(old.data(), old.size()).has_value());
    harness target;
    BOOST_TEST(!target.agent.restore(old.data(), old.size()));
    BOOST_TEST(target.agent.snapshot() == operations_agent().snapshot());
  }
  operations_agent restored;
  BOOST_TEST_REQUIRE(restored.restore(snap.data(), snap.size()));
  BOOST_TEST(restored.snapshot() == snap);
  BOOST_TEST(restored.state().services.size() == h.agent.state().services.size());
  BOOST_TEST(restored.state().events == h.agent.state().events);
}

BOOST_AUTO_TEST_CASE(doubles_round_trip_bit_for_bit) {
  operations_state s;
  auto& svc = s.services["web"];
  svc.forecaster.level = std::numeric_limits<double>::quiet_NaN();
  svc.forecaster.season = {0.1, -std::numeric_limits<double>::infinity(), 5e-324};
  svc.cpu_per_request = std::numeric_limits<double>::denorm_min();
  s.runtime.capacity_per_instance = std::numeric_limits<double>::max();
  s.readings["web"].replicas = 1;
  s.readings["web"].error_rate = -0.0;
  s.healing.actions["restart|pool"].successes = 0;
  const auto snap = encode_state(s);
  const auto back = decode_state(snap.data(), snap.size());
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(std::isnan(back->services.at("web").forecaster.level));
  BOOST_TEST(back->services.at("web").forecaster.season[2] == 5e-324);
  BOOST_TEST(std::signbit(back->readings.at("web").error_rate));
  BOOST_TEST(back->healing.actions.count("restart|pool") == 1u);
  BOOST_TEST((encode_state(*back) == snap));
}

BOOST_AUTO_TEST_CASE(empty_state_round_trips) {
  operations_agent a;
  const auto snap = a.snapshot();
  operations_agent b;
  BOOST_TEST(b.restore(snap.data(), snap.size()));
  BOOST_TEST(b.snapshot() == snap);
  BOOST_TEST(decode_state(snap.data(), snap.size()).has_value());
}

BOOST_AUTO_TEST_CASE(registry_describes_the_operations_agent) {
  const auto* kind = find_agent_kind("operations");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(
      (kind->input_topics == std::vector<std::string>{"platform.metrics", "platform.health",
                                                      "aetherial.telemetry", "aetherial.tasks"}));
  BOOST_TEST(kind->state_version == state_encoding_version);
  auto agent = kind->make({});
  BOOST_TEST_REQUIRE((agent != nullptr));
  const auto snap = agent->snapshot();
  BOOST_TEST(agent->restore(snap.data(), snap.size()));
  BOOST_TEST(find_agent_kind("nobody") == nullptr);
  BOOST_TEST(!agent_kinds().empty());
  BOOST_TEST(&agent_kinds().front() == kind);
}

BOOST_AUTO_TEST_SUITE_END()
