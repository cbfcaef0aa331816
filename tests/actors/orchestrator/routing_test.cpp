// Routing: every seed command to its agent with its priority, role-based access with refusals
// and audits, and routes preferred by their outcomes.
#include <boost/test/unit_test.hpp>

#include "actors/kit/task.hpp"
#include "actors/orchestrator/routing.hpp"
#include "tests/actors/orchestrator/orchestrator_fixture.hpp"

using namespace aetherial::actors::orchestrator::test;

namespace {

struct seed_case {
  std::string text;
  std::string intent;
  std::string agent;
  std::string task_type;
  int priority;
  pairs params; ///< expected params (besides text, intent, role)
};

std::vector<seed_case> seed_cases() {
  return {
      {"Show me today's active users",
       "analytics.active_users",
       "analytics",
       "analytics.active_users",
       4,
       {{"period", "today"}}},
      {"Why is the server slow?",
       "operations.diagnose_latency",
       "operations",
       "operations.diagnose_latency",
       7,
       {{"subject", "the server"}}},
      {"Deploy the new feature to production",
       "development.deploy",
       "development",
       "development.deploy",
       8,
       {{"environment", "production"}, {"change", "new feature"}}},
      {"How do I create a course?",
       "support.how_to",
       "support",
       "support.how_to",
       4,
       {{"subject", "create a course"}}},
      {"My payment didn't go through",
       "support.payment_issue",
       "support",
       "support.payment_issue",
       8,
       {{"topic", "money"}, {"problem", "not_through"}}},
      {"Add a dark mode toggle",
       "development.feature_request",
       "development",
       "development.feature_request",
       3,
       {{"feature", "dark mode toggle"}}},
      {"Fix the login bug",
       "development.bug_fix",
       "development",
       "development.bug_fix",
       6,
       {{"component", "login"}}},
      {"Write unit tests for auth module",
       "development.write_tests",
       "development",
       "development.write_tests",
       3,
       {{"module", "auth"}, {"test_kind", "unit"}}},
  };
}

} // namespace

BOOST_AUTO_TEST_SUITE(routing)

BOOST_AUTO_TEST_CASE(seed_commands_become_prioritized_tasks_for_the_right_agent) {
  harness h;
  events ev;
  int n = 0;
  for (const auto& c : seed_cases()) {
    const std::string conv = "conv-" + std::to_string(++n);
    std::string command_id = ev.next_id();
    const std::vector<emitted>* sent =
        &h.feed(ev.command(at_s(n), conv, "admin", c.text, "user:root", "corr-" + conv));
    if (c.intent == "development.deploy") {
      // A deploy is risky: it waits for its requester's yes, and the yes issues the task.
      BOOST_TEST(tasks(*sent).empty());
      BOOST_TEST(status_text(replies(*sent).at(0)->status()) == "needs_confirmation");
      command_id = ev.next_id();
      sent = &h.feed(ev.command(at_s(n) + 500, conv, "admin", "yes", "user:root", "corr-" + conv));
    }
    const auto& out = *sent;
    BOOST_TEST_CONTEXT(c.text) {
      // A task, the routing record, the pending reply: in that order.
      BOOST_TEST_REQUIRE(out.size() == 3u);
      BOOST_TEST((out[0].to == output::tasks));
      BOOST_TEST((out[1].to == output::decisions));
      BOOST_TEST((out[2].to == output::replies));
      // The task goes to the target's partition key; the rest stays with the conversation.
      // Development and operations tasks go by the service named; none is named here.
      const std::string task_key = c.agent == "analytics" ? std::string("main") : conv;
      BOOST_TEST(out[0].key == task_key);
      BOOST_TEST(out[1].key == conv);
      BOOST_TEST(out[2].key == conv);
      for (const auto& e : out)
        BOOST_TEST(str(envelope_of(e).correlation_id()) == "corr-" + conv);

      const auto* task = tasks(out).at(0);
      BOOST_TEST(str(task->task_id()) == "task-" + command_id);
      BOOST_TEST(str(task->type()) == c.task_type);
      BOOST_TEST(str(task->target_agent()) == c.agent);
      BOOST_TEST(task->priority() == c.priority);
      BOOST_TEST(str(task->conversation_id()) == conv);
      BOOST_TEST(str(task->requested_by()) == "user:root");
      const auto params = params_of(*task);
      BOOST_TEST(params.at("text") == c.text);
      BOOST_TEST(params.at("intent") == c.intent);
      BOOST_TEST(params.at("role") == "admin");
      for (const auto& [k, v] : c.params)
        BOOST_TEST(params.at(k) == v, k);

      const auto* record = payloads<fbs::Reply>(out, output::decisions).at(0);
      BOOST_TEST(status_text(record->status()) == "routed");
      BOOST_TEST(str(record->intent()) == c.intent);
      BOOST_TEST(record->confidence() >= 0.5);
      BOOST_TEST(str(record->citations()->Get(0)) == "task-" + command_id);
      BOOST_TEST(as_map(record->details()).at("target_agent") == c.agent);

      const auto* reply = replies(out).at(0);
      BOOST_TEST(status_text(reply->status()) == "pending");
      BOOST_TEST(str(reply->agent()) == "orchestrator");
      BOOST_TEST(str(reply->intent()) == c.intent);
      BOOST_TEST(str(reply->conversation_id()) == conv);
      BOOST_TEST(str(reply->text()).find("routed to the") != std::string::npos);
      BOOST_TEST(pending_tasks(h).count("task-" + command_id) == 1u);
    }
  }
  const auto deploy = str(replies(h.history[3]).at(0)->text());
  BOOST_TEST(deploy.rfind("Running tests and the deploy gate before deploying new feature to "
                          "production: routed to the Development agent",
                          0) == 0,
             deploy);
}

