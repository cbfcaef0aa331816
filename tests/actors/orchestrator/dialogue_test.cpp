// The multi-turn course dialogue: a proposal, topics, then "Yes, and add quizzes".
#include <boost/test/unit_test.hpp>

#include "actors/kit/task.hpp"
#include "tests/actors/orchestrator/orchestrator_fixture.hpp"

using namespace aetherial::actors::orchestrator::test;

BOOST_AUTO_TEST_SUITE(dialogue)

BOOST_AUTO_TEST_CASE(course_is_proposed_refined_and_confirmed_with_quizzes) {
  harness h;
  events ev;
  // Turn 1: the request. Nothing is handed over yet; the reply asks for topics and ends the
  // turn (a final status, so a waiting client stops there).
  const auto& first = h.feed(
      ev.command(at_s(0), "course-1", "user", "Create a course about AI", "user:ann", "ask-1"));
  BOOST_TEST_REQUIRE(first.size() == 1u);
  const auto* proposal = replies(first).at(0);
  BOOST_TEST(status_text(proposal->status()) == "answered");
  BOOST_TEST(str(proposal->intent()) == "content.create_course");
  BOOST_TEST(str(proposal->text()).find("a course about AI") != std::string::npos);
  BOOST_TEST(str(proposal->text()).find("Which topics should it cover?") != std::string::npos);
  auto details = as_map(proposal->details());
  BOOST_TEST(details.at("awaiting") == "confirmation");
  BOOST_TEST(details.at("topic") == "AI");
  BOOST_TEST(details.at("quizzes") == "false");
  BOOST_TEST(conversations(h).at("course-1").draft.active);

  // Turn 2: topics.
  const auto& second =
      h.feed(ev.command(at_s(30), "course-1", "user",
                        "Cover machine learning, neural networks and ethics", "user:ann", "ask-2"));
  BOOST_TEST_REQUIRE(second.size() == 1u);
  const auto* proposal2 = replies(second).at(0);
  BOOST_TEST(status_text(proposal2->status()) == "answered");
  BOOST_TEST(str(proposal2->text()) ==
             "The course about AI would cover: machine learning, neural networks, ethics. Shall I "
             "hand it to the Content agent? Say yes (add \"with quizzes\" for a quiz per module), "
             "or name other topics.");
  BOOST_TEST(str(envelope_of(second[0]).correlation_id()) == "ask-2");

  // Turn 3: confirmation with quizzes: the task goes to the Content agent.
  const auto& third =
      h.feed(ev.command(at_s(60), "course-1", "user", "Yes, and add quizzes", "user:ann", "ask-3"));
  BOOST_TEST_REQUIRE(third.size() == 3u);
  const auto* task = tasks(third).at(0);
  BOOST_TEST(str(task->type()) == "content.create_course");
  BOOST_TEST(str(task->target_agent()) == "content");
  BOOST_TEST(task->priority() == 3);
  const auto params = params_of(*task);
  BOOST_TEST(params.at("topic") == "AI");
  BOOST_TEST(params.at("topics") == "machine learning, neural networks, ethics");
  BOOST_TEST(params.at("quizzes") == "true");
  BOOST_TEST(params.at("confirmed") == "true");
  BOOST_TEST(params.at("text") == "Yes, and add quizzes");
  const auto* pending = replies(third).at(0);
  BOOST_TEST(status_text(pending->status()) == "pending");
  BOOST_TEST(
      str(pending->text()).rfind("Building the course about AI: routed to the Content agent", 0) ==
      0);
  BOOST_TEST(!conversations(h).at("course-1").draft.active);

  // The Content agent's outcome closes the turn.
  const auto& done = h.feed(ev.outcome(at_s(90), str(task->task_id()), "content.create_course",
                                       "content", true, "outline with 3 modules and 3 quizzes",
                                       "course-1", {{"course_id", "course-ai"}}));
  BOOST_TEST_REQUIRE(done.size() == 1u);
  const auto* answer = replies(done).at(0);
  BOOST_TEST(status_text(answer->status()) == "answered");
  BOOST_TEST(str(answer->text()) == "Content agent: outline with 3 modules and 3 quizzes");
  BOOST_TEST(as_map(answer->details()).at("course_id") == "course-ai");
  BOOST_TEST(str(envelope_of(done[0]).correlation_id()) == "ask-3");

  const auto turns = conversations(h).at("course-1").turns;
  BOOST_TEST_REQUIRE(turns.size() == 3u);
  BOOST_TEST(turns[2].outcome == "answered");
  BOOST_TEST(turns[2].intent == "content.create_course");
}

