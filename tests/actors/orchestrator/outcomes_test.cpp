// Outcomes and effects: final replies from task outcomes, the language-model effect for
// unknown intents, deadlines, and events delivered twice.
#include <boost/test/unit_test.hpp>

#include "actors/kit/task.hpp"
#include "tests/actors/orchestrator/orchestrator_fixture.hpp"

using namespace aetherial::actors::orchestrator::test;

BOOST_AUTO_TEST_SUITE(outcomes)

BOOST_AUTO_TEST_CASE(unknown_intent_asks_a_language_model_and_says_so) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "q", "user", "How do I create a course?"));
  const std::string command_id = ev.next_id();
  const auto& out = h.feed(
      ev.command(at_s(10), "q", "user", "What is the meaning of life?", "user:zed", "ask-9"));
  BOOST_TEST_REQUIRE(out.size() == 3u);
  BOOST_TEST((out[0].to == output::effects));
  BOOST_TEST((out[1].to == output::decisions));
  BOOST_TEST((out[2].to == output::replies));
  BOOST_TEST(tasks(out).empty());

  const auto* request = payloads<fbs::EffectRequest>(out, output::effects).at(0);
  const std::string effect_id = "llm-" + command_id;
  BOOST_TEST(str(request->effect_id()) == effect_id);
  BOOST_TEST(str(request->kind()) == "llm");
  BOOST_TEST(str(request->input()) == "What is the meaning of life?");
  BOOST_TEST(str(request->conversation_id()) == "q");
  BOOST_TEST(str(request->requested_by()) == "user:zed");
  const auto params = as_map(request->params());
  BOOST_TEST(params.at("context.1") == "How do I create a course?");
  BOOST_TEST(params.count("context.2") == 0u);
  BOOST_TEST(out[0].key == "q");
  BOOST_TEST(str(envelope_of(out[0]).correlation_id()) == "ask-9");

  const auto* record = payloads<fbs::Reply>(out, output::decisions).at(0);
  BOOST_TEST(status_text(record->status()) == "effect_requested");
  const auto* pending = replies(out).at(0);
  BOOST_TEST(status_text(pending->status()) == "pending");
  BOOST_TEST(str(pending->intent()) == "general.ask");
  BOOST_TEST(str(pending->text()) ==
             "No rule of mine understands this, so I have asked a language model (effect " +
                 effect_id +
                 "). There is no answer yet; it will follow here once an effect worker records "
                 "one.");

  // The recorded result becomes the answer.
  const auto& answer = h.feed(ev.effect_result(at_s(20), effect_id, true, "42.", "", "q"));
  BOOST_TEST_REQUIRE(answer.size() == 1u);
  const auto* r = replies(answer).at(0);
  BOOST_TEST(status_text(r->status()) == "answered");
  BOOST_TEST(str(r->text()) == "42.");
  BOOST_TEST(str(r->citations()->Get(0)) == effect_id);
  BOOST_TEST(str(envelope_of(answer[0]).correlation_id()) == "ask-9");
  BOOST_TEST(pending_effects(h).empty());
  BOOST_TEST(conversations(h).at("q").turns.back().outcome == "answered");

  // A second delivery of the same result changes nothing.
  BOOST_TEST(h.feed(ev.effect_result(at_s(21), effect_id, true, "42.", "", "q")).empty());
}

BOOST_AUTO_TEST_CASE(failed_or_missing_effect_results_fail_plainly) {
  harness h;
  events ev;
  const std::string id1 = "llm-" + ev.next_id();
  (void)h.feed(ev.command(at_s(0), "a", "user", "Tell me a joke"));
  const auto& failed = h.feed(ev.effect_result(at_s(3), id1, false, "", "quota exceeded", "a"));
  BOOST_TEST(status_text(replies(failed).at(0)->status()) == "failed");
  BOOST_TEST(str(replies(failed).at(0)->text()) ==
             "The language model gave no answer: quota exceeded");

  const std::string id2 = "llm-" + ev.next_id();
  (void)h.feed(ev.command(at_s(10), "b", "user", "Tell me another joke"));
  // Any later event past the deadline (5 min) fails the effect.
  const auto& later = h.feed(ev.command(at_s(10 + 301), "other", "user", "How do I pay?"));
  const auto rs = replies(later);
  BOOST_TEST_REQUIRE(rs.size() == 2u);
  BOOST_TEST(status_text(rs[0]->status()) == "failed");
  BOOST_TEST(str(rs[0]->conversation_id()) == "b");
  BOOST_TEST(str(rs[0]->text()) == "The language model did not answer within 300 s (effect " + id2 +
                                       "); I have stopped waiting for it.");
  // A result after the deadline is not an answer any more.
  BOOST_TEST(h.feed(ev.effect_result(at_s(400), id2, true, "late", "", "b")).empty());
}

