// Moderation: blocklist, the naive Bayes classifier learning from moderator labels, tags,
// summaries and language.
#include <boost/test/unit_test.hpp>

#include "tests/actors/content/content_fixture.hpp"

using namespace aetherial::actors::content::test;

BOOST_AUTO_TEST_SUITE(moderation)

BOOST_AUTO_TEST_CASE(a_blocked_phrase_removes_the_item) {
  events ev;
  content_harness h;
  const auto& out = h.feed(ev.item("c-1", "comment", "", "Nobody cares, just kill yourself."));
  BOOST_TEST_REQUIRE(out.size() == 1u);
  BOOST_TEST((out[0].to == output::decisions));
  BOOST_TEST(out[0].key == "c-1");
  BOOST_TEST(str(envelope_of(out[0].value).correlation_id()) == "c-1");
  const auto& v = the_verdict(out);
  BOOST_TEST(str(v.content_id()) == "c-1");
  BOOST_TEST(str(v.verdict()) == "remove");
  BOOST_TEST(v.score() == 1.0);
  BOOST_TEST(strs(v.reasons()).at(0) == "blocklist: \"kill yourself\"");
  // Whole words only: "skill" is not "kill".
  const auto& fine = h.feed(ev.item("c-2", "comment", "", "Improve your skill yourself, daily."));
  BOOST_TEST(str(the_verdict(fine).verdict()) == "allow");
}

BOOST_AUTO_TEST_CASE(a_clean_post_is_allowed_and_enriched) {
  events ev;
  content_harness h;
  (void)h.feed(ev.item("p-0", "post", "Welcome", "Welcome to the platform, enjoy the courses."));
  const auto& out = h.feed(
      ev.item("p-1", "course_text", "Gradient descent",
              "Gradient descent trains neural networks by small steps. The weather was nice today. "
              "Each step of gradient descent moves the weights against the gradient. Lunch was at "
              "noon."));
  BOOST_TEST(out.size() == 1u); // English: nothing to translate
  const auto& v = the_verdict(out);
  BOOST_TEST(str(v.verdict()) == "allow");
  BOOST_TEST(v.score() == 0.0);
  BOOST_TEST(str(v.language()) == "en");
  BOOST_TEST(v.language_confidence() > 0.6);
  const auto tags = strs(v.tags());
  BOOST_TEST_REQUIRE(tags.size() == 5u);
  BOOST_TEST(tags[0] == "gradient");
  BOOST_TEST(contains(tags, "descent"));
  const std::string summary = str(v.summary());
  BOOST_TEST(summary.find("Gradient descent trains neural networks") != std::string::npos);
  BOOST_TEST(summary.find("Lunch") == std::string::npos);
  BOOST_TEST(summary.find("weather") == std::string::npos);
  BOOST_TEST(strs(v.reasons()).at(0).find("classifier: not trained yet") == 0u);
}

BOOST_AUTO_TEST_CASE(naive_bayes_learns_from_labels_and_flips_a_verdict) {
  events ev;
  content_harness h;
  const std::string pitch = "Cheap followers and likes, buy now at a discount, limited offer";
  BOOST_TEST(str(the_verdict(h.feed(ev.item("x-0", "post", "", pitch))).verdict()) == "allow");

  const char* spam[] = {
      "Buy cheap followers now, best discount, limited offer!",
      "Limited offer: cheap likes and followers, buy today",
      "Discount on followers, buy now, offer ends soon",
  };
  const char* ok[] = {
      "The lecture on linear algebra was clear and well paced.",
      "Thanks for the notes about the probability homework.",
      "Week three covers matrices, vectors and eigenvalues.",
  };
  int n = 0;
  for (const char* s : spam) {
    const std::string id = "s-" + std::to_string(n++);
    (void)h.feed(ev.item(id, "comment", "", s));
    BOOST_TEST(h.feed(ev.feedback(id, "moderator_label", "spam")).empty());
  }
  for (const char* s : ok) {
    const std::string id = "o-" + std::to_string(n++);
    (void)h.feed(ev.item(id, "comment", "", s));
    (void)h.feed(ev.feedback(id, "moderator_label", "ok"));
  }
  BOOST_TEST(h.agent.state().classifier.documents("spam") == 3u);
  BOOST_TEST(h.agent.state().classifier.documents("ok") == 3u);

  const auto& after = the_verdict(h.feed(ev.item("x-1", "post", "", pitch)));
  BOOST_TEST(str(after.verdict()) != "allow");
  BOOST_TEST(after.score() >= 0.6);
  BOOST_TEST(strs(after.reasons()).at(0).find("classifier: spam") == 0u);
  const auto& clean =
      the_verdict(h.feed(ev.item("x-2", "post", "", "Notes on eigenvalues and matrices")));
  BOOST_TEST(str(clean.verdict()) == "allow");
  BOOST_TEST(clean.score() < 0.5);

  // Relabelling moves an item between classes; repeating a label changes nothing; unknown
  // labels and items are ignored.
  (void)h.feed(ev.feedback("s-0", "moderator_label", "ok"));
  (void)h.feed(ev.feedback("s-0", "moderator_label", "ok"));
  (void)h.feed(ev.feedback("s-1", "moderator_label", "brilliant"));
  (void)h.feed(ev.feedback("never-seen", "moderator_label", "spam"));
  (void)h.feed(ev.feedback("s-2", "thumbs_up"));
  BOOST_TEST(h.agent.state().classifier.documents("spam") == 2u);
  BOOST_TEST(h.agent.state().classifier.documents("ok") == 4u);
}

BOOST_AUTO_TEST_CASE(thresholds_and_blocklist_come_from_settings) {
  const auto cfg = config_from({{"content.blocklist", "forbidden words, secret sauce"},
                                {"content.flag_score", "0.5"},
                                {"content.translate_to", ""},
                                {"content.min_training", "x"}});
  BOOST_TEST(cfg.flag_score == 0.5);
  BOOST_TEST(cfg.translate_to.empty());
  BOOST_TEST(cfg.min_training == content_config{}.min_training);
  events ev;
  content_harness h(cfg);
  const auto& v = the_verdict(h.feed(ev.item("c", "post", "", "Here is the Secret Sauce recipe")));
  BOOST_TEST(str(v.verdict()) == "remove");
  // Translation disabled: a Spanish post gets no effect request.
  const auto& es =
      h.feed(ev.item("e", "post", "", "No puedo encontrar el botón para subir mi tarea."));
  BOOST_TEST(es.size() == 1u);
  BOOST_TEST(str(the_verdict(es).language()) == "es");
}

BOOST_AUTO_TEST_CASE(remembered_items_are_bounded) {
  content_config cfg;
  cfg.max_items = 3;
  events ev;
  content_harness h(cfg);
  for (int i = 0; i < 5; ++i)
    (void)h.feed(
        ev.item("i-" + std::to_string(i), "post", "", "some text number " + std::to_string(i)));
  const auto& items = h.agent.state().items;
  BOOST_TEST(items.size() == 3u);
  BOOST_TEST(items.count("i-0") == 0u);
  BOOST_TEST(items.count("i-1") == 0u);
  BOOST_TEST(items.count("i-4") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