BOOST_AUTO_TEST_CASE(plain_yes_lets_the_agent_choose_topics) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "user", "Create a course about AI"));
  const auto& out = h.feed(ev.command(at_s(5), "c", "user", "Yes"));
  const auto params = params_of(*tasks(out).at(0));
  BOOST_TEST(params.count("topics") == 0u);
  BOOST_TEST(params.at("quizzes") == "false");
  // The "yes" was the confirmation: the Content agent is told so and does not ask again.
  BOOST_TEST(params.at("confirmed") == "true");
}

BOOST_AUTO_TEST_CASE(course_without_topic_asks_for_one) {
  harness h;
  events ev;
  const auto& first = h.feed(ev.command(at_s(0), "c", "user", "Create a new course"));
  BOOST_TEST(as_map(replies(first).at(0)->details()).at("awaiting") == "topic");
  const auto& second = h.feed(ev.command(at_s(5), "c", "user", "Quantum computing"));
  BOOST_TEST(as_map(replies(second).at(0)->details()).at("topic") == "Quantum computing");
  const auto& third = h.feed(ev.command(at_s(9), "c", "user", "sounds good, with quizzes"));
  const auto params = params_of(*tasks(third).at(0));
  BOOST_TEST(params.at("topic") == "Quantum computing");
  BOOST_TEST(params.at("quizzes") == "true");
}

BOOST_AUTO_TEST_CASE(decline_cancels_and_other_commands_pass_through) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "admin", "Create a course about AI"));
  // A different, understood command in the middle of the dialogue is handled as itself and
  // keeps the draft.
  const auto& other = h.feed(ev.command(at_s(5), "c", "admin", "Why is the server slow?"));
  BOOST_TEST(str(tasks(other).at(0)->type()) == "operations.diagnose_latency");
  BOOST_TEST(conversations(h).at("c").draft.active);
  const auto& no = h.feed(ev.command(at_s(9), "c", "admin", "No"));
  BOOST_TEST_REQUIRE(no.size() == 1u);
  BOOST_TEST(str(replies(no).at(0)->text()) ==
             "Cancelled the course about AI; nothing was sent to the Content agent.");
  BOOST_TEST(!conversations(h).at("c").draft.active);
  // With nothing waiting, a yes says so plainly.
  const auto& yes = h.feed(ev.command(at_s(12), "c", "admin", "Yes, and add quizzes"));
  BOOST_TEST_REQUIRE(yes.size() == 1u);
  BOOST_TEST(str(replies(yes).at(0)->text()) ==
             "Nothing in this conversation is waiting for a confirmation.");
  BOOST_TEST(status_text(replies(yes).at(0)->status()) == "answered");
}

BOOST_AUTO_TEST_CASE(draft_lapses_after_its_time_to_live) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "user", "Create a course about AI"));
  const auto& late = h.feed(ev.command(at_s(31 * 60), "c", "user", "Yes, and add quizzes"));
  BOOST_TEST(tasks(late).empty());
  BOOST_TEST(str(replies(late).at(0)->text()) ==
             "Nothing in this conversation is waiting for a confirmation.");
}

BOOST_AUTO_TEST_CASE(confirmation_checks_the_role_again) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "user", "Create a course about AI"));
  const auto& out = h.feed(ev.command(at_s(5), "c", "guest", "Yes", "user:mallory"));
  BOOST_TEST(tasks(out).empty());
  BOOST_TEST(payloads<fbs::AccessAudit>(out, output::decisions).size() == 1u);
  BOOST_TEST(status_text(replies(out).at(0)->status()) == "refused");
}

BOOST_AUTO_TEST_SUITE_END()
