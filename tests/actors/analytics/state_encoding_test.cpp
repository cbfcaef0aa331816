// The state encoding of the Analytics agent: a FlatBuffer of schemas/state/analytics.fbs. Snapshots
// of the former hand-written codec (version 1) are refused, so the runtime rebuilds the
// partition from the log; a snapshot round-trips byte for byte; truncated or corrupted buffers
// are refused and leave the state unchanged.
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <flatbuffers/flatbuffers.h>

#include "actors/analytics/analytics_agent.hpp"
#include "actors/analytics/keyed_hash.hpp"
#include "actors/analytics/state_codec.hpp"
#include "actors/registry.hpp"
#include "schemas/state/analytics_generated.h"
#include "tests/actors/analytics/analytics_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::analytics;

namespace {

// A version-1 snapshot as the former codec wrote it, under the test salt's key fingerprint:
// "AANL", u32 version, u64 length, body, u64 FNV-1a of the body.
const std::vector<std::uint8_t> legacy_snapshot{
    0x41, 0x41, 0x4e, 0x4c, 0x01, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x72, 0x33, 0x49, 0x8c, 0xc0, 0xba, 0x8a, 0xdf, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
    0x6d, 0x61, 0x69, 0x6e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x03, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0xc2, 0x91, 0xba, 0x01, 0x91, 0x7a, 0x0c, 0x75,
};

analytics_state sample_state() {
  analytics_state s;
  auto& t = s.tenants["main"];
  t.days[20'000].users.add(0x1234'5678'9abc'def0ULL);
  t.days[20'000].events = 4;
  t.days[20'000].features["search"] = feature_counter{3, 1};
  t.cohorts[20'000].active[0] = 1;
  t.cohorts[20'000].features[0] = feature_retention{1, 0};
  t.users[0xfeed'beefULL] = user_record{20'000, 20'000, 1, 1};
  t.cohort_features = {"search"};
  t.sessions[0xabcdULL] = 1'728'000'000'000;
  t.session_order.emplace(1'728'000'000'000, 0xabcdULL);
  t.experiments["e"].variants.push_back(variant_stats{"a", 1, 0});
  t.experiments["e"].members[0xfeed'beefULL] = 0;
  t.watermark_ms = 1'728'000'000'000;
  t.events = 4;
  s.events = 4;
  return s;
}

std::uint64_t fingerprint() {
  return key_fingerprint(derive_key(test::test_salt));
}

} // namespace

BOOST_AUTO_TEST_SUITE(analytics_state_encoding)

BOOST_AUTO_TEST_CASE(the_registry_declares_version_two_only) {
  const auto* kind = find_agent_kind("analytics");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(kind->state_version == 2u);
  BOOST_TEST(kind->min_state_version == 2u);
  BOOST_TEST(state_encoding_version == min_state_encoding_version);
}

BOOST_AUTO_TEST_CASE(a_snapshot_of_the_former_codec_is_refused) {
  analytics_agent agent(test::salted());
  const auto before = agent.snapshot();
  BOOST_TEST(!agent.restore(legacy_snapshot.data(), legacy_snapshot.size()));
  BOOST_TEST(agent.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_byte_for_byte) {
  const auto bytes = encode_state(sample_state(), fingerprint());
  BOOST_TEST(flatbuffers::BufferHasIdentifier(bytes.data(), "AANL"));
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  BOOST_TEST(aetherial::state::analytics::VerifyAnalyticsStateBuffer(verifier));
  analytics_agent agent(test::salted());
  BOOST_TEST_REQUIRE(agent.restore(bytes.data(), bytes.size()));
  BOOST_TEST(agent.state().tenants.at("main").experiments.at("e").variants.at(0).name == "a");
  BOOST_TEST(agent.state().tenants.at("main").session_order.size() == 1u);
  const auto again = agent.snapshot();
  BOOST_TEST(again == bytes);
}

BOOST_AUTO_TEST_CASE(verifying_but_impossible_content_is_refused) {
  analytics_agent target(test::salted());
  const auto before = target.snapshot();
  const auto fp = key_fingerprint(derive_key(test::test_salt));
  // A register above its maximum.
  analytics_state s;
  auto regs = std::vector<std::uint8_t>(hll_registers, 0);
  regs[3] = 60;
  s.tenants["main"].days[1].users = hyperloglog(regs);
  const auto high = encode_state(s, fp);
  BOOST_TEST(!target.restore(high.data(), high.size()));
  // A member of no variant.
  analytics_state m;
  m.tenants["main"].experiments["e"].members[42] = 3;
  const auto stray = encode_state(m, fp);
  BOOST_TEST(!target.restore(stray.data(), stray.size()));
  BOOST_TEST(target.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(memory_is_bounded) {
  using namespace aetherial::actors::analytics::test;
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

BOOST_AUTO_TEST_CASE(the_registry_makes_a_salted_agent_and_a_refusing_one) {
  const auto* kind = find_agent_kind("analytics");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(
      (kind->input_topics == std::vector<std::string>{"platform.activity", "aetherial.tasks"}));
  auto agent = kind->make({{"analytics.salt", test::test_salt}});
  BOOST_TEST(!dynamic_cast<analytics_agent&>(*agent).refusing());
  BOOST_TEST(dynamic_cast<analytics_agent&>(*kind->make({})).refusing());
}

BOOST_AUTO_TEST_SUITE_END()
