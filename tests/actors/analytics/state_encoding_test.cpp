// The state encoding of the Analytics agent: a FlatBuffer of schemas/state/analytics.fbs that
// round-trips byte for byte; impossible content is refused; memory is bounded. (Snapshots of the
// former codec, damaged ones and the registry's versions are the conformance suite's.)
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <flatbuffers/flatbuffers.h>

#include "actors/analytics/analytics_agent.hpp"
#include "actors/analytics/keyed_hash.hpp"
#include "actors/analytics/state_codec.hpp"
#include "actors/analytics/tables.hpp"
#include "actors/registry.hpp"
#include "schemas/state/analytics_generated.h"
#include "tests/actors/analytics/analytics_fixture.hpp"
#include "tests/actors/kit/state_checks.hpp"

using namespace aetherial::actors::analytics::test;

namespace {

analytics_state sample_state() {
  analytics_state s;
  auto& t = s.tenants[pseudonym("main")];
  t.days[20'000].users.add(0x1234'5678'9abc'def0ULL);
  t.days[20'000].events = 4;
  t.days[20'000].features["search"] = feature_counter{3, 1};
  t.cohorts[20'000].active[0] = 1;
  t.cohorts[20'000].features[0] = feature_retention{1, 0};
  t.cohort_features = {"search"};
  t.active_sessions = 1;
  t.experiments["e"].variants.push_back(variant_stats{"a", 1, 0});
  t.watermark_ms = 1'728'000'000'000;
  t.events = 4;
  s.events = 4;
  return s;
}

std::uint64_t fingerprint() {
  return key_fingerprint(derive_key(test_salt));
}

} // namespace

BOOST_AUTO_TEST_SUITE(analytics_state_encoding)

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_byte_for_byte) {
  const auto agent =
      restored<analytics_agent>(encode_state(sample_state(), fingerprint()), "AAN5",
                                &aetherial::state::analytics::VerifyAnalyticsStateBuffer, salted());
  BOOST_TEST(agent->state().tenants.at(pseudonym("main")).experiments.at("e").variants.at(0).name ==
             "a");
  BOOST_TEST(agent->state().tenants.at(pseudonym("main")).active_sessions == 1u);
}

BOOST_AUTO_TEST_CASE(day_and_cohort_rows_round_trip_and_impossible_rows_are_refused) {
  const auto s = sample_state();
  const auto& t = s.tenants.begin()->second;
  const auto day = encode_day(20'000, t.days.at(20'000));
  BOOST_TEST(decode_day(day).first == 20'000);
  BOOST_TEST(encode_day(20'000, decode_day(day).second) == day);
  const auto cohort = encode_cohort(20'000, t.cohorts.at(20'000));
  BOOST_TEST(encode_cohort(20'000, decode_cohort(cohort).second) == cohort);
  // A register above its maximum.
  day_stats bad;
  auto regs = std::vector<std::uint8_t>(hll_registers, 0);
  regs[3] = 60;
  bad.users = hyperloglog(regs);
  BOOST_CHECK_THROW((void)decode_day(encode_day(1, bad)), std::runtime_error);
  // A feature name with personal data in it was not written by this agent.
  day_stats named = t.days.at(20'000);
  named.features["bob@example.com"] = {1, 0};
  BOOST_CHECK_THROW((void)decode_day(encode_day(1, named)), std::runtime_error);
  cohort_stats far = t.cohorts.at(20'000);
  far.features[64] = feature_retention{1, 0}; // cohort features are indices below 64
  BOOST_CHECK_THROW((void)decode_cohort(encode_cohort(1, far)), std::runtime_error);
  // Keys: byte order is day order, negative days included.
  BOOST_TEST((day_key("t", -1) < day_key("t", 0)));
  BOOST_TEST((day_key("t", 0) < day_key("t", 20'000)));
}

BOOST_AUTO_TEST_CASE(user_rows_round_trip_and_impossible_rows_are_refused) {
  const user_record u{20'000, 20'003, 0b1001, 1};
  const auto row = encode_user(u);
  BOOST_TEST(encode_user(decode_user(row)) == row);
  BOOST_TEST(decode_user(row).active_days == 0b1001u);
  BOOST_CHECK_THROW((void)decode_user(encode_user(user_record{20'003, 20'000, 1, 0})),
                    std::runtime_error); // active before the first day
  BOOST_CHECK_THROW((void)decode_user({1, 2, 3}), std::runtime_error);
  BOOST_TEST(decode_member(encode_member(0x83)) == 0x83u);
  BOOST_CHECK_THROW((void)decode_member({1}), std::runtime_error);
  // Row keys: the tenant, NUL, the hash big-endian, so a tenant's users are one key range; a
  // member's key also holds the experiment, its length first, so that no experiment's members
  // are a prefix of another's.
  BOOST_TEST(member_key("t", "ab", 1) == std::string("t\0\0\0\0\2ab\0\0\0\0\0\0\0\1", 16));
  BOOST_TEST(member_key("t", "a", 1).substr(0, members_prefix("t", "a").size()) ==
             members_prefix("t", "a"));
  BOOST_TEST(user_key("t", 0x0102'0304'0506'0708ULL) == std::string("t\0\1\2\3\4\5\6\7\10", 10));
}

BOOST_AUTO_TEST_CASE(a_snapshot_holding_a_raw_name_is_refused) {
  analytics_agent target(salted());
  const auto fp = fingerprint();
  // Version 2 kept the record key as the tenant's name: a raw user id, possibly.
  for (const std::string raw : {"main", "alice@example.com", "user-100042", "0123456789ABCDEF"}) {
    analytics_state s = sample_state();
    s.tenants[raw] = s.tenants.begin()->second;
    check_refused(target, encode_state(s, fp));
  }
  // Names are kept with personal data masked; one that is not was not written by this agent.
  analytics_state c = sample_state();
  c.tenants.begin()->second.cohort_features.push_back("call +44 20 7946 0958");
  check_refused(target, encode_state(c, fp));
  analytics_state e = sample_state();
  e.tenants.begin()->second.experiments["4111 1111 1111 1111"] =
      e.tenants.begin()->second.experiments.at("e");
  check_refused(target, encode_state(e, fp));
  analytics_state v = sample_state();
  v.tenants.begin()->second.experiments.at("e").variants.at(0).name = "10.0.0.1";
  check_refused(target, encode_state(v, fp));
  // The sample itself is read.
  const auto good = encode_state(sample_state(), fp);
  BOOST_TEST(target.restore(good.data(), good.size()));
}

BOOST_AUTO_TEST_CASE(memory_is_bounded) {
  analytics_config cfg = salted();
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
  BOOST_TEST(st.tenants.count(pseudonym("main")) ==
             0u); // the least recently active tenant went first
  // ... and its users' rows with it.
  std::size_t rows = 0;
  h.tables.scan(users_table, {}, {}, [&](std::string_view, const bytes&) { return ++rows > 0; });
  BOOST_TEST(rows == 2u); // user 1 of t2 and of t3
  harness g(cfg);
  for (int d = 0; d < 20; ++d)
    for (int i = 0; i < 100; ++i)
      (void)g.feed(ev.activity(t0 + d * day + hour + i * 1000,
                               {user(d * 100 + i), "login", "", "", "exp", "v"}));
  const auto& t = g.agent.state().tenants.at(pseudonym("main"));
  // Users idle for the kept history (10 days) are forgotten: those of days 0..8 by day 19.
  rows = 0;
  g.tables.scan(users_table, {}, {}, [&](std::string_view, const bytes&) { return ++rows > 0; });
  BOOST_TEST(rows == 1100u);
  std::size_t filed = 0;
  g.tables.scan(users_expiry_index, {}, {},
                [&](std::string_view, const bytes&) { return ++filed > 0; });
  BOOST_TEST(filed == 1100u);
  // Sessions: at most the cap, one row and one order entry each, as many as counted.
  std::size_t sessions = 0;
  std::size_t ordered = 0;
  g.tables.scan(sessions_table, {}, {}, [&](std::string_view, const bytes&) { return ++sessions; });
  g.tables.scan(sessions_order_table, {}, {},
                [&](std::string_view, const bytes&) { return ++ordered; });
  BOOST_TEST(t.active_sessions <= 50u);
  BOOST_TEST(sessions == t.active_sessions);
  BOOST_TEST(ordered == t.active_sessions);
  BOOST_TEST(t.days.size() <= 10u);
  BOOST_TEST(t.cohorts.size() <= 10u);
  std::size_t members = 0;
  g.tables.scan(members_table, {}, {},
                [&](std::string_view, const bytes&) { return ++members > 0; });
  BOOST_TEST(members == 100u);
  BOOST_TEST(t.experiments.at("exp").not_enrolled == 1900u);
}

BOOST_AUTO_TEST_CASE(an_evicted_experiment_takes_its_members_and_a_bad_member_row_fails) {
  analytics_config cfg = salted();
  cfg.max_experiments = 1;
  harness h(cfg);
  events ev;
  const auto members = [&h] {
    std::size_t n = 0;
    h.tables.scan(members_table, {}, {}, [&](std::string_view, const bytes&) { return ++n > 0; });
    return n;
  };
  for (int i = 0; i < 3; ++i)
    (void)h.feed(ev.activity(t0 + hour + i * 1000, {user(i), "login", "", "", "a", "v"}));
  BOOST_TEST(members() == 3u);
  (void)h.feed(ev.activity(t0 + hour + 5000, {user(9), "login", "", "", "b", "w"}));
  BOOST_TEST(members() == 1u);
  BOOST_TEST(h.agent.state().tenants.begin()->second.experiments.count("a") == 0u);
  // A member row naming a variant its experiment does not have was not written by the agent.
  const auto hashed = keyed_hash(derive_key(test_salt), "user", user(7));
  h.tables.put(members_table, member_key(h.agent.state().tenants.begin()->first, "b", hashed),
               encode_member(5));
  BOOST_CHECK_THROW(
      (void)h.feed(ev.activity(t0 + hour + 6000, {user(7), "login", "", "", "b", "w"})),
      std::runtime_error);
}

BOOST_AUTO_TEST_CASE(the_registry_makes_a_salted_agent_and_a_refusing_one) {
  BOOST_TEST(
      !made_by_registry<analytics_agent>("analytics", {{"analytics.salt", test_salt}})->refusing());
  BOOST_TEST(made_by_registry<analytics_agent>("analytics", {})->refusing());
}

BOOST_AUTO_TEST_SUITE_END()
