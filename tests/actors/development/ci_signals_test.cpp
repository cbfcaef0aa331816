// CI signals: failure clustering by normalized signature, flaky tests from flips on one
// commit, review assignment by learned path ownership.
#include <boost/test/unit_test.hpp>

#include "actors/development/signature.hpp"
#include "tests/actors/development/development_fixture.hpp"

using namespace aetherial::actors::development::test;

BOOST_AUTO_TEST_SUITE(ci_signals)

BOOST_AUTO_TEST_CASE(signatures_strip_what_varies) {
  BOOST_TEST(failure_signature("Timeout after 3012 ms at /src/db/pool.cpp:88 (0x7ffd1234)") ==
             failure_signature("Timeout  after 5000 ms at /build/db/pool.cpp:91 (0x55aa0011)"));
  BOOST_TEST(failure_signature("Timeout after 3012 ms at /src/db/pool.cpp:88 (0x7ffd1234)") ==
             "Timeout after <n> ms at <path> (<addr>)");
  BOOST_TEST(failure_signature("user 9f8e7d6c5b4a not found") == "user <hex> not found");
  BOOST_TEST(failure_signature("expected 3.5 got 4") == "expected <n> got <n>");
  BOOST_TEST(failure_signature("connection refused") != failure_signature("permission denied"));
  BOOST_TEST(failure_signature(std::string(500, 'x'), 160).size() == 160u);
  BOOST_TEST((path_prefixes("src/db/pool.cpp") ==
              std::vector<std::string>{"src/", "src/db/", "src/db/pool.cpp"}));
}

BOOST_AUTO_TEST_CASE(failures_with_one_cause_form_one_cluster) {
  harness h;
  events ev;
  BOOST_TEST(h.feed(ev.test_result(at_s(0), "db_pool_test", "c1", false,
                                   "Timeout after 3012 ms at /src/db/pool.cpp:88"))
                 .empty());
  // Another test, same cause with other numbers: a cluster of two.
  const auto& second = h.feed(ev.test_result(at_s(1), "orders_test", "c1", false,
                                             "Timeout after 4410 ms at /src/db/pool.cpp:91"));
  const auto clusters = payloads<fbs::FailureCluster>(second);
  BOOST_TEST_REQUIRE(clusters.size() == 1u);
  BOOST_TEST(str(clusters[0]->signature()) == "Timeout after <n> ms at <path>");
  BOOST_TEST(clusters[0]->count() == 2);
  BOOST_TEST_REQUIRE(clusters[0]->tests()->size() == 2u);
  BOOST_TEST(clusters[0]->tests()->Get(0)->str() == "db_pool_test");
  BOOST_TEST(clusters[0]->tests()->Get(1)->str() == "orders_test");
  BOOST_TEST(str(clusters[0]->example()) == "Timeout after 3012 ms at /src/db/pool.cpp:88");
  BOOST_TEST(second.front().key == "web");
  // The same test failing again adds no news; an unrelated failure is its own cluster.
  BOOST_TEST(payloads<fbs::FailureCluster>(
                 h.feed(ev.test_result(at_s(2), "orders_test", "c2", false,
                                       "Timeout after 999 ms at /src/db/pool.cpp:91")))
                 .empty());
  BOOST_TEST(payloads<fbs::FailureCluster>(
                 h.feed(ev.test_result(at_s(3), "auth_test", "c2", false, "permission denied")))
                 .empty());
  BOOST_TEST(rows_of_repo(h, clusters_table, "web") == 2u);
}

