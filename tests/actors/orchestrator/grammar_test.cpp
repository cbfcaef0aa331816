// The intent grammar: tokenizing, every seed command's intent and slots, the dialogue words.
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>

#include "actors/orchestrator/config.hpp"
#include "actors/orchestrator/intent_grammar.hpp"
#include "actors/orchestrator/text.hpp"

using namespace aetherial::actors::orchestrator;

namespace {

intent_match parse(const std::string& s) {
  return parse_intent(tokenize(s));
}

std::string slot(const intent_match& m, const std::string& k) {
  const auto it = m.slots.find(k);
  return it == m.slots.end() ? std::string("<none>") : it->second;
}

/// Parses `s` and checks its intent and the given slots ("<none>": absent); returns the match.
intent_match understood(const std::string& s, const std::string& intent,
                        const std::map<std::string, std::string>& slots = {}) {
  const auto m = parse(s);
  BOOST_TEST(m.intent == intent, s);
  for (const auto& [k, v] : slots)
    BOOST_TEST(slot(m, k) == v, s << ": " << k);
  return m;
}

} // namespace

BOOST_AUTO_TEST_SUITE(grammar)

BOOST_AUTO_TEST_CASE(tokenizer_normalizes_case_apostrophes_and_lists) {
  const auto t = tokenize("  Show me TODAY’s active-users, please!! My payment didn't go");
  std::vector<std::string> norm;
  for (const auto& x : t)
    norm.push_back(x.norm);
  const std::vector<std::string> want = {"show",   "me", "todays",  "active", "users", ",",
                                         "please", "my", "payment", "didnt",  "go"};
  BOOST_TEST(norm == want, boost::test_tools::per_element());
  BOOST_TEST(t[2].orig == "TODAY’s");
  BOOST_TEST(tokenize("").empty());
  BOOST_TEST(tokenize(" ,;:?! ").empty());
  BOOST_TEST(join_orig(tokenize("neural networks , ethics"), 0, 4) == "neural networks, ethics");
}

BOOST_AUTO_TEST_CASE(truncation_keeps_whole_utf8_characters) {
  BOOST_TEST(truncate_utf8("héllo", 2) == "h");
  BOOST_TEST(truncate_utf8("héllo", 3) == "hé");
  BOOST_TEST(truncate_utf8("abc", 10) == "abc");
}

BOOST_AUTO_TEST_CASE(seed_commands_are_understood_with_their_slots) {
  const double min = orchestrator_config{}.min_confidence;

  BOOST_TEST(
      understood("Show me today's active users", "analytics.active_users", {{"period", "today"}})
          .confidence >= min);
  BOOST_TEST(understood("Why is the server slow?", "operations.diagnose_latency",
                        {{"subject", "the server"}, {"service", "<none>"}})
                 .confidence >= min);
  understood("Deploy the new feature to production", "development.deploy",
             {{"environment", "production"}, {"change", "new feature"}});
  understood("Create a course about AI", "content.create_course",
             {{"topic", "AI"}, {"quizzes", "<none>"}});
  understood("How do I create a course?", "support.how_to", {{"subject", "create a course"}});
  understood("My payment didn't go through", "support.payment_issue",
             {{"topic", "money"}, {"problem", "not_through"}});
  understood("Add a dark mode toggle", "development.feature_request",
             {{"feature", "dark mode toggle"}});
  understood("Fix the login bug", "development.bug_fix", {{"component", "login"}});
  understood("Write unit tests for auth module", "development.write_tests",
             {{"module", "auth"}, {"test_kind", "unit"}});
}

BOOST_AUTO_TEST_CASE(other_phrasings_and_slots) {
  understood("Why is the checkout service so slow today?", "operations.diagnose_latency",
             {{"service", "checkout"}, {"subject", "the checkout service"}});
  understood("How many users were active this week?", "analytics.active_users",
             {{"period", "week"}});
  understood("Create a course on Machine Learning covering neural networks, ethics and history "
             "with quizzes",
             "content.create_course",
             {{"topic", "Machine Learning"},
              {"topics", "neural networks, ethics, history"},
              {"quizzes", "true"}});
  understood("Please ship version 2.3 to staging", "development.deploy",
             {{"environment", "staging"}, {"change", "version 2.3"}});
  understood("The login page is broken", "development.bug_fix", {{"component", "login page"}});
  understood("I was charged twice for my subscription", "support.payment_issue",
             {{"problem", "double_charge"}});
  understood("Add an export button to the reports page", "development.feature_request",
             {{"feature", "export button"}, {"location", "reports page"}});

  // A question about an action is a how-to, not the action.
  BOOST_TEST(parse("How do I deploy to production?").intent == "support.how_to");
  BOOST_TEST(parse("How can I fix a bug in my course?").intent == "support.how_to");
}

BOOST_AUTO_TEST_CASE(unknown_text_has_no_intent_and_long_text_loses_confidence) {
  for (const char* s :
       {"What is the meaning of life?", "Tell me a joke", "Yes, and add quizzes", "hello", ""}) {
    const auto m = parse(s);
    BOOST_TEST(m.intent == std::string(unknown_intent), s);
    BOOST_TEST(m.confidence == 0.0);
    BOOST_TEST(m.slots.empty());
  }
  const auto short_one = parse("the site is slow");
  const auto long_one =
      parse("I was reading a long novel about rivers that flow so slow through the hills and "
            "the valleys of a country far away from here last night");
  BOOST_TEST(short_one.intent == "operations.diagnose_latency");
  BOOST_TEST(long_one.confidence < short_one.confidence);
  BOOST_TEST(long_one.confidence < orchestrator_config{}.min_confidence);
}

