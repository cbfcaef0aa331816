// Privacy: no raw user or session id, nor a record key naming a tenant, leaves the agent
// (outputs and snapshots are searched byte by byte), and without a salt the agent refuses
// instead of hashing weakly.
#include <algorithm>

#include <boost/test/unit_test.hpp>

#include "actors/analytics/keyed_hash.hpp"
#include "actors/analytics/state_codec.hpp"
#include "actors/kit/redact.hpp"
#include "actors/kit/task.hpp"
#include "tests/actors/analytics/analytics_fixture.hpp"

using namespace aetherial::actors::analytics::test;

namespace {

bool contains(const bytes& haystack, const std::string& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

// Every kind of input, with ids that are easy to search for.
std::vector<bytes> identifying_log(std::vector<std::string>& secrets) {
  events ev;
  std::vector<bytes> log;
  for (int d = 0; d < 10; ++d)
    for (int i = 0; i < 40; ++i) {
      const std::string u = "alice.smith+" + std::to_string(i) + "@example.com";
      const std::string s = "session-of-" + u;
      if (d == 0) {
        secrets.push_back(u);
        secrets.push_back(s);
      }
      const std::int64_t t = t0 + d * day + 10 * hour + i * 1000;
      if (i % 3 != d % 3) continue;
      log.push_back(ev.activity(t, {u, "login", "", s}));
      log.push_back(ev.activity(t + 1, {u, "feature_use", i % 2 ? "search" : "export", s}));
      log.push_back(ev.activity(t + 2, {u, "page_view", "", s, "exp", i % 2 ? "a" : "b"}));
      if (i % 4 == 0) log.push_back(ev.activity(t + 3, {u, "conversion", "", s, "exp", ""}));
    }
  for (const std::string type : {"analytics.active_users", "analytics.popular_features",
                                 "analytics.retention", "analytics.ab_test"})
    log.push_back(ev.task(t0 + 10 * day, type, "c-" + type, {{"experiment", "exp"}}));
  return log;
}

} // namespace

BOOST_AUTO_TEST_SUITE(privacy)

BOOST_AUTO_TEST_CASE(raw_ids_never_appear_in_outputs_or_snapshots) {
  std::vector<std::string> secrets;
  const auto log = identifying_log(secrets);
  harness h;
  for (const auto& e : log)
    (void)h.feed(e);
  BOOST_TEST(h.all.size() == 4u * 3u + 1u); // three per answer, plus the A/B verdict
  const auto snap = h.agent.snapshot();
  for (const auto& s : secrets) {
    for (const auto& e : h.all) {
      BOOST_TEST_REQUIRE(!contains(e.value, s), s);
      BOOST_TEST_REQUIRE(e.key.find(s) == std::string::npos);
    }
    BOOST_TEST_REQUIRE(!contains(snap, s), s);
  }
  // Nor the salt itself, nor the parts of ids ("alice").
  for (const auto& e : h.all) {
    BOOST_TEST(!contains(e.value, test_salt));
    BOOST_TEST(!contains(e.value, "alice"));
  }
  BOOST_TEST(!contains(snap, test_salt));
  BOOST_TEST(!contains(snap, "alice"));
  BOOST_TEST(h.agent.config().salt.empty()); // only the derived key is kept
}

BOOST_AUTO_TEST_CASE(record_keys_never_appear_in_state_snapshots_or_outputs) {
  // A producer that keys activity by the user (or puts personal data in names) instead of by
  // the site: the keys become tenants, kept only as keyed hashes.
  const std::vector<std::string> keys = {"alice.smith@example.com", "user-100042",
                                         "+44 20 7946 0958", "bob_the_builder", "4111111111111111"};
  const std::vector<std::string> named = {"carol@example.org", "203.0.113.77",
                                          "5555 5555 5555 4444"};
  events ev;
  harness h;
  for (std::size_t k = 0; k < keys.size(); ++k)
    for (int i = 0; i < 20; ++i) {
      const std::int64_t t = t0 + hour + static_cast<std::int64_t>(k) * minute + i;
      (void)h.feed(
          ev.activity(t, {user(i), "feature_use", "export", "s" + std::to_string(i)}, keys[k]));
      (void)h.feed(ev.activity(t + 1,
                               {user(i), "feature_use", "share " + named[i % 3], "",
                                "exp " + named[(i + 1) % 3], named[(i + 2) % 3]},
                               keys[k]));
    }
  for (int i = 0; i < 5; ++i)
    (void)h.feed(ev.activity(t0 + 2 * hour + i, {user(i), "login"}));
  BOOST_TEST(h.all.empty()); // activity alone emits nothing
  BOOST_TEST(h.agent.state().tenants.size() == keys.size() + 1);
  for (const auto& [name, tenant] : h.agent.state().tenants) {
    BOOST_TEST(is_tenant_pseudonym(name), name);
    for (const auto& [feature, counter] : tenant.days.begin()->second.features)
      BOOST_TEST(!aetherial::actors::kit::has_personal_data(feature), feature);
  }
  // Every question about the default tenant.
  int n = 0;
  for (const std::string type : {"analytics.active_users", "analytics.popular_features",
                                 "analytics.retention", "analytics.ab_test"}) {
    const auto& out = h.feed(ev.task(t0 + 3 * hour, type, "c-" + std::to_string(++n),
                                     {{"experiment", "exp " + named[0]}}));
    BOOST_TEST_REQUIRE(!out.empty());
    for (const auto& e : out)
      if (e.to == output::decisions) BOOST_TEST(e.key == pseudonym("main"));
  }
  const auto snap = h.agent.snapshot();
  std::vector<std::string> raw = keys;
  raw.insert(raw.end(), named.begin(), named.end());
  raw.push_back("alice");
  raw.push_back("100042");
  for (const auto& s : raw) {
    BOOST_TEST(!contains(snap, s), s);
    for (const auto& e : h.all) {
      BOOST_TEST_REQUIRE(!contains(e.value, s), s);
      BOOST_TEST_REQUIRE(e.key.find(s) == std::string::npos, s);
    }
  }
  // A restored agent holds the same.
  analytics_agent again(salted());
  BOOST_TEST_REQUIRE(again.restore(snap.data(), snap.size()));
  BOOST_TEST(again.snapshot() == snap);

  // A tenant is still found by its name: the name asked is hashed the same way. The answer
  // names it as asked (the asker's words), with personal data in the name masked, and its
  // decisions are keyed by the pseudonym.
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const auto& out = h.feed(ev.task(t0 + 3 * hour, "analytics.active_users",
                                     "c-k" + std::to_string(k), {{"tenant", keys[k]}}));
    const auto& r = reply_of(out);
    BOOST_TEST(status_text(r.status()) == "answered", keys[k]);
    BOOST_TEST(value_of(r.details(), "dau") == "20", keys[k]);
    for (const auto& e : out)
      if (e.to == output::decisions) BOOST_TEST(e.key == pseudonym(keys[k]));
    if (aetherial::actors::kit::has_personal_data(keys[k]))
      for (const auto& e : out)
        BOOST_TEST(!contains(e.value, keys[k]), keys[k]);
  }
}

