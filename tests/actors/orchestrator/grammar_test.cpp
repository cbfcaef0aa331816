// The intent grammar: tokenizing, every seed command's intent and slots, the dialogue words.
#include <boost/test/unit_test.hpp>

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

  auto m = parse("Show me today's active users");
  BOOST_TEST(m.intent == "analytics.active_users");
  BOOST_TEST(slot(m, "period") == "today");
  BOOST_TEST(m.confidence >= min);

  m = parse("Why is the server slow?");
  BOOST_TEST(m.intent == "operations.diagnose_latency");
  BOOST_TEST(slot(m, "subject") == "the server");
  BOOST_TEST(slot(m, "service") == "<none>");
  BOOST_TEST(m.confidence >= min);

  m = parse("Deploy the new feature to production");
  BOOST_TEST(m.intent == "development.deploy");
  BOOST_TEST(slot(m, "environment") == "production");
  BOOST_TEST(slot(m, "change") == "new feature");

  m = parse("Create a course about AI");
  BOOST_TEST(m.intent == "content.create_course");
  BOOST_TEST(slot(m, "topic") == "AI");
  BOOST_TEST(slot(m, "quizzes") == "<none>");

  m = parse("How do I create a course?");
  BOOST_TEST(m.intent == "support.how_to");
  BOOST_TEST(slot(m, "subject") == "create a course");

  m = parse("My payment didn't go through");
  BOOST_TEST(m.intent == "support.payment_issue");
  BOOST_TEST(slot(m, "topic") == "money");
  BOOST_TEST(slot(m, "problem") == "not_through");

  m = parse("Add a dark mode toggle");
  BOOST_TEST(m.intent == "development.feature_request");
  BOOST_TEST(slot(m, "feature") == "dark mode toggle");

  m = parse("Fix the login bug");
  BOOST_TEST(m.intent == "development.bug_fix");
  BOOST_TEST(slot(m, "component") == "login");

  m = parse("Write unit tests for auth module");
  BOOST_TEST(m.intent == "development.write_tests");
  BOOST_TEST(slot(m, "module") == "auth");
  BOOST_TEST(slot(m, "test_kind") == "unit");
}

BOOST_AUTO_TEST_CASE(other_phrasings_and_slots) {
  auto m = parse("Why is the checkout service so slow today?");
  BOOST_TEST(m.intent == "operations.diagnose_latency");
  BOOST_TEST(slot(m, "service") == "checkout");
  BOOST_TEST(slot(m, "subject") == "the checkout service");

  m = parse("How many users were active this week?");
  BOOST_TEST(m.intent == "analytics.active_users");
  BOOST_TEST(slot(m, "period") == "week");

  m = parse("Create a course on Machine Learning covering neural networks, ethics and history "
            "with quizzes");
  BOOST_TEST(m.intent == "content.create_course");
  BOOST_TEST(slot(m, "topic") == "Machine Learning");
  BOOST_TEST(slot(m, "topics") == "neural networks, ethics, history");
  BOOST_TEST(slot(m, "quizzes") == "true");

  m = parse("Please ship version 2.3 to staging");
  BOOST_TEST(m.intent == "development.deploy");
  BOOST_TEST(slot(m, "environment") == "staging");
  BOOST_TEST(slot(m, "change") == "version 2.3");

  m = parse("The login page is broken");
  BOOST_TEST(m.intent == "development.bug_fix");
  BOOST_TEST(slot(m, "component") == "login page");

  m = parse("I was charged twice for my subscription");
  BOOST_TEST(m.intent == "support.payment_issue");
  BOOST_TEST(slot(m, "problem") == "double_charge");

  m = parse("Add an export button to the reports page");
  BOOST_TEST(m.intent == "development.feature_request");
  BOOST_TEST(slot(m, "feature") == "export button");
  BOOST_TEST(slot(m, "location") == "reports page");

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

BOOST_AUTO_TEST_CASE(every_grammar_intent_has_a_route_and_an_owner_role) {
  const orchestrator_config cfg;
  for (const auto& intent : grammar_intents()) {
    BOOST_TEST(cfg.routes.count(intent) == 1u, intent);
    BOOST_TEST(role_allows(cfg.permissions, "admin", intent), intent);
  }
}

BOOST_AUTO_TEST_SUITE_END()