BOOST_AUTO_TEST_CASE(replies_correlate_with_the_conversation_without_a_correlation_id) {
  harness h;
  events ev;
  const auto& out = h.feed(ev.command(at_s(0), "conv-a", "user", "How do I create a course?"));
  BOOST_TEST_REQUIRE(!out.empty());
  for (const auto& e : out)
    BOOST_TEST(str(envelope_of(e).correlation_id()) == "conv-a");
}

BOOST_AUTO_TEST_CASE(urgency_raises_priority) {
  harness h;
  events ev;
  const auto& out = h.feed(ev.command(at_s(0), "c", "developer", "Fix the login bug ASAP"));
  BOOST_TEST(tasks(out).at(0)->priority() == 7);
}

BOOST_AUTO_TEST_CASE(roles_decide_who_may_issue_what) {
  struct access_case {
    std::string role;
    std::string text;
    bool allowed;
  };
  const std::vector<access_case> cases = {
      {"user", "Show me today's active users", false},
      {"user", "Why is the server slow?", false},
      {"user", "Deploy the new feature to production", false},
      {"user", "How do I create a course?", true},
      {"user", "My payment didn't go through", true},
      {"user", "Add a dark mode toggle", false},
      {"user", "Fix the login bug", false},
      {"user", "Write unit tests for auth module", false},
      {"user", "Create a course about AI", true},
      {"user", "What is the meaning of life?", true},
      {"developer", "Deploy the new feature to production", true},
      {"developer", "Why is the server slow?", true},
      {"developer", "Write unit tests for auth module", true},
      {"developer", "Show me today's active users", false},
      {"analyst", "Show me today's active users", true},
      {"analyst", "Deploy the new feature to production", false},
      {"Admin ", "Deploy the new feature to production", true},
      {"guest", "How do I create a course?", false},
      {"", "How do I create a course?", false},
      {"guest", "What is the meaning of life?", false},
  };
  harness h;
  events ev;
  int n = 0;
  for (const auto& c : cases) {
    const std::string conv = "rbac-" + std::to_string(++n);
    const auto& out = h.feed(ev.command(at_s(n), conv, c.role, c.text, "user:bob"));
    BOOST_TEST_CONTEXT(c.role << ": " << c.text) {
      const auto audits = payloads<fbs::AccessAudit>(out, output::decisions);
      const auto rs = replies(out);
      BOOST_TEST_REQUIRE(rs.size() == 1u);
      if (c.allowed) {
        BOOST_TEST(audits.empty());
        BOOST_TEST(status_text(rs[0]->status()) != "refused");
        continue;
      }
      // A refusal is an audit on decisions plus a refused reply; no task, no effect.
      BOOST_TEST_REQUIRE(out.size() == 2u);
      BOOST_TEST_REQUIRE(audits.size() == 1u);
      BOOST_TEST(str(audits[0]->principal()) == "user:bob");
      BOOST_TEST(audits[0]->allowed() == false);
      BOOST_TEST(!str(audits[0]->action()).empty());
      BOOST_TEST(!str(audits[0]->reason()).empty());
      BOOST_TEST(status_text(rs[0]->status()) == "refused");
      BOOST_TEST(str(rs[0]->text()).rfind("Refused: ", 0) == 0);
      BOOST_TEST(tasks(out).empty());
      BOOST_TEST(sent_to(out, output::effects).empty());
    }
  }
  BOOST_TEST(h.agent.state().refusals == 11u);
}

