// Questions answered from the data: why retention drops, which features are popular, and
// A/B verdicts significant and not.
#include <cmath>

#include <boost/test/unit_test.hpp>

#include "actors/kit/task.hpp"
#include "tests/actors/analytics/analytics_fixture.hpp"

using namespace aetherial::actors::analytics::test;

namespace {

// 14 daily cohorts of 100 new users. In the first 7, 60 % take the onboarding tour on their
// first day; in the last 7 only 10 % do. Tour takers come back the next day at 70 %, the
// others at 20 %; everyone searches.
void retention_history(harness& h, events& ev) {
  for (int d = 0; d < 14; ++d) {
    const bool recent = d >= 7;
    for (int j = 0; j < 100; ++j) {
      const std::string u = user(d * 100 + j);
      const std::int64_t t = t0 + d * day + 9 * hour + j * 60'000;
      const bool tour = j < (recent ? 10 : 60);
      (void)h.feed(ev.activity(t, {u, "signup", "", "s-" + u}));
      (void)h.feed(ev.activity(t + 1000, {u, "feature_use", "search", "s-" + u}));
      if (tour)
        (void)h.feed(ev.activity(t + 2000, {u, "feature_use", "onboarding_tour", "s-" + u}));
      const bool back = tour ? j % 10 < 7 : j % 10 < 2;
      if (back) (void)h.feed(ev.activity(t + day, {u, "login", "", "t-" + u}));
    }
  }
}

void experiment(harness& h, events& ev, const std::string& name, const std::string& variant,
                int users, int conversions, int offset) {
  for (int i = 0; i < users; ++i) {
    const std::string u = user(offset + i);
    const std::int64_t t = t0 + hour + (offset + i) * 1000;
    (void)h.feed(ev.activity(t, {u, "page_view", "", "s-" + u, name, variant}));
    if (i < conversions) {
      (void)h.feed(ev.activity(t + 500, {u, "conversion", "", "s-" + u, name, ""}));
      (void)h.feed(ev.activity(t + 600, {u, "purchase", "", "s-" + u, name, ""})); // once only
    }
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(questions)

BOOST_AUTO_TEST_CASE(why_is_user_retention_dropping) {
  harness h;
  events ev;
  retention_history(h, ev);
  const auto& out = h.feed(ev.task(t0 + 15 * day + 10 * hour, "analytics.question", "c-r",
                                   {{"question", "Why is user retention dropping?"}}));
  const auto& r = reply_of(out);
  BOOST_TEST(status_text(r.status()) == "answered");
  const std::string text = str(r.text());
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.find("Day-1 retention is dropping: 25% for users who started 2026-01-08 to "
                       "2026-01-14 (700 users) vs 50% for 2026-01-01 to 2026-01-07 (700 users), "
                       "down 25 points.") == 0u);
  BOOST_TEST(text.find("The weakest cohort started 2026-01-08 at 25%.") != std::string::npos);
  BOOST_TEST(text.find("new users who used 'onboarding_tour' on their first day came back at 70% "
                       "vs 20% for those who did not, and first-day use of 'onboarding_tour' "
                       "fell from 60% to 10% of new users (about 25 of the 25 points).") !=
             std::string::npos);
  BOOST_TEST(text.find("'search'") == std::string::npos); // everyone searched: no explanation
  BOOST_TEST(value_of(r.details(), "feature") == "onboarding_tour");
  BOOST_TEST(value_of(r.details(), "d1_recent") == "0.2500");
  BOOST_TEST(value_of(r.details(), "d1_earlier") == "0.5000");
  BOOST_TEST(payloads<fbs::AnalyticsReport>(out).size() == 1u);
  BOOST_TEST(str(payloads<fbs::AnalyticsReport>(out)[0]->query()) == "retention");
}

BOOST_AUTO_TEST_CASE(steady_retention_is_not_called_a_drop) {
  harness h;
  events ev;
  for (int d = 0; d < 14; ++d)
    for (int j = 0; j < 50; ++j) {
      const std::string u = user(d * 100 + j);
      (void)h.feed(ev.activity(t0 + d * day + hour + j * 1000, {u, "login"}));
      if (j % 5 < 2) (void)h.feed(ev.activity(t0 + (d + 1) * day + 2 * hour + j, {u, "login"}));
    }
  const auto& r = reply_of(h.feed(ev.task(t0 + 15 * day, "analytics.retention", "c-s")));
  BOOST_TEST(str(r.text()).find("Day-1 retention is steady: 40% for users who started") == 0u);
  // Too early to tell.
  harness e;
  (void)e.feed(ev.activity(t0, {"x", "login"}));
  const auto& early = reply_of(e.feed(ev.task(t0 + hour, "analytics.retention", "c-e")));
  BOOST_TEST(str(early.text()) ==
             "Not enough data yet: no cohort of new users has a complete day 1.");
}

BOOST_AUTO_TEST_CASE(which_features_are_most_popular) {
  harness h;
  events ev;
  retention_history(h, ev);
  const auto& r = reply_of(h.feed(ev.task(t0 + 14 * day, "analytics.question", "c-p",
                                          {{"question", "Which features are most popular?"}})));
  // Days 8..14 hold cohorts 8..13: 600 searches and 60 tours; days 1..7 hold 700 searches
  // and 6 × 60 + 10 = 370 tours.
  BOOST_TEST(str(r.text()).find("Most popular features over the last 7 days: search (600 uses, "
                                "down 14% from the 7 days before), onboarding_tour (60 uses, "
                                "down 84% from the 7 days before).") == 0u,
             str(r.text()));
}

BOOST_AUTO_TEST_CASE(ab_test_significant) {
  harness h;
  events ev;
  experiment(h, ev, "checkout_button", "control", 1000, 100, 0);
  experiment(h, ev, "checkout_button", "green", 1000, 150, 1000);
  // A user seen later in another variant stays in the first.
  (void)h.feed(
      ev.activity(t0 + 2 * hour, {user(5), "page_view", "", "", "checkout_button", "green"}));
  const auto& out = h.feed(
      ev.task(t0 + 3 * hour, "analytics.ab_test", "c-ab", {{"experiment", "checkout_button"}}));
  const auto verdicts = payloads<fbs::AbVerdict>(out);
  BOOST_TEST_REQUIRE(verdicts.size() == 1u);
  const auto& v = *verdicts[0];
  BOOST_TEST(str(v.variant_a()) == "control");
  BOOST_TEST(str(v.variant_b()) == "green");
  BOOST_TEST(v.users_a() == 1000);
  BOOST_TEST(v.conversions_a() == 100);
  BOOST_TEST(v.users_b() == 1000);
  BOOST_TEST(v.conversions_b() == 150);
  BOOST_TEST(std::fabs(v.z() - 3.3806) < 1e-3);
  BOOST_TEST(v.p_value() < 0.001);
  BOOST_TEST(str(v.winner()) == "b");
  BOOST_TEST(out.size() == 4u);
  BOOST_TEST(out[0].key == pseudonym("main")); // the tenant, by its keyed hash
  const auto& r = reply_of(out);
  BOOST_TEST(str(r.text()) ==
             "Experiment 'checkout_button': 'green' converts 15.0% (150 of 1,000) vs 'control' "
             "converts 10.0% (100 of 1,000); z = 3.38, p = 0.0007: 'green' wins, significant at "
             "the 5% level.");
  BOOST_TEST(value_of(r.details(), "winner") == "b");
}

BOOST_AUTO_TEST_CASE(ab_test_not_significant_and_unknown) {
  harness h;
  events ev;
  experiment(h, ev, "banner", "control", 1000, 100, 0);
  experiment(h, ev, "banner", "blue", 1000, 110, 1000);
  const auto& out =
      h.feed(ev.task(t0 + 3 * hour, "analytics.ab_test", "c-n", {{"experiment", "banner"}}));
  const auto verdicts = payloads<fbs::AbVerdict>(out);
  BOOST_TEST_REQUIRE(verdicts.size() == 1u);
  BOOST_TEST(str(verdicts[0]->winner()) == "none");
  BOOST_TEST(verdicts[0]->p_value() > 0.4);
  BOOST_TEST(str(reply_of(out).text()).find("not significant at the 5% level, no winner") !=
             std::string::npos);
  // Explicit variants, reversed.
  const auto& rev =
      h.feed(ev.task(t0 + 3 * hour, "analytics.ab_test", "c-v",
                     {{"experiment", "banner"}, {"variant_a", "blue"}, {"variant_b", "control"}}));
  BOOST_TEST(payloads<fbs::AbVerdict>(rev)[0]->z() < 0.0);
  // An experiment nobody saw.
  const auto& unknown =
      h.feed(ev.task(t0 + 3 * hour, "analytics.ab_test", "c-u", {{"experiment", "nope"}}));
  BOOST_TEST(payloads<fbs::AbVerdict>(unknown).empty());
  BOOST_TEST(!payloads<fbs::TaskOutcome>(unknown)[0]->success());
  BOOST_TEST(str(reply_of(unknown).text()) ==
             "No experiment named 'nope' has been observed for tenant 'main'.");
}

BOOST_AUTO_TEST_CASE(other_tasks_and_unknown_types) {
  harness h;
  events ev;
  BOOST_TEST(h.feed(ev.task(t0, "operations.diagnose_latency", "c-o", {}, "operations")).empty());
  const auto& out = h.feed(ev.task(t0, "analytics.forecast_revenue", "c-f"));
  BOOST_TEST(status_text(reply_of(out).status()) == "refused");
  BOOST_TEST(!payloads<fbs::TaskOutcome>(out)[0]->success());
}

BOOST_AUTO_TEST_SUITE_END()
