// Active users (DAU/WAU/MAU within the HyperLogLog error), day-over-day change, peak
// concurrency, popular features.
#include <cmath>

#include <boost/test/unit_test.hpp>

#include "actors/analytics/text.hpp"
#include "actors/kit/task.hpp"
#include "tests/actors/analytics/analytics_fixture.hpp"

using namespace aetherial::actors::analytics::test;

namespace {

double metric(const fbs::Reply& r, const std::string& key) {
  return std::stod(value_of(r.details(), key));
}

} // namespace

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(dau_wau_mau_within_hyperloglog_error) {
  harness h;
  events ev;
  // Day d has users 100·d .. 100·d + 999: DAU 1000, WAU 1600, MAU 3900 on day 29.
  for (int d = 0; d < 30; ++d)
    for (int i = 0; i < 1000; ++i)
      (void)h.feed(ev.activity(t0 + d * day + 8 * hour + i * 30'000,
                               {user(100 * d + i), "page_view", "", "s-" + user(100 * d + i)}));
  BOOST_TEST(h.all.empty());
  const auto& out = h.feed(ev.task(t0 + 29 * day + 23 * hour, "analytics.active_users", "c-1"));
  const auto& r = reply_of(out);
  BOOST_TEST(status_text(r.status()) == "answered");
  BOOST_TEST(str(r.agent()) == "analytics");
  BOOST_TEST(str(r.conversation_id()) == "c-1");
  // Three standard errors of a p = 12 sketch: 5 %.
  BOOST_TEST(std::fabs(metric(r, "dau") - 1000) <= 50);
  BOOST_TEST(std::fabs(metric(r, "dau_yesterday") - 1000) <= 50);
  BOOST_TEST(std::fabs(metric(r, "wau") - 1600) <= 80);
  BOOST_TEST(std::fabs(metric(r, "mau") - 3900) <= 195);
  // The answer goes out three ways, correlated with the conversation.
  BOOST_TEST_REQUIRE(out.size() == 3u);
  BOOST_TEST((out[0].to == output::decisions));
  BOOST_TEST(out[0].key == pseudonym("main")); // the tenant, by its keyed hash
  BOOST_TEST((out[1].to == output::replies));
  BOOST_TEST(out[1].key == "c-1");
  BOOST_TEST((out[2].to == output::tasks));
  BOOST_TEST(out[2].key == "c-1");
  for (const auto& e : out)
    BOOST_TEST(str(envelope_of(e).correlation_id()) == "c-1");
  const auto report = payloads<fbs::AnalyticsReport>(out);
  BOOST_TEST_REQUIRE(report.size() == 1u);
  BOOST_TEST(str(report[0]->query()) == "active_users");
  BOOST_TEST(str(report[0]->task_id()) == "task-c-1");
  BOOST_TEST(str(report[0]->text()) == str(r.text()));
  const auto outcome = payloads<fbs::TaskOutcome>(out);
  BOOST_TEST_REQUIRE(outcome.size() == 1u);
  BOOST_TEST(outcome[0]->success());
  BOOST_TEST(str(outcome[0]->agent()) == "analytics");
  BOOST_TEST(str(outcome[0]->type()) == "analytics.active_users");
  BOOST_TEST(str(outcome[0]->conversation_id()) == "c-1");
}