BOOST_AUTO_TEST_CASE(refusal_names_the_reason_and_the_roles_that_may) {
  harness h;
  events ev;
  const auto& out =
      h.feed(ev.command(at_s(0), "c", "user", "Deploy the new feature to production", "user:eve"));
  const auto* audit = payloads<fbs::AccessAudit>(out, output::decisions).at(0);
  BOOST_TEST(str(audit->role()) == "user");
  BOOST_TEST(str(audit->action()) == "development.deploy");
  BOOST_TEST(str(audit->reason()) == "role 'user' may not issue development.deploy");
  const auto* reply = replies(out).at(0);
  BOOST_TEST(str(reply->text()) == "Refused: role 'user' may not issue development.deploy. Roles "
                                   "that may: admin, developer.");
  BOOST_TEST(as_map(reply->details()).at("allowed_roles") == "admin,developer");
}

BOOST_AUTO_TEST_CASE(a_deploy_carries_the_service_and_commit_named) {
  harness h;
  events ev;
  const auto& out = confirmed(h, ev, at_s(1), "d-1", "admin",
                              "Deploy web commit 4f2a9c1 to production", "user:root");
  const auto* task = tasks(out).at(0);
  const auto spec = kit::read_task(*task);
  const auto* p = std::get_if<kit::deploy_params>(&spec.params);
  BOOST_TEST_REQUIRE(p != nullptr);
  BOOST_TEST(p->service == "web");
  BOOST_TEST(p->commit == "4f2a9c1");
  BOOST_TEST(p->environment == "production");
  BOOST_TEST(out[0].key == "web"); // the partition of the service's repo

  // "the checkout service", and a service named after the change.
  const auto& named = confirmed(h, ev, at_s(2), "d-2", "admin",
                                "Deploy the new feature of the checkout service to staging");
  const auto named_params =
      kit::params_as<kit::deploy_params>(kit::read_task(*tasks(named).at(0)).params);
  BOOST_TEST(named_params.service == "checkout");
  BOOST_TEST(named_params.environment == "staging");
  BOOST_TEST(named_params.commit.empty());

  // The seed command names neither: the task says so instead of naming a service.
  const auto& seed =
      confirmed(h, ev, at_s(3), "d-3", "admin", "Deploy the new feature to production");
  const auto seed_params =
      kit::params_as<kit::deploy_params>(kit::read_task(*tasks(seed).at(0)).params);
  BOOST_TEST(seed_params.service.empty());
  BOOST_TEST(seed_params.commit.empty());
  BOOST_TEST(seed_params.change == "new feature");
  BOOST_TEST(seed[0].key == "d-3");
}