BOOST_AUTO_TEST_CASE(outcomes_give_final_replies_and_count_once) {
  harness h;
  events ev;
  const auto& routed =
      h.feed(ev.command(at_s(0), "pay", "user", "My payment didn't go through", "user:ann", "c-1"));
  const auto* task = tasks(routed).at(0);
  const std::string id = str(task->task_id());

  // A Task event (its own, read back from aetherial.tasks) is ignored.
  BOOST_TEST(h.feed(ev.task(at_s(1), id, "pay")).empty());

  const auto& out = h.feed(ev.outcome(at_s(2), id, "support.payment_issue", "support", false,
                                      "escalated to a person (money)", "pay",
                                      {{"status", "escalated"}, {"escalation_reason", "money"}}));
  BOOST_TEST_REQUIRE(out.size() == 1u);
  const auto* r = replies(out).at(0);
  BOOST_TEST(status_text(r->status()) == "escalated");
  BOOST_TEST(str(r->intent()) == "support.payment_issue");
  BOOST_TEST(str(envelope_of(out[0]).correlation_id()) == "c-1");
  BOOST_TEST(out[0].key == "pay");
  BOOST_TEST(as_map(r->details()).at("escalation_reason") == "money");

  // Delivered again: no second reply, no second count.
  BOOST_TEST(h.feed(ev.outcome(at_s(3), id, "support.payment_issue", "support", false, "", "pay"))
                 .empty());
  BOOST_TEST(h.agent.state().stats.at("support|support.payment_issue").failures == 1u);

  // An outcome of a task this instance never issued is ignored.
  BOOST_TEST(h.feed(ev.outcome(at_s(4), "task-foreign", "x", "support", true, "", "pay")).empty());

  const auto& fix = h.feed(ev.command(at_s(5), "bug", "developer", "Fix the login bug"));
  const std::string fix_id = str(tasks(fix).at(0)->task_id());
  const auto& failed =
      h.feed(ev.outcome(at_s(6), fix_id, "development.bug_fix", "development", false, "", "bug"));
  BOOST_TEST(status_text(replies(failed).at(0)->status()) == "failed");
  BOOST_TEST(str(replies(failed).at(0)->text()) ==
             "The Development agent could not complete development.bug_fix: it gave no reason.");
}

BOOST_AUTO_TEST_CASE(tasks_without_outcome_time_out_and_count_as_failures) {
  harness h;
  events ev;
  const auto& routed = h.feed(ev.command(at_s(0), "dau", "admin", "Show me today's active users"));
  const std::string id = str(tasks(routed).at(0)->task_id());
  BOOST_TEST(h.feed(ev.command(at_s(899), "x", "user", "How do I pay?")).size() == 3u);
  const auto& later = h.feed(ev.command(at_s(900), "y", "user", "How do I pay?"));
  const auto rs = replies(later);
  BOOST_TEST_REQUIRE(rs.size() == 2u);
  BOOST_TEST(status_text(rs[0]->status()) == "failed");
  BOOST_TEST(str(rs[0]->text()) == "No outcome from the Analytics agent for task " + id +
                                       " within 900 s; I have stopped waiting for it.");
  BOOST_TEST(h.agent.state().stats.at("analytics|analytics.active_users").failures == 1u);
  BOOST_TEST(pending_tasks(h).count(id) == 0u);
  // The outcome arriving afterwards finds nothing to answer.
  BOOST_TEST(
      h.feed(ev.outcome(at_s(901), id, "analytics.active_users", "analytics", true, "", "dau"))
          .empty());
}

BOOST_AUTO_TEST_CASE(a_command_delivered_twice_is_answered_once) {
  harness h;
  events ev;
  const auto cmd = ev.command(at_s(0), "d", "admin", "Fix the login bug");
  BOOST_TEST(h.feed(cmd).size() == 3u);
  BOOST_TEST(h.feed(cmd).empty());
  BOOST_TEST(pending_tasks(h).size() == 1u);
  BOOST_TEST(conversations(h).at("d").turns.size() == 1u);
}