BOOST_AUTO_TEST_CASE(without_a_salt_the_agent_refuses) {
  for (const agent_settings& settings : {agent_settings{}, agent_settings{{"analytics.salt", ""}},
                                         agent_settings{{"analytics.salt", "short"}}}) {
    auto agent = make_analytics_agent(settings);
    auto& a = dynamic_cast<analytics_agent&>(*agent);
    BOOST_TEST(a.refusing());
    std::vector<std::string> secrets;
    std::vector<emitted> all;
    for (const auto& value : identifying_log(secrets)) {
      std::string why;
      const auto* env =
          aetherial::schemas::verify_envelope(value.data(), value.size(), 1 << 20, &why);
      context ctx(kind_name, *env);
      a.on_event(*env, ctx);
      for (auto& e : ctx.take_outputs())
        all.push_back(std::move(e));
    }
    // One report that it refuses, then a refusal per task; nothing recorded.
    BOOST_TEST_REQUIRE(all.size() == 1u + 4u * 3u);
    const auto report = payloads<fbs::AnalyticsReport>(all);
    BOOST_TEST_REQUIRE(report.size() == 1u + 4u);
    BOOST_TEST(str(report[0]->query()) == "configuration");
    BOOST_TEST(str(report[0]->text()).find("analytics.salt is missing") != std::string::npos);
    for (const auto* r : payloads<fbs::Reply>(all)) {
      BOOST_TEST(status_text(r->status()) == "refused");
      BOOST_TEST(str(r->text()).find("analytics.salt") != std::string::npos);
    }
    for (const auto* o : payloads<fbs::TaskOutcome>(all))
      BOOST_TEST(!o->success());
    BOOST_TEST(a.state().tenants.empty());
    for (const auto& s : secrets)
      for (const auto& e : all)
        BOOST_TEST_REQUIRE(!contains(e.value, s));
  }
}

BOOST_AUTO_TEST_CASE(a_salt_given_but_too_short_stops_start_up_without_showing_it) {
  const auto errors = check_settings(agent_settings{{"analytics.salt", "shortsecret"}});
  BOOST_TEST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0].find("analytics.salt") != std::string::npos, errors[0]);
  BOOST_TEST(errors[0].find("at least 16 bytes") != std::string::npos, errors[0]);
  BOOST_TEST(errors[0].find("shortsecret") == std::string::npos, errors[0]);
  // No salt is no mistake: the agent then refuses to record and says so.
  BOOST_TEST(check_settings(agent_settings{}).empty());
  BOOST_TEST(check_settings(agent_settings{{"analytics.salt", "0123456789abcdef"}}).empty());
}

BOOST_AUTO_TEST_CASE(a_snapshot_is_only_restored_under_its_salt) {
  std::vector<std::string> secrets;
  const auto log = identifying_log(secrets);
  harness h;
  for (const auto& e : log)
    (void)h.feed(e);
  const auto snap = h.agent.snapshot();
  analytics_config other;
  other.salt = "another-deployment-salt-987654321";
  analytics_agent b(other);
  BOOST_TEST(!b.restore(snap.data(), snap.size()));
  analytics_agent same(salted());
  BOOST_TEST(same.restore(snap.data(), snap.size()));
  BOOST_TEST(same.snapshot() == snap);
  auto refusing = make_analytics_agent({});
  BOOST_TEST(!refusing->restore(snap.data(), snap.size()));
}

BOOST_AUTO_TEST_SUITE_END()