BOOST_AUTO_TEST_CASE(day_over_day_and_peak_concurrency_in_words) {
  harness h;
  events ev;
  for (int i = 0; i < 1000; ++i) // yesterday
    (void)h.feed(ev.activity(t0 + 9 * hour + i * 20'000, {user(i), "login", "", "a-" + user(i)}));
  // Today: 808 users through the morning (about 15 at a time), then 342 sessions at once.
  for (int i = 0; i < 808; ++i)
    (void)h.feed(
        ev.activity(t0 + day + 8 * hour + i * 20'000, {user(i), "page_view", "", "b-" + user(i)}));
  for (int i = 808; i < 1150; ++i)
    (void)h.feed(ev.activity(t0 + day + 14 * hour + 10 * minute + (i - 808) * 500,
                             {user(i), "page_view", "", "b-" + user(i)}));
  const auto& r = reply_of(h.feed(ev.task(t0 + day + 18 * hour, "analytics.active_users", "c-2")));
  const auto dau = static_cast<std::int64_t>(metric(r, "dau"));
  const auto yesterday = static_cast<std::int64_t>(metric(r, "dau_yesterday"));
  BOOST_TEST(std::abs(dau - 1150) <= 35);
  BOOST_TEST(std::abs(yesterday - 1000) <= 30);
  BOOST_TEST(metric(r, "peak_concurrent") == 342);
  BOOST_TEST(value_of(r.details(), "peak_hour") == "14:00");
  const auto pct = std::llround(100.0 * static_cast<double>(dau - yesterday) / yesterday);
  BOOST_TEST(pct >= 12);
  BOOST_TEST(pct <= 18);
  const std::string expected = grouped(dau) + " active users today, up " + integer(pct) +
                               "% from yesterday; peak 342 concurrent at 14:00. ";
  BOOST_TEST(str(r.text()).substr(0, expected.size()) == expected);
  // Logging out ends a session at once; a quiet session ends after the timeout.
  harness g;
  (void)g.feed(ev.activity(t0 + 10 * hour, {"a", "login", "", "s1"}));
  (void)g.feed(ev.activity(t0 + 10 * hour + 1, {"b", "login", "", "s2"}));
  (void)g.feed(ev.activity(t0 + 10 * hour + 2, {"b", "logout", "", "s2"}));
  (void)g.feed(ev.activity(t0 + 10 * hour + 3, {"c", "login", "", "s3"}));
  (void)g.feed(ev.activity(t0 + 10 * hour + 6 * minute, {"d", "login", "", "s4"}));
  (void)g.feed(ev.activity(t0 + 10 * hour + 6 * minute + 1, {"e", "login", "", "s5"}));
  const auto& q = reply_of(g.feed(ev.task(t0 + 11 * hour, "analytics.active_users", "c-3")));
  BOOST_TEST(metric(q, "peak_concurrent") == 2);
  BOOST_TEST(str(q.text()).find("5 active users today, no activity recorded yesterday; peak 2 "
                                "concurrent at 10:00.") == 0u);
}

BOOST_AUTO_TEST_CASE(popular_features_top_k_with_change) {
  harness h;
  events ev;
  auto use = [&](std::int64_t t, const std::string& f, int n) {
    for (int i = 0; i < n; ++i)
      (void)h.feed(ev.activity(t + i * 1000, {user(i % 17), "feature_use", f, "s"}));
  };
  // The 7 days before: search 40, export 60. The last 7 days: search 50, export 30, share 30,
  // alerts 5.
  use(t0 + 1 * day, "search", 40);
  use(t0 + 2 * day, "export", 60);
  use(t0 + 8 * day, "search", 25);
  use(t0 + 12 * day, "search", 25);
  use(t0 + 9 * day, "export", 30);
  use(t0 + 10 * day, "share", 30);
  use(t0 + 11 * day, "alerts", 5);
  const auto& out =
      h.feed(ev.task(t0 + 14 * day - hour, "analytics.popular_features", "c-4", {{"k", "3"}}));
  const auto& r = reply_of(out);
  BOOST_TEST(str(r.text()) ==
             "Most popular features over the last 7 days: search (50 uses, up 25% from the 7 "
             "days before), export (30 uses, down 50% from the 7 days before), share (30 uses, "
             "new).");
  BOOST_TEST(value_of(r.details(), "feature_1") == "search");
  BOOST_TEST(value_of(r.details(), "uses_2") == "30");
  BOOST_TEST(value_of(r.details(), "feature_3") == "share");
  BOOST_TEST(value_of(r.details(), "feature_4") == "");
  // Default k is 5; a longer window holds both weeks (a tie goes by name).
  const auto& all = reply_of(
      h.feed(ev.task(t0 + 14 * day - hour, "analytics.popular_features", "c-5", {{"days", "30"}})));
  BOOST_TEST(value_of(all.details(), "feature_1") == "export");
  BOOST_TEST(value_of(all.details(), "uses_1") == "90");
  BOOST_TEST(value_of(all.details(), "feature_4") == "alerts");
}

BOOST_AUTO_TEST_CASE(tenants_are_counted_apart) {
  harness h;
  events ev;
  for (int i = 0; i < 30; ++i)
    (void)h.feed(ev.activity(t0 + hour + i, {user(i)}, "shop"));
  for (int i = 0; i < 10; ++i)
    (void)h.feed(ev.activity(t0 + hour + i, {user(i)}));
  const auto& main = reply_of(h.feed(ev.task(t0 + 2 * hour, "analytics.active_users", "c-6")));
  BOOST_TEST(metric(main, "dau") == 10);
  const auto& shop = reply_of(
      h.feed(ev.task(t0 + 2 * hour, "analytics.active_users", "c-7", {{"tenant", "shop"}})));
  BOOST_TEST(metric(shop, "dau") == 30);
  const auto& none = reply_of(
      h.feed(ev.task(t0 + 2 * hour, "analytics.active_users", "c-8", {{"tenant", "blog"}})));
  BOOST_TEST(str(none.text()) == "No activity has been recorded for tenant 'blog' yet.");
}

BOOST_AUTO_TEST_CASE(the_period_asked_for_is_the_period_counted) {
  harness h;
  events ev;
  // 3 users two days ago, 5 yesterday, 8 today (distinct users: small counts are exact).
  const int counts[] = {3, 5, 8};
  int next = 0;
  for (int d = 0; d < 3; ++d)
    for (int i = 0; i < counts[d]; ++i, ++next)
      (void)h.feed(ev.activity(t0 + d * day + 9 * hour + i * 60'000,
                               {user(next), "login", "", "s-" + user(next)}));
  const std::int64_t now = t0 + 2 * day + 20 * hour;
  const auto ask = [&](const std::string& conv, const std::string& period) {
    const auto& out = h.feed(ev.task(now, "analytics.active_users", conv, {{"period", period}}));
    return str(reply_of(out).text());
  };
  BOOST_TEST(ask("c-today", "today").rfind("8 active users today, up 60% from yesterday", 0) == 0u);
  const std::string yesterday = ask("c-yesterday", "yesterday");
  BOOST_TEST(yesterday.rfind("5 active users yesterday (" + date(day_of(t0 + day)) +
                                 "), up 67% from the day before",
                             0) == 0u,
             yesterday);
  const std::string week = ask("c-week", "week");
  BOOST_TEST(week.rfind("16 active users in the last 7 days", 0) == 0u, week);
  const std::string month = ask("c-month", "month");
  BOOST_TEST(month.rfind("16 active users in the last 30 days", 0) == 0u, month);
  const auto& odd = h.feed(ev.task(now, "analytics.active_users", "c-odd", {{"period", "decade"}}));
  BOOST_TEST((reply_of(odd).status() == fbs::ReplyStatus::refused));
}

BOOST_AUTO_TEST_SUITE_END()
