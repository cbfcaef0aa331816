// Continuous optimization: index and cache recommendations and their verdicts.
#include <boost/test/unit_test.hpp>

#include "tests/actors/operations/operations_fixture.hpp"

using namespace aetherial::actors::operations::test;

BOOST_AUTO_TEST_SUITE(optimization)

BOOST_AUTO_TEST_CASE(slow_queries_lead_to_one_index_recommendation_judged_effective) {
  harness h;
  events ev;
  const std::vector<std::string> cols{"customer_id", "status", "customer_id"};
  BOOST_TEST(h.feed(ev.slow_query(at_s(0), "web", "orders", cols, 800, 1'000'000)).empty());
  BOOST_TEST(h.feed(ev.slow_query(at_s(30), "web", "orders", cols, 900, 1'000'000)).empty());
  const auto& out = h.feed(ev.slow_query(at_s(60), "web", "orders", cols, 700, 1'000'000));
  const auto rec = payloads<fbs::Recommendation>(out);
  BOOST_TEST_REQUIRE(rec.size() == 1u);
  BOOST_TEST(out[0].key == "web");
  BOOST_TEST(str(rec[0]->kind()) == "index");
  BOOST_TEST(str(rec[0]->target()) == "orders(customer_id,status)");
  BOOST_TEST(str(rec[0]->detail()) ==
             "CREATE INDEX idx_orders_customer_id_status ON orders (customer_id, status);");
  BOOST_TEST(rec[0]->baseline_value() == 800.0);
  BOOST_TEST(str(rec[0]->reason()).find("800.0 ms") != std::string::npos);
  // Not repeated; measurements inside the grace period are not judged.
  BOOST_TEST(h.feed(ev.slow_query(at_s(90), "web", "orders", cols, 850, 1'000'000)).empty());
  BOOST_TEST(h.feed(ev.slow_query(at_s(130), "web", "orders", cols, 60, 50)).empty());
  BOOST_TEST(h.feed(ev.slow_query(at_s(160), "web", "orders", cols, 40, 50)).empty());
  const auto v = payloads<fbs::RecommendationVerdict>(
      h.feed(ev.slow_query(at_s(190), "web", "orders", cols, 50, 50)));
  BOOST_TEST_REQUIRE(v.size() == 1u);
  BOOST_TEST(v[0]->effective());
  BOOST_TEST(v[0]->observed_value() == 50.0);
  BOOST_TEST(str(v[0]->recommendation_id()) == str(rec[0]->recommendation_id()));
  BOOST_TEST(h.feed(ev.slow_query(at_s(220), "web", "orders", cols, 50, 50)).empty());
}

BOOST_AUTO_TEST_CASE(an_index_that_barely_helps_is_judged_ineffective) {
  harness h;
  events ev;
  const std::vector<std::string> cols{"sku"};
  for (int i = 0; i < 3; ++i)
    (void)h.feed(ev.slow_query(at_s(i), "shop", "items", cols, 400, 10));
  std::vector<const fbs::RecommendationVerdict*> v;
  for (int i = 0; i < 3; ++i)
    v = payloads<fbs::RecommendationVerdict>(
        h.feed(ev.slow_query(at_s(100 + i), "shop", "items", cols, 320, 10)));
  BOOST_TEST_REQUIRE(v.size() == 1u);
  BOOST_TEST(!v[0]->effective()); // 20 % better, 30 % required
}

BOOST_AUTO_TEST_CASE(fast_or_columnless_queries_are_not_indexed) {
  harness h;
  events ev;
  for (int i = 0; i < 5; ++i) {
    BOOST_TEST(h.feed(ev.slow_query(at_s(i), "web", "orders", {"id"}, 50, 10)).empty());
    BOOST_TEST(h.feed(ev.slow_query(at_s(i), "web", "orders", {}, 5000, 10)).empty());
  }
}

BOOST_AUTO_TEST_CASE(quoted_identifiers_in_the_statement) {
  harness h;
  events ev;
  const std::vector<std::string> cols{"user id"};
  std::vector<const fbs::Recommendation*> rec;
  for (int i = 0; i < 3; ++i)
    rec = payloads<fbs::Recommendation>(
        h.feed(ev.slow_query(at_s(i), "web", "my\"table", cols, 500, 10)));
  BOOST_TEST_REQUIRE(rec.size() == 1u);
  BOOST_TEST(str(rec[0]->detail()) ==
             "CREATE INDEX idx_my_table_user_id ON \"my\"\"table\" (\"user id\");");
}

BOOST_AUTO_TEST_CASE(low_hit_ratio_leads_to_a_cache_recommendation_and_verdict) {
  harness h;
  events ev;
  // Memory is not full and few evictions: entries expire, so the TTL is the lever.
  BOOST_TEST(h.feed(ev.cache(at_s(0), "web", "profiles", 0.6, 1, 0.5)).empty());
  BOOST_TEST(h.feed(ev.cache(at_s(60), "web", "profiles", 0.9, 1, 0.5)).empty()); // streak reset
  BOOST_TEST(h.feed(ev.cache(at_s(120), "web", "profiles", 0.6, 1, 0.5)).empty());
  BOOST_TEST(h.feed(ev.cache(at_s(180), "web", "profiles", 0.5, 1, 0.5)).empty());
  const auto rec =
      payloads<fbs::Recommendation>(h.feed(ev.cache(at_s(240), "web", "profiles", 0.4, 1, 0.5)));
  BOOST_TEST_REQUIRE(rec.size() == 1u);
  BOOST_TEST(str(rec[0]->kind()) == "cache");
  BOOST_TEST(str(rec[0]->target()) == "profiles");
  BOOST_TEST(str(rec[0]->detail()).find("TTL") != std::string::npos);
  BOOST_TEST(rec[0]->baseline_value() == 0.5);
  std::vector<const fbs::RecommendationVerdict*> v;
  for (int i = 1; i <= 3; ++i)
    v = payloads<fbs::RecommendationVerdict>(
        h.feed(ev.cache(at_s(240 + 60 * i), "web", "profiles", 0.8, 1, 0.5)));
  BOOST_TEST_REQUIRE(v.size() == 1u);
  BOOST_TEST(v[0]->effective()); // miss 0.5 -> 0.2: 60 % better
}

BOOST_AUTO_TEST_CASE(full_cache_needs_size_and_silence_is_judged_at_the_window) {
  harness h;
  events ev;
  std::vector<const fbs::Recommendation*> rec;
  for (int i = 0; i < 3; ++i)
    rec = payloads<fbs::Recommendation>(
        h.feed(ev.cache(at_s(60 * i), "api", "tokens", 0.3, 50, 0.99)));
  BOOST_TEST_REQUIRE(rec.size() == 1u);
  BOOST_TEST(str(rec[0]->detail()).find("size") != std::string::npos);
  // No statistics arrive; the verdict window passes on an unrelated event.
  const auto& out = h.feed(ev.load(at_s(120 + 15 * 60 + 1), "web", 2, 0.6));
  const auto v = payloads<fbs::RecommendationVerdict>(out);
  BOOST_TEST_REQUIRE(v.size() == 1u);
  BOOST_TEST(!v[0]->effective());
  BOOST_TEST(out[0].key == "api");
}

BOOST_AUTO_TEST_SUITE_END()
