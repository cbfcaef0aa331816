// Course outlines over several turns, from the knowledge base or from a drafted outline.
#include <boost/test/unit_test.hpp>

#include "actors/content/course.hpp"
#include "actors/kit/task.hpp"
#include "tests/actors/content/content_fixture.hpp"

using namespace aetherial::actors::content::test;

namespace {

std::vector<std::string> module_titles(const fbs::CourseOutline& o) {
  std::vector<std::string> r;
  for (const auto* m : *o.modules())
    r.push_back(str(m->title()));
  return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(course_outline)

BOOST_AUTO_TEST_CASE(topic_of_a_request) {
  BOOST_TEST(course_topic("", "Create a course about AI") == "AI");
  BOOST_TEST(course_topic("", "Create a course on machine learning with quizzes.") ==
             "machine learning");
  BOOST_TEST(course_topic(" Statistics ", "Create a course about AI") == "Statistics");
  BOOST_TEST(course_topic("", "Photography") == "Photography");
}

BOOST_AUTO_TEST_CASE(proposes_then_finalizes_an_outline_from_the_knowledge_base) {
  events ev;
  content_harness h;
  for (const auto& a : ai_knowledge_base(ev))
    BOOST_TEST(h.feed(a).empty());

  const auto& first = h.feed(ev.task("task-1", "content.create_course", "content", "conv-ai",
                                     {{"text", "Create a course about AI"}}));
  const auto outlines = payloads<fbs::CourseOutline>(first);
  BOOST_TEST_REQUIRE(outlines.size() == 1u);
  const auto& o = *outlines[0];
  BOOST_TEST(str(o.topic()) == "AI");
  BOOST_TEST(str(o.course_id()) == "course/task-1");
  BOOST_TEST(str(o.conversation_id()) == "conv-ai");
  const auto titles = module_titles(o);
  BOOST_TEST_REQUIRE(titles.size() == 3u);
  BOOST_TEST(titles[0] == "Introduction to AI");
  for (const auto& t : titles) {
    BOOST_TEST(t != "Creating a course"); // the request's own words do not pick articles
    BOOST_TEST(t != "Resetting your password");
  }
  for (const auto* m : *o.modules()) {
    BOOST_TEST(!m->quiz());
    BOOST_TEST(m->lessons()->size() >= 2u);
  }
  // Lessons are the articles' own sentences.
  BOOST_TEST(str(o.modules()->Get(0)->lessons()->Get(0)).find("AI systems learn patterns") == 0u);
  BOOST_TEST(strs(o.sources()).size() == 3u);

  const auto& r = *payloads<fbs::Reply>(first).at(0);
  BOOST_TEST(status_text(r.status()) == "needs_confirmation");
  BOOST_TEST(str(r.agent()) == "content");
  BOOST_TEST(str(r.text()).find("1. Introduction to AI") != std::string::npos);
  BOOST_TEST(r.confidence() == 1.0);
  BOOST_TEST(sent_to(first, output::replies).size() == 1u);
  BOOST_TEST(sent_to(first, output::decisions).size() == 1u);
  const auto outcome = payloads<fbs::TaskOutcome>(first);
  BOOST_TEST_REQUIRE(outcome.size() == 1u);
  BOOST_TEST(outcome[0]->success());
  BOOST_TEST(value_of(outcome[0]->results(), "status") == "needs_confirmation");

  // The second turn confirms with quizzes: the same modules, a quiz each.
  const auto& second =
      h.feed(ev.task("task-2", "content.create_course", "content", "conv-ai",
                     {{"confirmed", "true"}, {"quizzes", "true"}, {"text", "Yes, add quizzes"}}));
  const auto final_outlines = payloads<fbs::CourseOutline>(second);
  BOOST_TEST_REQUIRE(final_outlines.size() == 1u);
  BOOST_TEST(str(final_outlines[0]->course_id()) == "course/task-1");
  BOOST_TEST((module_titles(*final_outlines[0]) == titles));
  for (const auto* m : *final_outlines[0]->modules())
    BOOST_TEST(m->quiz());
  const auto& fr = *payloads<fbs::Reply>(second).at(0);
  BOOST_TEST(status_text(fr.status()) == "answered");
  BOOST_TEST(str(fr.text()).find("quiz") != std::string::npos);
  BOOST_TEST(h.agent.state().courses.at("conv-ai").final);
}

BOOST_AUTO_TEST_CASE(a_topic_the_knowledge_base_lacks_asks_a_language_model) {
  events ev;
  content_harness h;
  h.feed_all(ai_knowledge_base(ev));
  const auto& first = h.feed(ev.task("task-9", "content.create_course", "content", "conv-ph",
                                     {{"topic", "Photography"}, {"quizzes", "false"}}));
  BOOST_TEST(payloads<fbs::CourseOutline>(first).empty());
  const auto& req = the_request(first);
  BOOST_TEST(str(req.kind()) == "llm");
  BOOST_TEST(str(req.input()).find("Photography") != std::string::npos);
  BOOST_TEST(str(req.conversation_id()) == "conv-ph");
  const auto& pending = *payloads<fbs::Reply>(first).at(0);
  BOOST_TEST(status_text(pending.status()) == "pending");
  BOOST_TEST(str(pending.text()).find("no article about \"Photography\"") != std::string::npos);
  BOOST_TEST(payloads<fbs::TaskOutcome>(first).empty());

  const auto& drafted = h.feed(ev.effect_result(str(req.effect_id()), "llm", true,
                                                "1. Cameras and lenses\n   - Focal length\n"
                                                "   - Aperture\n2. Light\n\n- Composition\n"));
  const auto outlines = payloads<fbs::CourseOutline>(drafted);
  BOOST_TEST_REQUIRE(outlines.size() == 1u);
  BOOST_TEST((module_titles(*outlines[0]) ==
              std::vector<std::string>{"Cameras and lenses", "Light", "Composition"}));
  BOOST_TEST(outlines[0]->modules()->Get(0)->lessons()->size() == 2u);
  const auto& r = *payloads<fbs::Reply>(drafted).at(0);
  BOOST_TEST(status_text(r.status()) == "needs_confirmation");
  BOOST_TEST(r.confidence() == 0.0);
  BOOST_TEST(payloads<fbs::TaskOutcome>(drafted).at(0)->success());

  const auto& done = h.feed(ev.task("task-10", "content.create_course", "content", "conv-ph",
                                    {{"confirmed", "yes"}, {"quizzes", "true"}}));
  const auto final_outline = payloads<fbs::CourseOutline>(done);
  BOOST_TEST_REQUIRE(final_outline.size() == 1u);
  BOOST_TEST(final_outline[0]->modules()->size() == 3u);
  BOOST_TEST(final_outline[0]->modules()->Get(2)->quiz());
  BOOST_TEST(status_text(payloads<fbs::Reply>(done).at(0)->status()) == "answered");
}

BOOST_AUTO_TEST_CASE(a_failed_draft_is_refused_plainly) {
  events ev;
  content_harness h;
  const auto& first = h.feed(ev.task("t", "content.create_course", "content", "c",
                                     {{"text", "Create a course about knitting"}}));
  const auto& res =
      h.feed(ev.effect_result(str(the_request(first).effect_id()), "llm", false, "", "model down"));
  const auto& r = *payloads<fbs::Reply>(res).at(0);
  BOOST_TEST(status_text(r.status()) == "refused");
  BOOST_TEST(str(r.text()).find("model down") != std::string::npos);
  BOOST_TEST(!payloads<fbs::TaskOutcome>(res).at(0)->success());
}

BOOST_AUTO_TEST_CASE(other_tasks_are_refused_or_ignored) {
  events ev;
  content_harness h;
  BOOST_TEST(h.feed(ev.task("t1", "support.how_to", "support", "c", {})).empty());
  const auto& out = h.feed(ev.task("t2", "content.translate_all", "content", "c", {}));
  BOOST_TEST(status_text(payloads<fbs::Reply>(out).at(0)->status()) == "refused");
  BOOST_TEST(!payloads<fbs::TaskOutcome>(out).at(0)->success());
  const auto& no_topic = h.feed(ev.task("t3", "content.create_course", "content", "c", {}));
  BOOST_TEST(status_text(payloads<fbs::Reply>(no_topic).at(0)->status()) == "refused");
}

BOOST_AUTO_TEST_CASE(a_confirmed_task_is_final_at_once) {
  // The orchestrator's course dialogue is the confirmation: its task says so, and the outline
  // is final without a second question.
  events ev;
  content_harness h;
  h.feed_all(ai_knowledge_base(ev));
  const auto& out = h.feed(ev.task("task-1", "content.create_course", "content", "conv-yes",
                                   {{"text", "Yes"}, {"topic", "AI"}, {"confirmed", "true"}}));
  const auto& r = *payloads<fbs::Reply>(out).at(0);
  BOOST_TEST((r.status() == fbs::ReplyStatus::answered));
  BOOST_TEST(str(r.text()).rfind("Course \"AI\" is ready with 3 modules", 0) == 0u, str(r.text()));
  BOOST_TEST(str(r.text()).find("Confirm") == std::string::npos);
  const auto& o = *payloads<fbs::TaskOutcome>(out).at(0);
  BOOST_TEST((o.status() == fbs::ReplyStatus::answered));
  BOOST_TEST(str(o.detail()) == "final outline of 3 modules for \"AI\"");
  // The same task unconfirmed only proposes.
  const auto& proposed = h.feed(ev.task("task-2", "content.create_course", "content", "conv-no",
                                        {{"text", "Create a course about AI"}}));
  BOOST_TEST(
      (payloads<fbs::Reply>(proposed).at(0)->status() == fbs::ReplyStatus::needs_confirmation));
}

BOOST_AUTO_TEST_SUITE_END()