BOOST_AUTO_TEST_CASE(only_kinds_that_do_the_task_type_are_candidates) {
  // The routing table also lists development.diagnose_latency, which no agent does: however
  // Operations fares, latency questions never go there.
  harness h;
  events ev;
  auto diagnose = [&](int i) {
    const auto& out = h.feed(
        ev.command(at_s(10 * i), "slow-" + std::to_string(i), "admin", "Why is the server slow?"));
    return tasks(out).at(0);
  };
  auto answer = [&](int i, const fbs::Task* t, bool ok) {
    (void)h.feed(ev.outcome(at_s(10 * i + 5), str(t->task_id()), str(t->type()),
                            str(t->target_agent()), ok, ok ? "found it" : "no idea",
                            "slow-" + std::to_string(i)));
  };
  for (int i = 1; i <= 3; ++i) {
    const auto* t = diagnose(i);
    BOOST_TEST(str(t->target_agent()) == "operations");
    BOOST_TEST(str(t->type()) == "operations.diagnose_latency");
    answer(i, t, i == 3); // two failures, then a success
  }
  const auto& stats = h.agent.state().stats;
  BOOST_TEST(stats.at("operations|operations.diagnose_latency").successes == 1u);
  BOOST_TEST(stats.at("operations|operations.diagnose_latency").failures == 2u);
  BOOST_TEST(stats.count("development|development.diagnose_latency") == 0u);

  const auto& out = h.feed(ev.command(at_s(100), "slow-5", "admin", "Why is the server slow?"));
  const auto* record = payloads<fbs::Reply>(out, output::decisions).at(0);
  const auto details = as_map(record->details());
  BOOST_TEST(details.at("target_agent") == "operations");
  BOOST_TEST(details.at("success_rate.operations") == "0.4000");
  BOOST_TEST(details.count("success_rate.development") == 0u);
  BOOST_TEST(str(record->text()).find("the only capable agent") != std::string::npos,
             str(record->text()));
}

BOOST_AUTO_TEST_CASE(an_answer_from_no_data_is_not_a_failure_of_the_agent) {
  harness h;
  events ev;
  const auto& asked = h.feed(ev.command(at_s(1), "slow-1", "admin", "Why is the server slow?"));
  const std::string task_id = str(tasks(asked).at(0)->task_id());
  // Operations has seen no metrics yet: it says so, with status no_data.
  const auto out = h.feed(
      ev.outcome_with_status(at_s(2), task_id, "operations.diagnose_latency", "operations", false,
                             "The Operations agent has no load data for any service yet.", "slow-1",
                             fbs::ReplyStatus::no_data));
  const auto* final_reply = replies(out).at(0);
  BOOST_TEST((final_reply->status() == fbs::ReplyStatus::no_data));
  BOOST_TEST(str(final_reply->text()) ==
             "Operations agent: The Operations agent has no load data for any service yet.");
  BOOST_TEST(h.agent.state().stats.at("operations|operations.diagnose_latency").failures == 0u);
  BOOST_TEST(h.agent.state().stats.at("operations|operations.diagnose_latency").successes == 0u);
  const auto& again = h.feed(ev.command(at_s(3), "slow-2", "admin", "Why is the server slow?"));
  BOOST_TEST(str(tasks(again).at(0)->target_agent()) == "operations");
}

BOOST_AUTO_TEST_CASE(route_choice_compares_exact_fractions) {
  const std::vector<route_option> options = {{"a", "x"}, {"b", "x"}};
  std::map<std::string, route_stats> stats;
  BOOST_TEST(choose_option(options, stats) == 0u);
  stats["b|x"] = {1, 0}; // 2/3 > 1/2
  BOOST_TEST(choose_option(options, stats) == 1u);
  stats["a|x"] = {3, 1}; // 4/6 == 2/3: tie keeps the order
  BOOST_TEST(choose_option(options, stats) == 0u);
  BOOST_TEST(success_rate(route_stats{}) == 0.5);
}

BOOST_AUTO_TEST_CASE(settings_replace_roles_and_timeouts) {
  const auto cfg =
      config_from_settings({{"orchestrator.permissions.user", "analytics.*, support.*"},
                            {"orchestrator.permissions.auditor", ""},
                            {"orchestrator.task_timeout_ms", "60000"},
                            {"orchestrator.effect_timeout_ms", "-5"},
                            {"orchestrator.min_confidence", "0.7"}});
  BOOST_TEST(role_allows(cfg.permissions, "user", "analytics.active_users"));
  BOOST_TEST(!role_allows(cfg.permissions, "user", "content.create_course"));
  BOOST_TEST(!role_allows(cfg.permissions, "auditor", "support.how_to"));
  BOOST_TEST(cfg.task_timeout_ms == 60'000);
  BOOST_TEST(cfg.effect_timeout_ms == orchestrator_config{}.effect_timeout_ms);
  BOOST_TEST(cfg.min_confidence == 0.7);
  BOOST_TEST(!role_allows(cfg.permissions, "developer", "developments.x"));
  BOOST_TEST(role_allows(cfg.permissions, "developer", "development.anything"));
}

BOOST_AUTO_TEST_SUITE_END()