BOOST_AUTO_TEST_CASE(a_test_flipping_on_one_commit_is_flaky) {
  harness h;
  events ev;
  // Pass on c1, fail on c2: a real regression, not a flip.
  (void)h.feed(ev.test_result(at_s(0), "cart_test", "c1", true));
  BOOST_TEST(
      payloads<fbs::FlakyTest>(h.feed(ev.test_result(at_s(1), "cart_test", "c2", false))).empty());
  // Re-run on c2 passes: a flip on the same commit.
  const auto& flip = h.feed(ev.test_result(at_s(2), "cart_test", "c2", true));
  const auto flaky = payloads<fbs::FlakyTest>(flip);
  BOOST_TEST_REQUIRE(flaky.size() == 1u);
  BOOST_TEST(str(flaky[0]->test_name()) == "cart_test");
  BOOST_TEST(flaky[0]->flips() == 1);
  BOOST_TEST(flaky[0]->runs() == 3);
  BOOST_TEST(flaky[0]->flip_rate() == 1.0 / 3.0, boost::test_tools::tolerance(1e-12));
  // Reported again when the flips double, not at every flip.
  const auto& second = h.feed(ev.test_result(at_s(3), "cart_test", "c2", false));
  BOOST_TEST(payloads<fbs::FlakyTest>(second).size() == 1u);
  BOOST_TEST(
      payloads<fbs::FlakyTest>(h.feed(ev.test_result(at_s(4), "cart_test", "c2", true))).empty());
  BOOST_TEST(
      payloads<fbs::FlakyTest>(h.feed(ev.test_result(at_s(5), "cart_test", "c2", false))).size() ==
      1u);
}

BOOST_AUTO_TEST_CASE(reviews_go_to_the_owner_of_the_touched_paths) {
  harness h;
  events ev;
  // History: dana writes under src/db/, erin under src/ui/; frank reviewed a db change.
  (void)h.feed(ev.review(at_s(0), "ch1", "dana", {"src/db/pool.cpp", "src/db/pool.hpp"}));
  (void)h.feed(ev.review(at_s(1), "ch2", "erin", {"src/ui/cart.tsx"}));
  (void)h.feed(ev.review(at_s(2), "ch3", "dana", {"src/db/query.cpp"}));
  (void)h.feed(ev.approval(at_s(3), "frank", "", "ch3"));

  // A db change by erin goes to dana, the deepest and most frequent owner.
  const auto& db = h.feed(ev.review(at_s(10), "ch4", "erin", {"src/db/pool.cpp"}));
  const auto a = payloads<fbs::ReviewAssignment>(db);
  BOOST_TEST_REQUIRE(a.size() == 1u);
  BOOST_TEST(str(a[0]->change_id()) == "ch4");
  BOOST_TEST(str(a[0]->reviewer()) == "dana");
  BOOST_TEST(str(a[0]->reason()).rfind("owns src/db/pool.cpp", 0) == 0);

  // A db change by dana cannot go to dana: frank reviewed there.
  const auto& own = h.feed(ev.review(at_s(11), "ch5", "dana", {"src/db/query.cpp"}));
  BOOST_TEST(str(payloads<fbs::ReviewAssignment>(own)[0]->reviewer()) == "frank");

  // Nobody knows docs/: the fallback reviewer.
  const auto& none = h.feed(ev.review(at_s(12), "ch6", "erin", {"docs/intro.md"}));
  BOOST_TEST(str(payloads<fbs::ReviewAssignment>(none)[0]->reviewer()) == "maintainers");
}

BOOST_AUTO_TEST_CASE(review_ties_break_on_load_then_name) {
  harness h;
  events ev;
  (void)h.feed(ev.review(at_s(0), "a1", "zoe", {"lib/x.cpp"}));
  (void)h.feed(ev.review(at_s(1), "a2", "yan", {"lib/x.cpp"}));
  // zoe and yan own lib/x.cpp equally and kim, the author, is neither. zoe reviews a2
  // already, yan nothing: the lighter load wins.
  const auto& first = h.feed(ev.review(at_s(2), "a3", "kim", {"lib/x.cpp"}));
  BOOST_TEST(str(payloads<fbs::ReviewAssignment>(first)[0]->reviewer()) == "yan");
  // Equal scores and equal loads: the name decides, never the order of arrival.
  const auto& second = h.feed(ev.review(at_s(3), "a4", "kim", {"lib/x.cpp"}));
  BOOST_TEST(str(payloads<fbs::ReviewAssignment>(second)[0]->reviewer()) == "yan");
}

BOOST_AUTO_TEST_SUITE_END()
