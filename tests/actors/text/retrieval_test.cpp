// BM25, the knowledge base, TF-IDF keywords and extractive summaries.
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/kit/state_codec.hpp"
#include "actors/text/knowledge_base.hpp"
#include "actors/text/tfidf.hpp"

using namespace aetherial::actors::text;

BOOST_AUTO_TEST_SUITE(retrieval)

BOOST_AUTO_TEST_CASE(bm25_ranks_by_rare_matching_terms) {
  bm25_index idx;
  idx.put("course", count_terms("Create a course: open the studio and create a new course."));
  idx.put("password", count_terms("Reset your password from the login page."));
  idx.put("studio", count_terms("The studio shows your drafts."));
  const auto hits = idx.search(make_query("how do I create a course in the studio"), 10);
  BOOST_TEST_REQUIRE(hits.size() == 2u);
  BOOST_TEST(hits[0].id == "course");
  BOOST_TEST(hits[1].id == "studio");
  BOOST_TEST(hits[0].score > hits[1].score);
  // A term in fewer documents weighs more.
  BOOST_TEST(idx.idf("password") > idx.idf("studio") - 1e-12);
  BOOST_TEST(idx.idf("unseen") > idx.idf("password"));
  BOOST_TEST(idx.search(make_query("refund"), 10).empty());
}

BOOST_AUTO_TEST_CASE(bm25_normalizes_length_and_saturates_frequency) {
  bm25_index idx;
  idx.put("short", count_terms("quiz rules"));
  idx.put("long", count_terms("quiz rules and a lot of other words about grading, deadlines, "
                              "teachers, classrooms, schedules and attendance"));
  const auto hits = idx.search(make_query("quiz"), 10);
  BOOST_TEST_REQUIRE(hits.size() == 2u);
  BOOST_TEST(hits[0].id == "short");
  bm25_index sat;
  sat.put("one", count_terms("quiz"));
  sat.put("ten", count_terms("quiz quiz quiz quiz quiz quiz quiz quiz quiz quiz"));
  sat.put("none", count_terms("other"));
  const double one = sat.score(make_query("quiz"), "one");
  const double ten = sat.score(make_query("quiz"), "ten");
  BOOST_TEST(ten > one);
  BOOST_TEST(ten < 3.0 * one); // saturated, not linear
}

BOOST_AUTO_TEST_CASE(bm25_ties_rank_by_id_and_erase_forgets) {
  bm25_index idx;
  idx.put("b", count_terms("alpha"));
  idx.put("a", count_terms("alpha"));
  auto hits = idx.search(make_query("alpha"), 10);
  BOOST_TEST_REQUIRE(hits.size() == 2u);
  BOOST_TEST(hits[0].id == "a");
  idx.erase("a");
  idx.erase("missing");
  hits = idx.search(make_query("alpha"), 10);
  BOOST_TEST_REQUIRE(hits.size() == 1u);
  BOOST_TEST(hits[0].id == "b");
  BOOST_TEST(idx.size() == 1u);
}

BOOST_AUTO_TEST_CASE(coverage_is_the_idf_weighted_share_of_the_question) {
  bm25_index idx;
  idx.put("course", count_terms("create a course"));
  idx.put("other", count_terms("delete an account"));
  BOOST_TEST(idx.coverage(make_query("create a course"), "course") == 1.0);
  BOOST_TEST(idx.coverage(make_query("create a course"), "other") == 0.0);
  const double half = idx.coverage(make_query("delete a course"), "course");
  BOOST_TEST(half > 0.3);
  BOOST_TEST(half < 0.7);
  BOOST_TEST(idx.coverage({}, "course") == 0.0);
}

BOOST_AUTO_TEST_CASE(knowledge_base_adds_updates_retires_and_is_idempotent) {
  knowledge_base kb;
  using change = knowledge_base::change;
  BOOST_TEST((kb.apply("kb-1", "Create a course", "Open the studio.", {"courses"}, true) ==
              change::added));
  BOOST_TEST((kb.apply("kb-1", "Create a course", "Open the studio.", {"courses"}, true) ==
              change::unchanged));
  BOOST_TEST((kb.apply("kb-1", "Create a course", "Open the course studio.", {}, true) ==
              change::updated));
  BOOST_TEST((kb.apply("", "x", "y", {}, true) == change::unchanged));
  BOOST_TEST(kb.search(make_query("studio"), 5).size() == 1u);
  BOOST_TEST((kb.apply("kb-1", "", "", {}, false) == change::retired));
  BOOST_TEST((kb.apply("kb-1", "", "", {}, false) == change::unchanged));
  BOOST_TEST(kb.search(make_query("studio"), 5).empty());
}

