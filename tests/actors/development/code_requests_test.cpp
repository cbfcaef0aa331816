// Code-writing tasks: a code-generation effect request, then on its result a reply, a task
// outcome and a follow-up task for the tests.
#include <boost/test/unit_test.hpp>

#include "actors/kit/task.hpp"
#include "tests/actors/development/development_fixture.hpp"

using namespace aetherial::actors::development::test;

BOOST_AUTO_TEST_SUITE(code_requests)

BOOST_AUTO_TEST_CASE(a_feature_request_becomes_an_effect_then_a_reply_and_a_test_task) {
  harness h;
  events ev;
  const auto& asked = h.feed(ev.task(at_s(0), "t9", "development.feature_request",
                                     {{"service", "web"}, {"text", "Add CSV export to reports"}}));
  const auto effects = payloads<fbs::EffectRequest>(asked);
  BOOST_TEST_REQUIRE(effects.size() == 1u);
  BOOST_TEST(str(effects[0]->effect_id()) == "codegen-t9");
  BOOST_TEST(str(effects[0]->kind()) == "code_generation");
  BOOST_TEST(str(effects[0]->input()).find("Add CSV export to reports") != std::string::npos);
  BOOST_TEST(str(effects[0]->conversation_id()) == "conv-1");
  BOOST_TEST((asked.front().to == output::effects));
  BOOST_TEST(asked.front().key == "web");
  BOOST_TEST(status_text(payloads<fbs::Reply>(asked)[0]->status()) == "pending");

  const auto& result = h.feed(ev.effect_result(at_s(30), "codegen-t9", "code_generation", true,
                                               "Added ReportExporter::to_csv\n+ 120 lines"));
  const auto replies = payloads<fbs::Reply>(result);
  BOOST_TEST_REQUIRE(replies.size() == 1u);
  BOOST_TEST(str(replies[0]->text()) == "The code for web is ready: Added ReportExporter::to_csv");
  const auto outcomes = payloads<fbs::TaskOutcome>(result);
  BOOST_TEST_REQUIRE(outcomes.size() == 1u);
  BOOST_TEST(outcomes[0]->success());
  BOOST_TEST(str(outcomes[0]->task_id()) == "t9");
  const auto tasks = payloads<fbs::Task>(result);
  BOOST_TEST_REQUIRE(tasks.size() == 1u);
  BOOST_TEST(str(tasks[0]->type()) == "development.write_tests");
  BOOST_TEST(str(tasks[0]->target_agent()) == "development");
  BOOST_TEST(h.agent.state().code_requests.empty());
  // A result nobody waits for (redelivered) does nothing.
  BOOST_TEST(
      h.feed(ev.effect_result(at_s(31), "codegen-t9", "code_generation", true, "x")).empty());
}

BOOST_AUTO_TEST_CASE(write_tests_has_no_follow_up_and_failures_are_reported) {
  harness h;
  events ev;
  (void)h.feed(ev.task(at_s(0), "t10", "development.write_tests",
                       {{"service", "web"}, {"text", "Cover the cart"}}));
  const auto& ok = h.feed(ev.effect_result(at_s(5), "codegen-t10", "code_generation", true, "ok"));
  BOOST_TEST(payloads<fbs::Task>(ok).empty());

  (void)h.feed(ev.task(at_s(10), "t11", "development.bug_fix",
                       {{"service", "web"}, {"text", "Fix the login loop"}}));
  const auto& failed = h.feed(
      ev.effect_result(at_s(15), "codegen-t11", "code_generation", false, "", "model timeout"));
  const auto outcomes = payloads<fbs::TaskOutcome>(failed);
  BOOST_TEST_REQUIRE(outcomes.size() == 1u);
  BOOST_TEST(!outcomes[0]->success());
  BOOST_TEST(str(payloads<fbs::Reply>(failed)[0]->text()) ==
             "Code generation failed: model timeout.");
}

BOOST_AUTO_TEST_CASE(unknown_and_empty_requests_are_refused) {
  harness h;
  events ev;
  const auto& unknown = h.feed(ev.task(at_s(0), "t12", "development.rewrite_everything", {}));
  BOOST_TEST(status_text(payloads<fbs::Reply>(unknown)[0]->status()) == "refused");
  BOOST_TEST(!payloads<fbs::TaskOutcome>(unknown)[0]->success());
  const auto& empty = h.feed(ev.task(at_s(1), "t13", "development.bug_fix", {{"service", "web"}}));
  BOOST_TEST(payloads<fbs::EffectRequest>(empty).empty());
  BOOST_TEST(status_text(payloads<fbs::Reply>(empty)[0]->status()) == "refused");
}

BOOST_AUTO_TEST_SUITE_END()
