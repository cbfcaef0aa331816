// Scenarios of the User Support agent: answers from the knowledge base, escalation rules,
// short-term memory, feedback re-ranking.
#include <algorithm>

#include <boost/test/unit_test.hpp>

#include "actors/kit/task.hpp"
#include "actors/support/triage.hpp"
#include "tests/actors/support/support_fixture.hpp"

using namespace aetherial::actors::support::test;

namespace {

/// The envelope id of the reply in `out`, as feedback names it.
std::string reply_id(const std::vector<emitted>& out) {
  for (const auto& e : out)
    if (e.to == output::replies)
      return aetherial::schemas::event_id::from(envelope_of(e.value).id()).to_string();
  return {};
}

/// The conversation row of `id` (it must exist).
conversation conversation_of(const support_harness& h, const std::string& id) {
  const auto row = h.tables.get(conversations_table, id);
  BOOST_TEST_REQUIRE(row.has_value());
  return decode_conversation(*row);
}

/// The keys of `table`.
std::vector<std::string> keys_of(const support_harness& h, std::string_view table) {
  std::vector<std::string> keys;
  h.tables.scan(table, {}, {}, [&](std::string_view k, const bytes&) {
    keys.emplace_back(k);
    return true;
  });
  return keys;
}

/// A support agent that has read the knowledge base.
struct with_knowledge_base {
  events ev;
  support_harness h;
  with_knowledge_base() { h.feed_all(knowledge_base(ev)); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(support_scenarios)

BOOST_AUTO_TEST_CASE(how_to_is_answered_from_the_course_creation_article) {
  events ev;
  support_harness h;
  for (const auto& a : knowledge_base(ev))
    BOOST_TEST(h.feed(a).empty());
  const auto& out = h.feed(ev.message("conv-1", "How do I create a course?"));
  BOOST_TEST_REQUIRE(out.size() == 1u); // an answer, no handoff
  BOOST_TEST((out[0].to == output::replies));
  BOOST_TEST(out[0].key == "conv-1");
  const auto& env = envelope_of(out[0].value);
  BOOST_TEST(str(env.correlation_id()) == "conv-1");
  const auto& r = the_reply(out);
  BOOST_TEST(str(r.agent()) == "support");
  BOOST_TEST(status_text(r.status()) == "answered");
  BOOST_TEST(str(r.conversation_id()) == "conv-1");
  BOOST_TEST((strs(r.citations()) == std::vector<std::string>{"kb-course-create"}));
  BOOST_TEST(r.confidence() == 1.0);
  const std::string text = str(r.text());
  BOOST_TEST(text.find("Creating a course") != std::string::npos);
  BOOST_TEST(text.find("open the Studio and choose New course") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(support_task_is_answered_with_a_task_outcome, with_knowledge_base) {
  const auto& out = h.feed(ev.task("task-7", "support.how_to", "support", "conv-2",
                                   {{"text", "How can I create a new course?"}}));
  const auto& r = the_reply(out);
  BOOST_TEST(str(r.intent()) == "support.how_to");
  BOOST_TEST(status_text(r.status()) == "answered");
  BOOST_TEST((strs(r.citations()) == std::vector<std::string>{"kb-course-create"}));
  const auto outcomes = payloads<fbs::TaskOutcome>(out);
  BOOST_TEST_REQUIRE(outcomes.size() == 1u);
  BOOST_TEST(str(outcomes[0]->task_id()) == "task-7");
  BOOST_TEST(str(outcomes[0]->agent()) == "support");
  BOOST_TEST(outcomes[0]->success());
  BOOST_TEST(value_of(outcomes[0]->results(), "article_id") == "kb-course-create");
  BOOST_TEST(value_of(outcomes[0]->results(), "reply_id") == reply_id(out));
  BOOST_TEST(sent_to(out, output::tasks).size() == 1u);
  // Tasks for other agents, and tasks without a question, are not answered.
  BOOST_TEST(h.feed(ev.task("task-8", "analytics.active_users", "analytics", "c", {})).empty());
  const auto& empty = h.feed(ev.task("task-9", "support.how_to", "support", "conv-3", {}));
  BOOST_TEST_REQUIRE(payloads<fbs::TaskOutcome>(empty).size() == 1u);
  BOOST_TEST(!payloads<fbs::TaskOutcome>(empty)[0]->success());
}

BOOST_AUTO_TEST_CASE(without_an_article_it_says_so_and_escalates_low_confidence) {
  events ev;
  support_harness h;
  const auto& out = h.feed(ev.message("conv-1", "How do I create a course?"));
  const auto& r = the_reply(out);
  BOOST_TEST(status_text(r.status()) == "escalated");
  BOOST_TEST(r.confidence() == 0.0);
  BOOST_TEST(r.citations()->size() == 0u);
  BOOST_TEST(str(r.text()).find("No knowledge-base article matches this question") == 0u);
  const auto handoffs = payloads<fbs::HumanHandoff>(out);
  BOOST_TEST_REQUIRE(handoffs.size() == 1u);
  BOOST_TEST(str(handoffs[0]->reason()) == "low_confidence");
  BOOST_TEST(str(handoffs[0]->conversation_id()) == "conv-1");
  BOOST_TEST(sent_to(out, output::decisions).size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(payment_problems_escalate_with_reason_money, with_knowledge_base) {
  const auto& out = h.feed(ev.task("task-1", "support.payment_issue", "support", "conv-pay",
                                   {{"text", "My payment didn't go through"}}));
  const auto& r = the_reply(out);
  BOOST_TEST(status_text(r.status()) == "escalated");
  BOOST_TEST(str(r.text()).find("payment matter") != std::string::npos);
  const auto handoffs = payloads<fbs::HumanHandoff>(out);
  BOOST_TEST_REQUIRE(handoffs.size() == 1u);
  BOOST_TEST(str(handoffs[0]->reason()) == "money");
  BOOST_TEST(str(handoffs[0]->detail()).find("\"payment\"") != std::string::npos);
  const auto outcomes = payloads<fbs::TaskOutcome>(out);
  BOOST_TEST_REQUIRE(outcomes.size() == 1u);
  BOOST_TEST(!outcomes[0]->success());
  BOOST_TEST(value_of(outcomes[0]->results(), "escalation_reason") == "money");
  // Money escalates even when an article answers the question.
  (void)h.feed(ev.article("kb-refund", "Refunds", "Refunds reach your card within five days."));
  const auto& again = h.feed(ev.message("conv-r", "When do I get my refund?"));
  BOOST_TEST(status_text(the_reply(again).status()) == "escalated");
  BOOST_TEST((strs(the_reply(again).citations()) == std::vector<std::string>{"kb-refund"}));
  BOOST_TEST(str(payloads<fbs::HumanHandoff>(again).at(0)->reason()) == "money");
}

BOOST_FIXTURE_TEST_CASE(negative_sentiment_escalates_but_still_answers, with_knowledge_base) {
  const auto& out =
      h.feed(ev.message("conv-angry", "This is terrible, I hate it: how do I reset my password?"));
  const auto& r = the_reply(out);
  BOOST_TEST(status_text(r.status()) == "escalated");
  BOOST_TEST((strs(r.citations()) == std::vector<std::string>{"kb-password"}));
  BOOST_TEST(str(r.text()).find("Forgot password") != std::string::npos);
  const auto handoffs = payloads<fbs::HumanHandoff>(out);
  BOOST_TEST_REQUIRE(handoffs.size() == 1u);
  BOOST_TEST(str(handoffs[0]->reason()) == "negative_sentiment");
  BOOST_TEST(handoffs[0]->sentiment() < -0.4);
  // The same reason is handed over once per conversation.
  const auto& more = h.feed(ev.message("conv-angry", "Still awful and useless."));
  BOOST_TEST(status_text(the_reply(more).status()) == "escalated");
  BOOST_TEST(payloads<fbs::HumanHandoff>(more).empty());
}

BOOST_AUTO_TEST_CASE(a_souring_conversation_escalates_on_its_mean_sentiment) {
  events ev;
  support_config cfg;
  support_harness h(cfg);
  h.feed_all(knowledge_base(ev));
  // Each message alone is mildly negative (-0.25); together they average at the threshold.
  (void)h.feed(ev.message("c", "The certificate has a problem, how do I get a certificate?"));
  const auto& out = h.feed(ev.message("c", "The course certificate still has a problem"));
  const auto handoffs = payloads<fbs::HumanHandoff>(out);
  BOOST_TEST_REQUIRE(handoffs.size() == 1u);
  BOOST_TEST(str(handoffs[0]->reason()) == "negative_sentiment");
}

BOOST_FIXTURE_TEST_CASE(earlier_turns_choose_among_articles_for_a_follow_up, with_knowledge_base) {
  // Alone, "limits" is closest to the upload limits (it says "limits" twice).
  support_harness alone;
  events ev2;
  for (const auto& a : knowledge_base(ev2))
    (void)alone.feed(a);
  const auto& first = alone.feed(ev2.message("x", "What are the limits?"));
  BOOST_TEST((strs(the_reply(first).citations()) == std::vector<std::string>{"kb-upload-limits"}));
  // After a question about courses, the same words mean the course limits.
  (void)h.feed(ev.message("conv-1", "How do I create a course?"));
  const auto& out = h.feed(ev.message("conv-1", "What are the limits?"));
  const auto& r = the_reply(out);
  BOOST_TEST((strs(r.citations()) == std::vector<std::string>{"kb-course-limits"}));
  BOOST_TEST(value_of(r.details(), "context") != "");
  BOOST_TEST(status_text(r.status()) == "answered");
  // Memory is per conversation and bounded.
  BOOST_TEST(conversation_of(h, "conv-1").turns.size() == 2u);
  for (int i = 0; i < 10; ++i)
    (void)h.feed(ev.message("conv-1", "How do I create a course?"));
  BOOST_TEST(conversation_of(h, "conv-1").turns.size() == h.agent.config().max_turns);
}

BOOST_AUTO_TEST_CASE(thumbs_down_and_up_re_rank_articles) {
  events ev;
  support_harness h;
  // Two articles that match equally: the first by id wins until feedback says otherwise.
  (void)h.feed(ev.article("kb-a", "Quiz settings", "Set the passing grade of a quiz."));
  (void)h.feed(ev.article("kb-b", "Quiz options", "Set the passing grade of a quiz."));
  const auto& first = h.feed(ev.message("c1", "How do I set the passing grade of a quiz?"));
  BOOST_TEST((strs(the_reply(first).citations()) == std::vector<std::string>{"kb-a"}));
  const std::string rid = reply_id(first);
  BOOST_TEST(!rid.empty());
  // Down on the reply reaches its article; up on the other article directly.
  BOOST_TEST(h.feed(ev.feedback(rid, "thumbs_down", "", "c1")).empty());
  (void)h.feed(ev.feedback("kb-b", "thumbs_up"));
  BOOST_TEST(h.agent.state().votes.at("kb-a").down == 1u);
  BOOST_TEST(h.agent.state().votes.at("kb-b").up == 1u);
  const auto& second = h.feed(ev.message("c2", "How do I set the passing grade of a quiz?"));
  BOOST_TEST((strs(the_reply(second).citations()) == std::vector<std::string>{"kb-b"}));
  // Feedback on unknown targets changes nothing; ratings count as votes.
  (void)h.feed(ev.feedback("nothing-known", "thumbs_up"));
  (void)h.feed(ev.feedback("kb-a", "rating", "", "", 5.0));
  (void)h.feed(ev.feedback("kb-a", "rating", "", "", 3.0));
  BOOST_TEST(h.agent.state().votes.at("kb-a").up == 1u);
  BOOST_TEST(h.agent.state().votes.size() == 2u);
  BOOST_TEST(feedback_multiplier(nullptr) == 1.0);
  article_votes liked{8, 0};
  BOOST_TEST(feedback_multiplier(&liked) == 1.4, boost::test_tools::tolerance(1e-12));
}

BOOST_FIXTURE_TEST_CASE(retired_articles_are_no_longer_cited, with_knowledge_base) {
  (void)h.feed(ev.article("kb-course-create", "", "", {}, false));
  const auto& out = h.feed(ev.message("conv-1", "How do I create a course?"));
  for (const auto& c : strs(the_reply(out).citations()))
    BOOST_TEST(c != "kb-course-create");
  BOOST_TEST(status_text(the_reply(out).status()) == "escalated");
}

BOOST_AUTO_TEST_CASE(idle_conversations_and_old_replies_expire_and_settings_apply) {
  // Envelopes are one second apart.
  const auto cfg = config_from({{"support.conversation_idle_ms", "2500"},
                                {"support.reply_ttl_ms", "4500"},
                                {"support.low_confidence", "0.9"},
                                {"support.money_words", "voucher, gift card"},
                                {"support.negative_sentiment", "not a number"}});
  BOOST_TEST(cfg.conversation_idle_ms == 2500);
  BOOST_TEST(cfg.reply_ttl_ms == 4500);
  BOOST_TEST(cfg.low_confidence == 0.9);
  BOOST_TEST(cfg.negative_sentiment == support_config{}.negative_sentiment);
  events ev;
  support_harness h(cfg);
  const auto first = reply_id(h.feed(ev.message("a", "hello there"))); // t = 1 s
  (void)h.feed(ev.message("b", "hello there"));                        // 2 s
  (void)h.feed(ev.message("a", "hello again"));                        // 3 s
  BOOST_TEST((keys_of(h, conversations_table) == std::vector<std::string>{"a", "b"}));
  BOOST_TEST(keys_of(h, replies_table).size() == 3u);
  (void)h.feed(ev.message("c", "hello there")); // 4 s
  (void)h.feed(ev.message("a", "hello"));       // 5 s: b idle 3 s, past 2.5 s
  BOOST_TEST((keys_of(h, conversations_table) == std::vector<std::string>{"a", "c"}));
  BOOST_TEST(conversation_of(h, "a").turns.size() == 3u); // a went on, so it stays
  // The first reply (1 s) is forgotten past 5.5 s, the others later; feedback on it then
  // reaches nothing.
  (void)h.feed(ev.message("c", "hello")); // 6 s
  const auto replies = keys_of(h, replies_table);
  BOOST_TEST(replies.size() == 5u);
  BOOST_TEST((std::find(replies.begin(), replies.end(), first) == replies.end()));
  // Every row is filed in its index; nothing is filed for a row that is gone.
  BOOST_TEST(keys_of(h, conversations_expiry_index).size() == 2u);
  BOOST_TEST(keys_of(h, replies_expiry_index).size() == 5u);
  const auto& out = h.feed(ev.message("d", "Where is my voucher?"));
  BOOST_TEST(str(payloads<fbs::HumanHandoff>(out).at(0)->reason()) == "money");
  // Long quiet: everything expires on the next event.
  events later;
  for (int i = 0; i < 20; ++i)
    (void)later.message("x", "skip"); // advances the clock of `later`
  (void)h.feed(later.article("kb-late", "Late", "Nothing."));
  (void)h.feed(later.article("kb-later", "Later", "Nothing."));
  BOOST_TEST(keys_of(h, conversations_table).empty());
  BOOST_TEST(keys_of(h, replies_table).empty());
  BOOST_TEST(keys_of(h, conversations_expiry_index).empty());
  BOOST_TEST(keys_of(h, replies_expiry_index).empty());
}

BOOST_AUTO_TEST_CASE(a_conversation_idle_past_the_limit_starts_afresh) {
  // The row is still there when the message comes (no event expired it), but its context is not
  // used and its handoff reasons are forgotten.
  const auto cfg = config_from({{"support.conversation_idle_ms", "1500"}});
  events ev;
  support_harness h(cfg);
  h.feed_all(knowledge_base(ev));
  (void)h.feed(ev.message("conv-1", "How do I create a course?"));
  for (int i = 0; i < 3; ++i)
    (void)ev.message("other", "skip"); // time passes without an event for the agent
  const auto& out = h.feed(ev.message("conv-1", "What are the limits?"));
  BOOST_TEST((strs(the_reply(out).citations()) == std::vector<std::string>{"kb-upload-limits"}));
  BOOST_TEST(conversation_of(h, "conv-1").turns.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