BOOST_AUTO_TEST_CASE(knowledge_base_evicts_the_least_recently_changed) {
  kb_limits limits;
  limits.max_articles = 2;
  knowledge_base kb(limits);
  (void)kb.apply("a", "alpha", "", {}, true);
  (void)kb.apply("b", "beta", "", {}, true);
  (void)kb.apply("a", "alpha two", "", {}, true); // a is now newer than b
  (void)kb.apply("c", "gamma", "", {}, true);
  BOOST_TEST(kb.size() == 2u);
  BOOST_TEST(kb.find("b") == nullptr);
  BOOST_TEST(kb.find("a") != nullptr);
  BOOST_TEST(kb.search(make_query("beta"), 5).empty());
}

BOOST_AUTO_TEST_CASE(knowledge_base_round_trips_and_refuses_inconsistent_state) {
  knowledge_base kb;
  (void)kb.apply("kb-2", "Payments", "Refunds take five days.", {"billing"}, true);
  (void)kb.apply("kb-1", "Courses", "Create a course in the studio.", {}, true);
  const auto s = kb.to_state();
  BOOST_TEST_REQUIRE(s.articles.size() == 2u);
  BOOST_TEST(s.articles[0]->id == "kb-1"); // by id, as the map holds them
  BOOST_TEST(s.articles[1]->tags == std::vector<std::string>{"billing"});
  const auto encoded = [](const ::aetherial::state::text::KnowledgeBaseT& x) {
    return aetherial::actors::kit::encode_state<::aetherial::state::text::KnowledgeBase>(x, "TEXT");
  };
  knowledge_base copy;
  BOOST_TEST(copy.from_state(s));
  BOOST_TEST(copy.size() == 2u);
  BOOST_TEST(copy.search(make_query("refund"), 5).at(0).id == "kb-2");
  BOOST_TEST((encoded(copy.to_state()) == encoded(s)));
  // Inconsistent states never load and never change the target.
  auto unsorted = kb.to_state();
  std::swap(unsorted.articles[0], unsorted.articles[1]);
  BOOST_TEST(!copy.from_state(unsorted));
  auto stale = kb.to_state();
  stale.next_revision = 2; // a revision not below the next one
  BOOST_TEST(!copy.from_state(stale));
  auto duplicate = kb.to_state();
  duplicate.articles[1]->revision = duplicate.articles[0]->revision;
  BOOST_TEST(!copy.from_state(duplicate));
  auto nameless = kb.to_state();
  nameless.articles[0]->id.clear();
  BOOST_TEST(!copy.from_state(nameless));
  kb_limits one;
  one.max_articles = 1;
  knowledge_base small(one);
  BOOST_TEST(!small.from_state(s));
  BOOST_TEST(small.size() == 0u);
  BOOST_TEST(copy.size() == 2u);
  BOOST_TEST((encoded(copy.to_state()) == encoded(s)));
}

BOOST_AUTO_TEST_CASE(tfidf_keywords_prefer_frequent_rare_words) {
  document_frequencies df;
  df.add(count_terms("the platform hosts courses"));
  df.add(count_terms("courses and quizzes on the platform"));
  const auto doc = analyze("Neural networks: networks learn weights. The platform courses.");
  df.add(doc.counts);
  const auto k = top_keywords(doc, df, 2);
  BOOST_TEST_REQUIRE(k.size() == 2u);
  BOOST_TEST(k[0].word == "networks");
  BOOST_TEST(k[0].weight > k[1].weight);
  // Bounded: the rarest go first, deterministically.
  df.bound(4);
  BOOST_TEST(df.df.size() <= 4u);
  BOOST_TEST(df.df.count("cours") == 1u);
  BOOST_TEST(df.df.count("platform") == 1u);
}

BOOST_AUTO_TEST_CASE(summary_keeps_the_most_informative_sentences_in_order) {
  document_frequencies df;
  const std::string text =
      "Gradient descent trains neural networks. The weather was nice. Neural networks adjust "
      "weights with gradient descent over many steps. Lunch was at noon.";
  df.add(count_terms(text));
  const std::string s = summarize(text, df, 2, 400);
  BOOST_TEST(s == "Gradient descent trains neural networks. Neural networks adjust weights with "
                  "gradient descent over many steps.");
  BOOST_TEST(summarize("One sentence only.", df, 2, 400) == "One sentence only.");
  BOOST_TEST(summarize(text, df, 2, 30).size() <= 33u);
}

BOOST_AUTO_TEST_SUITE_END()
