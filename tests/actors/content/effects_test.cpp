// Effect requests (translation, image analysis) and the consumption of their recorded results.
#include <boost/test/unit_test.hpp>

#include "tests/actors/content/content_fixture.hpp"

using namespace aetherial::actors::content::test;

BOOST_AUTO_TEST_SUITE(content_effects)

BOOST_AUTO_TEST_CASE(non_english_text_requests_a_translation_and_is_reviewed_on_it) {
  events ev;
  content_harness h;
  const std::string spanish =
      "Buenos días a la clase. Este curso de álgebra es muy interesante y los "
      "profesores explican cada tema con claridad.";
  const auto& out = h.feed(ev.item("es-1", "post", "", spanish));
  BOOST_TEST_REQUIRE(out.size() == 2u);
  const auto& v = the_verdict(out);
  BOOST_TEST(str(v.language()) == "es");
  BOOST_TEST(str(v.verdict()) == "allow");
  const auto& req = the_request(out);
  BOOST_TEST(sent_to(out, output::effects).size() == 1u);
  BOOST_TEST(str(req.kind()) == "translate");
  BOOST_TEST(str(req.input()).find("Este curso") != std::string::npos);
  BOOST_TEST(value_of(req.params(), "source_language") == "es");
  BOOST_TEST(value_of(req.params(), "target_language") == "en");
  const std::string effect_id = str(req.effect_id());
  BOOST_TEST(effect_id.find("content/translate/es-1/") == 0u);
  BOOST_TEST(strs(v.reasons()).at(0).find(effect_id) != std::string::npos);
  BOOST_TEST(h.agent.state().pending.count(effect_id) == 1u);

  // The recorded translation is moderated in its turn; the verdict keeps the source language.
  const auto& res = h.feed(
      ev.effect_result(effect_id, "translate", true,
                       "Hello everyone. This algebra course is very interesting, kill yourself."));
  const auto& reviewed = the_verdict(res);
  BOOST_TEST(str(reviewed.content_id()) == "es-1");
  BOOST_TEST(str(reviewed.verdict()) == "remove");
  BOOST_TEST(str(reviewed.language()) == "es");
  BOOST_TEST(strs(reviewed.reasons()).at(0).find("moderated on the translation from es") == 0u);
  BOOST_TEST(h.agent.state().pending.empty());
  // A repeated or foreign result is not acted on.
  BOOST_TEST(h.feed(ev.effect_result(effect_id, "translate", true, "again")).empty());
  BOOST_TEST(h.feed(ev.effect_result("orchestrator/llm/1", "llm", true, "x")).empty());
}

BOOST_AUTO_TEST_CASE(a_failed_translation_leaves_the_first_verdict_standing) {
  events ev;
  content_harness h;
  const auto& out = h.feed(
      ev.item("fr-1", "comment", "", "Le professeur a très bien expliqué la leçon hier soir."));
  const std::string id = str(the_request(out).effect_id());
  BOOST_TEST(str(the_verdict(out).language()) == "fr");
  BOOST_TEST(h.feed(ev.effect_result(id, "translate", false, "", "quota exceeded")).empty());
  BOOST_TEST(h.agent.state().pending.empty());
}

BOOST_AUTO_TEST_CASE(images_wait_for_their_analysis) {
  events ev;
  content_harness h;
  const auto& out = h.feed(ev.item("img-1", "image", "Holiday", "",
                                   {{"alt", "two people on a beach"}, {"width", "800"}}));
  BOOST_TEST_REQUIRE(out.size() == 1u);
  BOOST_TEST(payloads<fbs::ModerationVerdict>(out).empty());
  const auto& req = the_request(out);
  BOOST_TEST((out[0].to == output::effects));
  BOOST_TEST(str(req.kind()) == "image_analysis");
  BOOST_TEST(value_of(req.params(), "alt") == "two people on a beach");
  BOOST_TEST(value_of(req.params(), "content_id") == "img-1");
  BOOST_TEST(str(req.input()).find("two people on a beach") != std::string::npos);

  const auto& res =
      h.feed(ev.effect_result(str(req.effect_id()), "image_analysis", true,
                              "A sunny beach with two people walking. Labels: beach, sea, sand."));
  const auto& v = the_verdict(res);
  BOOST_TEST(str(v.content_id()) == "img-1");
  BOOST_TEST(str(v.verdict()) == "allow");
  const auto tags = strs(v.tags());
  BOOST_TEST(contains(tags, "beach"));
  BOOST_TEST(strs(v.reasons()).at(0).find("moderated on the image analysis") == 0u);
}

BOOST_AUTO_TEST_CASE(a_failed_image_analysis_is_flagged_for_a_moderator) {
  events ev;
  content_harness h;
  const auto& out = h.feed(ev.item("img-2", "image", "", "", {{"alt", "a photo"}}));
  const auto& res = h.feed(
      ev.effect_result(str(the_request(out).effect_id()), "image_analysis", false, "", "timeout"));
  const auto& v = the_verdict(res);
  BOOST_TEST(str(v.verdict()) == "flag");
  BOOST_TEST(strs(v.reasons()).at(0).find("image analysis failed") == 0u);
  BOOST_TEST(strs(v.reasons()).at(0).find("timeout") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_image_whose_metadata_is_blocked_is_removed_without_analysis) {
  events ev;
  content_harness h;
  const auto& out = h.feed(ev.item("img-3", "image", "", "", {{"caption", "free bitcoin here"}}));
  BOOST_TEST(payloads<fbs::EffectRequest>(out).empty());
  BOOST_TEST(str(the_verdict(out).verdict()) == "remove");
}

BOOST_AUTO_TEST_SUITE_END()