BOOST_AUTO_TEST_CASE(empty_commands_fail_plainly) {
  harness h;
  events ev;
  const auto& out = h.feed(ev.command(at_s(0), "e", "admin", " ?! "));
  BOOST_TEST_REQUIRE(out.size() == 1u);
  BOOST_TEST(status_text(replies(out).at(0)->status()) == "failed");
}

BOOST_AUTO_TEST_CASE(conversations_are_bounded_in_turns_and_time) {
  orchestrator_config cfg;
  cfg.max_turns = 3;
  harness h(cfg);
  events ev;
  for (int i = 0; i < 5; ++i)
    (void)h.feed(ev.command(at_s(i), "long", "user", "How do I pay? " + std::to_string(i)));
  const auto turns = conversations(h).at("long").turns;
  BOOST_TEST_REQUIRE(turns.size() == 3u);
  BOOST_TEST(turns.front().text == "How do I pay? 2");

  for (int i = 0; i < 6; ++i)
    (void)h.feed(ev.command(at_s(10 + i), "c" + std::to_string(i), "user", "How do I pay?"));
  BOOST_TEST(conversations(h).size() == 7u);
  BOOST_TEST(h.tables.size(conversations_expiry_index) == 7u);

  // "c5" speaks again just before the others' day of silence ends: it stays, they go.
  (void)h.feed(ev.command(at_s(10 + 24 * 3600 - 5), "c5", "user", "How do I pay?"));
  (void)h.feed(ev.command(at_s(10 + 24 * 3600 + 120), "fresh", "user", "How do I pay?"));
  const auto left = conversations(h);
  BOOST_TEST(left.size() == 2u);
  BOOST_TEST(left.count("fresh") == 1u);
  BOOST_TEST(left.count("c5") == 1u);
  BOOST_TEST(h.tables.size(conversations_expiry_index) == 2u);

  // A day after its last word, "c5" goes too, and the index holds only what remains.
  (void)h.feed(ev.command(at_s(15 + 2 * 24 * 3600), "later", "user", "How do I pay?"));
  BOOST_TEST(conversations(h).count("c5") == 0u);
  BOOST_TEST(h.tables.size(conversations_expiry_index) == conversations(h).size());
}

BOOST_AUTO_TEST_CASE(answered_and_timed_out_work_leaves_no_rows) {
  orchestrator_config cfg;
  harness h(cfg);
  events ev;
  (void)h.feed(ev.command(at_s(0), "a", "admin", "Show me today's active users"));
  (void)h.feed(ev.command(at_s(1), "b", "admin", "Why is the server slow?"));
  (void)h.feed(ev.command(at_s(2), "q", "user", "What is the meaning of life?"));
  const auto tasks_waiting = pending_tasks(h);
  BOOST_TEST_REQUIRE(tasks_waiting.size() == 2u);
  BOOST_TEST(pending_effects(h).size() == 1u);
  BOOST_TEST(h.tables.size(tasks_deadline_index) == 2u);
  BOOST_TEST(h.tables.size(effects_deadline_index) == 1u);
  // One outcome comes; the rest time out, in deadline order.
  const auto& first = *tasks_waiting.begin();
  (void)h.feed(ev.outcome(at_s(3), first.first, first.second.task_type, first.second.agent, true,
                          "done", first.second.conversation_id));
  BOOST_TEST(pending_tasks(h).size() == 1u);
  BOOST_TEST(h.tables.size(tasks_deadline_index) == 1u);
  const auto& late = h.feed(ev.outcome(at_s(3) + cfg.task_timeout_ms, "task-unknown",
                                       "analytics.query", "analytics", true, "done", "z"));
  std::vector<std::string> failed;
  for (const auto* r : replies(late))
    if (status_text(r->status()) == "failed") failed.push_back(str(r->conversation_id()));
  BOOST_TEST(failed.size() == 2u); // the other task and the effect
  BOOST_TEST(pending_tasks(h).empty());
  BOOST_TEST(pending_effects(h).empty());
  BOOST_TEST(h.tables.size(tasks_deadline_index) == 0u);
  BOOST_TEST(h.tables.size(effects_deadline_index) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