BOOST_AUTO_TEST_CASE(dialogue_words) {
  BOOST_TEST(is_confirmation(tokenize("Yes, and add quizzes")));
  BOOST_TEST(is_confirmation(tokenize("Sounds good")));
  BOOST_TEST(is_confirmation(tokenize("ok")));
  BOOST_TEST(!is_confirmation(tokenize("Why is the server slow?")));
  BOOST_TEST(is_decline(tokenize("No")));
  BOOST_TEST(is_decline(tokenize("never mind")));
  BOOST_TEST(!is_decline(tokenize("No, cover history and ethics instead")));
  BOOST_TEST((quizzes_wanted(tokenize("Yes, and add quizzes")) == std::optional<bool>(true)));
  BOOST_TEST((quizzes_wanted(tokenize("yes but no quizzes")) == std::optional<bool>(false)));
  BOOST_TEST(!quizzes_wanted(tokenize("yes")).has_value());
  const auto topics = topics_named(tokenize("Cover neural networks, ethics and the history of AI"));
  const std::vector<std::string> want = {"neural networks", "ethics", "history of AI"};
  BOOST_TEST(topics == want, boost::test_tools::per_element());
  BOOST_TEST(is_urgent(tokenize("Fix the login bug ASAP")));
  BOOST_TEST(!is_urgent(tokenize("Fix the login bug")));
}

BOOST_AUTO_TEST_CASE(risky_intents_fill_their_slots) {
  understood("roll back the last deploy of checkout", "development.rollback",
             {{"service", "checkout"}, {"version", "previous"}});
  understood("revert payments to the previous version", "development.rollback",
             {{"service", "payments"}, {"version", "previous"}});
  understood("Rollback web to version 1.4.2 in production", "development.rollback",
             {{"service", "web"}, {"version", "1.4.2"}, {"environment", "production"}});
  understood("ban user mallory", "security.ban", {{"target", "user mallory"}});
  understood("ban ip 1.2.3.4", "security.ban", {{"target", "ip 1.2.3.4"}});
  understood("scale web down to 2 in production", "operations.scale_down",
             {{"service", "web"}, {"replicas", "2"}, {"environment", "production"}});
  understood("scale web up to 5", "operations.scale_up",
             {{"service", "web"}, {"replicas", "5"}, {"environment", "<none>"}});
  understood("Add two more replicas to web", "operations.scale_up",
             {{"service", "web"}, {"step", "2"}, {"replicas", "<none>"}});
  understood("scale the api down by 3 pods", "operations.scale_down",
             {{"service", "api"}, {"step", "3"}});
  understood("delete tenant acme's data", "data.delete", {{"target", "tenant acme"}});
  understood("erase user 42's data", "data.delete", {{"target", "user 42"}});
  understood("wipe all data of tenant globex", "data.delete", {{"target", "tenant globex"}});
  // A feature about them is a feature.
  understood("Add a ban button to the admin page", "development.feature_request");
}

BOOST_AUTO_TEST_CASE(negations_and_questions_are_told_from_requests) {
  struct kind_case {
    std::string text;
    std::string intent;
    command_kind kind;
  };
  const std::vector<kind_case> cases = {
      {"Deploy web to production", "development.deploy", command_kind::positive},
      {"Can you deploy web to production?", "development.deploy", command_kind::positive},
      {"Don't forget to deploy web", "development.deploy", command_kind::positive},
      {"No, deploy it to staging", "development.deploy", command_kind::positive},
      {"Do not deploy to production", "development.deploy", command_kind::negated},
      {"No deploy today", "development.deploy", command_kind::negated},
      {"Stop the deploy", "development.deploy", command_kind::negated},
      {"What is the status of the deployment?", "development.deploy_status", command_kind::status},
      {"Show me the deployment status", "development.deploy_status", command_kind::status},
      {"Did yesterday's deploy break anything?", "development.deploy_status",
       command_kind::question},
      {"Is the deploy done?", "development.deploy_status", command_kind::question},
      {"Has web been deployed", "development.deploy_status", command_kind::question},
      {"When was checkout deployed?", "development.deploy_status", command_kind::question},
      {"How did the deploy go", "development.deploy_status", command_kind::question},
      {"Never ban user alice", "security.ban", command_kind::negated},
      {"Was the login bug fixed?", "development.bug_fix", command_kind::question},
      {"Add a status page", "development.feature_request", command_kind::positive},
      // Read-only intents are asked by asking.
      {"Why is the server slow?", "operations.diagnose_latency", command_kind::positive},
      {"My payment didn't go through", "support.payment_issue", command_kind::positive},
  };
  for (const auto& c : cases) {
    const auto m = parse_command(c.text);
    BOOST_TEST(m.intent == c.intent, c.text);
    BOOST_TEST(command_kind_name(m.kind) == command_kind_name(c.kind), c.text);
  }
}

BOOST_AUTO_TEST_CASE(every_grammar_intent_has_a_route_and_an_owner_role) {
  const orchestrator_config cfg;
  for (const auto& intent : grammar_intents()) {
    BOOST_TEST(cfg.routes.count(intent) == 1u, intent);
    BOOST_TEST(role_allows(cfg.permissions, "admin", intent), intent);
  }
}

BOOST_AUTO_TEST_SUITE_END()
