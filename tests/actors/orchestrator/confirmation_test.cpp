// Risky commands wait for a confirmation: the same principal's "yes" in time runs them,
// another principal's is refused and audited, a late one finds them expired, "no" cancels,
// a new command replaces them, and a waiting one survives a snapshot.
#include <string>
#include <tuple>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/orchestrator/state_codec.hpp"
#include "tests/actors/kit/state_checks.hpp"
#include "tests/actors/orchestrator/orchestrator_fixture.hpp"

using namespace aetherial::actors::orchestrator::test;

namespace {

const std::string deploy_text = "Deploy web commit 4f2a9c1 to production";

bool nothing_emitted_but_replies(const std::vector<emitted>& out) {
  for (const auto& e : out)
    if (e.to == output::tasks || e.to == output::effects) return false;
  return true;
}

} // namespace

BOOST_AUTO_TEST_SUITE(confirmation)

BOOST_AUTO_TEST_CASE(a_risky_command_waits_and_says_what_will_happen) {
  harness h;
  events ev;
  const auto& out = h.feed(ev.command(at_s(0), "c", "admin", deploy_text, "user:root"));
  BOOST_TEST(nothing_emitted_but_replies(out));
  BOOST_TEST_REQUIRE(replies(out).size() == 1u);
  const auto* r = replies(out).at(0);
  BOOST_TEST(status_text(r->status()) == "needs_confirmation");
  BOOST_TEST(str(r->intent()) == "development.deploy");
  const std::string text = str(r->text());
  BOOST_TEST(text.find("deploy the latest build of web to production at commit 4f2a9c1") !=
                 std::string::npos,
             text);
  BOOST_TEST(text.find("\"yes\" or \"confirm\" within 5 min") != std::string::npos, text);
  BOOST_TEST(text.find("\"no\" or \"cancel\"") != std::string::npos, text);
  BOOST_TEST(as_map(r->details()).at("awaiting") == "confirmation");
  BOOST_TEST(as_map(r->details()).at("expires_ms") == std::to_string(at_s(0) + 300'000));
  const auto conv = conversations(h).at("c");
  BOOST_TEST_REQUIRE(conv.confirmation.has_value());
  BOOST_TEST(conv.confirmation->principal == "user:root");
  BOOST_TEST(pending_tasks(h).empty());
}

BOOST_AUTO_TEST_CASE(the_same_principal_confirming_in_time_runs_it) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "admin", deploy_text, "user:root"));
  const std::string yes_id = ev.next_id();
  const auto& out = h.feed(ev.command(at_s(60), "c", "admin", "yes", "user:root", "corr-yes"));
  BOOST_TEST_REQUIRE(tasks(out).size() == 1u);
  const auto* task = tasks(out).at(0);
  BOOST_TEST(str(task->task_id()) == "task-" + yes_id);
  BOOST_TEST(str(task->type()) == "development.deploy");
  BOOST_TEST(str(task->requested_by()) == "user:root");
  const auto params = params_of(*task);
  BOOST_TEST(params.at("text") == deploy_text);
  BOOST_TEST(params.at("service") == "web");
  BOOST_TEST(params.at("commit") == "4f2a9c1");
  BOOST_TEST(params.at("environment") == "production");
  BOOST_TEST(status_text(replies(out).at(0)->status()) == "pending");
  BOOST_TEST(str(envelope_of(out.back()).correlation_id()) == "corr-yes");
  BOOST_TEST(!conversations(h).at("c").confirmation.has_value());
  // "confirm" works as well, and a second "yes" finds nothing waiting.
  (void)h.feed(
      ev.command(at_s(70), "c2", "admin", "Roll back the last deploy of checkout", "user:root"));
  const auto& confirmed = h.feed(ev.command(at_s(71), "c2", "admin", "Confirm", "user:root"));
  BOOST_TEST(tasks(confirmed).empty()); // no agent rolls back: answered, nothing faked
  BOOST_TEST(status_text(replies(confirmed).at(0)->status()) == "refused");
  BOOST_TEST(str(replies(confirmed).at(0)->text()).find("no agent carries out") !=
             std::string::npos);
  const auto& again = h.feed(ev.command(at_s(72), "c", "admin", "yes", "user:root"));
  BOOST_TEST(tasks(again).empty());
  BOOST_TEST(str(replies(again).at(0)->text()).find("Nothing in this conversation") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(another_principal_is_refused_with_an_audit) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "admin", deploy_text, "user:root"));
  const auto& out = h.feed(ev.command(at_s(1), "c", "admin", "yes", "user:mallory"));
  BOOST_TEST(nothing_emitted_but_replies(out) == true);
  BOOST_TEST(tasks(out).empty());
  const auto audits = payloads<fbs::AccessAudit>(out, output::decisions);
  BOOST_TEST_REQUIRE(audits.size() == 1u);
  BOOST_TEST(str(audits[0]->principal()) == "user:mallory");
  BOOST_TEST(str(audits[0]->action()) == "development.deploy");
  BOOST_TEST(!audits[0]->allowed());
  BOOST_TEST(str(audits[0]->reason()) ==
             "only user:root, who asked for it, may confirm development.deploy");
  const auto* r = replies(out).at(0);
  BOOST_TEST(status_text(r->status()) == "refused");
  BOOST_TEST(as_map(r->details()).at("reason") ==
             "only user:root, who asked for it, may confirm development.deploy");
  // The request still waits for its requester, who can confirm it.
  const auto& mine = h.feed(ev.command(at_s(2), "c", "admin", "yes", "user:root"));
  BOOST_TEST(tasks(mine).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_late_confirmation_finds_it_expired) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "admin", deploy_text, "user:root"));
  const auto& out = h.feed(ev.command(at_s(301), "c", "admin", "yes", "user:root"));
  BOOST_TEST(nothing_emitted_but_replies(out));
  const auto* r = replies(out).at(0);
  BOOST_TEST(status_text(r->status()) == "failed");
  BOOST_TEST(str(r->text()).find("expired") != std::string::npos);
  BOOST_TEST(str(r->text()).find("nothing was done") != std::string::npos);
  BOOST_TEST(!conversations(h).at("c").confirmation.has_value());
}

BOOST_AUTO_TEST_CASE(the_time_limit_is_a_setting) {
  harness h(config_from_settings({{"orchestrator.confirm_ttl_ms", "10000"}}));
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "admin", deploy_text, "user:root"));
  const auto& late = h.feed(ev.command(at_s(11), "c", "admin", "yes", "user:root"));
  BOOST_TEST(tasks(late).empty());
  (void)h.feed(ev.command(at_s(20), "c", "admin", deploy_text, "user:root"));
  const auto& in_time = h.feed(ev.command(at_s(29), "c", "admin", "yes", "user:root"));
  BOOST_TEST(tasks(in_time).size() == 1u);
}

BOOST_AUTO_TEST_CASE(no_or_cancel_drops_it) {
  for (const std::string word : {"no", "cancel", "Never mind"}) {
    harness h;
    events ev;
    (void)h.feed(ev.command(at_s(0), "c", "admin", "ban user mallory", "user:root"));
    const auto& out = h.feed(ev.command(at_s(1), "c", "admin", word, "user:root"));
    BOOST_TEST_CONTEXT(word) {
      BOOST_TEST(nothing_emitted_but_replies(out));
      BOOST_TEST(
          str(replies(out).at(0)->text()).rfind("Cancelled: I will not ban user mallory", 0) == 0);
      BOOST_TEST(!conversations(h).at("c").confirmation.has_value());
      const auto& yes = h.feed(ev.command(at_s(2), "c", "admin", "yes", "user:root"));
      BOOST_TEST(tasks(yes).empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_new_command_replaces_the_waiting_one) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "admin", deploy_text, "user:root"));
  const auto& other =
      h.feed(ev.command(at_s(1), "c", "admin", "Deploy checkout to staging", "user:root"));
  BOOST_TEST(nothing_emitted_but_replies(other));
  const auto* r = replies(other).at(0);
  BOOST_TEST(status_text(r->status()) == "needs_confirmation");
  BOOST_TEST(as_map(r->details()).count("replaced") == 1u);
  const auto& yes = h.feed(ev.command(at_s(2), "c", "admin", "yes", "user:root"));
  BOOST_TEST_REQUIRE(tasks(yes).size() == 1u);
  BOOST_TEST(params_of(*tasks(yes).at(0)).at("environment") == "staging");
  BOOST_TEST(params_of(*tasks(yes).at(0)).at("service") == "checkout");
  // Any other command drops a waiting one too.
  (void)h.feed(ev.command(at_s(3), "c", "admin", deploy_text, "user:root"));
  const auto& users =
      h.feed(ev.command(at_s(4), "c", "admin", "Show me today's active users", "user:root"));
  BOOST_TEST(tasks(users).size() == 1u);
  const auto& late_yes = h.feed(ev.command(at_s(5), "c", "admin", "yes", "user:root"));
  BOOST_TEST(tasks(late_yes).empty());
}

BOOST_AUTO_TEST_CASE(a_yes_that_names_another_action_is_that_action) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "admin", deploy_text, "user:root"));
  const auto& out = h.feed(ev.command(at_s(1), "c", "admin",
                                      "Yes, but deploy checkout to staging instead", "user:root"));
  BOOST_TEST(nothing_emitted_but_replies(out));
  BOOST_TEST(status_text(replies(out).at(0)->status()) == "needs_confirmation");
  const auto p = conversations(h).at("c").confirmation;
  BOOST_TEST_REQUIRE(p.has_value());
  BOOST_TEST(p->slots.at("environment") == "staging");
}

BOOST_AUTO_TEST_CASE(unhandled_risky_intents_are_answered_after_confirmation) {
  harness h;
  events ev;
  int n = 0;
  for (const std::string text : {"revert payments to the previous version", "ban ip 1.2.3.4",
                                 "delete tenant acme's data", "erase user 42's data"}) {
    const std::string conv = "u-" + std::to_string(++n);
    const auto& ask = h.feed(ev.command(at_s(n * 10), conv, "admin", text, "user:root"));
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(status_text(replies(ask).at(0)->status()) == "needs_confirmation");
      BOOST_TEST(str(replies(ask).at(0)->text()).find("No agent carries out") != std::string::npos);
      const auto& yes = h.feed(ev.command(at_s(n * 10 + 1), conv, "admin", "yes", "user:root"));
      BOOST_TEST(nothing_emitted_but_replies(yes));
      BOOST_TEST(status_text(replies(yes).at(0)->status()) == "refused");
      BOOST_TEST(as_map(replies(yes).at(0)->details()).at("action_taken") == "none");
    }
  }
}

BOOST_AUTO_TEST_CASE(scaling_is_confirmed_then_handed_to_operations_with_its_parameters) {
  harness h;
  events ev;
  int n = 0;
  for (const auto& [text, type, replicas] : std::vector<std::tuple<std::string, std::string, int>>{
           {"scale web down to 2 in production", "operations.scale_down", 2},
           {"scale web down to 2 in staging", "operations.scale_down", 2},
           {"scale web up to 5", "operations.scale_up", 5},
           {"scale web up", "operations.scale_up", 0}}) {
    const std::string conv = "s-" + std::to_string(++n);
    BOOST_TEST_CONTEXT(text) {
      const auto& ask = h.feed(ev.command(at_s(n * 10), conv, "admin", text, "user:root"));
      BOOST_TEST(status_text(replies(ask).at(0)->status()) == "needs_confirmation");
      BOOST_TEST(tasks(ask).empty());
      const auto& yes = h.feed(ev.command(at_s(n * 10 + 1), conv, "admin", "yes", "user:root"));
      BOOST_TEST_REQUIRE(tasks(yes).size() == 1u);
      const auto* t = tasks(yes).at(0);
      BOOST_TEST(str(t->type()) == type);
      BOOST_TEST(str(t->target_agent()) == "operations");
      const auto* p = t->params_as_ScaleParams();
      BOOST_TEST_REQUIRE(p != nullptr);
      BOOST_TEST(str(p->service()) == "web");
      BOOST_TEST(p->replicas() == replicas);
    }
  }
}

BOOST_AUTO_TEST_CASE(risky_intents_are_a_setting) {
  harness h(config_from_settings({{"orchestrator.risky_intents", "security.ban"}}));
  events ev;
  const auto& deploy = h.feed(ev.command(at_s(0), "c", "admin", deploy_text, "user:root"));
  BOOST_TEST(tasks(deploy).size() == 1u);
  const auto& ban = h.feed(ev.command(at_s(1), "d", "admin", "ban user eve", "user:root"));
  BOOST_TEST(status_text(replies(ban).at(0)->status()) == "needs_confirmation");
  BOOST_TEST(
      check_settings({{"orchestrator.risky_intents", "security.ban, nothing.such"}}).size() == 1u);
  BOOST_TEST(check_settings({{"orchestrator.risky_intents", "operations.scale_down@production"},
                             {"orchestrator.confirm_ttl_ms", "60000"}})
                 .empty());
  BOOST_TEST(check_settings({{"orchestrator.confirm_ttl_ms", "0"}}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_course_dialogue_still_confirms_its_own_way) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "admin", "Create a course about AI", "user:root"));
  (void)h.feed(ev.command(at_s(1), "c", "admin", deploy_text, "user:root"));
  // The latest question is the deploy's: the yes confirms it, and the draft stays.
  const auto& yes = h.feed(ev.command(at_s(2), "c", "admin", "yes", "user:root"));
  BOOST_TEST_REQUIRE(tasks(yes).size() == 1u);
  BOOST_TEST(str(tasks(yes).at(0)->type()) == "development.deploy");
  const auto& course = h.feed(ev.command(at_s(3), "c", "admin", "yes, with quizzes", "user:root"));
  BOOST_TEST_REQUIRE(tasks(course).size() == 1u);
  BOOST_TEST(str(tasks(course).at(0)->type()) == "content.create_course");
}

BOOST_AUTO_TEST_CASE(a_waiting_confirmation_survives_a_restart) {
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "admin", deploy_text, "user:root"));
  (void)h.feed(ev.command(at_s(1), "other", "admin", "Why is the server slow?", "user:root"));
  const auto row = h.tables.get(conversations_table, "c");
  BOOST_TEST_REQUIRE(row.has_value());
  BOOST_TEST(encode_conversation(decode_conversation(*row)) == *row);
  const auto& p = decode_conversation(*row).confirmation;
  BOOST_TEST_REQUIRE(p.has_value());
  BOOST_TEST(p->intent == "development.deploy");
  BOOST_TEST(p->principal == "user:root");
  BOOST_TEST(p->text == deploy_text);
  BOOST_TEST(p->slots.at("commit") == "4f2a9c1");
  BOOST_TEST(p->expires_ms == at_s(0) + 300'000);
  BOOST_TEST(!conversations(h).at("other").confirmation.has_value());

  // A new agent on the same tables and snapshot runs it on the "yes".
  harness restored;
  restored.tables = h.tables;
  BOOST_TEST_REQUIRE(round_trips(restored.agent, h.agent.snapshot(), "AOR3"));
  const auto& out = restored.feed(ev.command(at_s(2), "c", "admin", "confirm", "user:root"));
  BOOST_TEST_REQUIRE(tasks(out).size() == 1u);
  BOOST_TEST(params_of(*tasks(out).at(0)).at("text") == deploy_text);

  // Impossible content is refused: an expiry before the command.
  auto bad = decode_conversation(*row);
  bad.confirmation->expires_ms = -1;
  BOOST_CHECK_THROW((void)decode_conversation(encode_conversation(bad)), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(a_conversation_without_confirmation_stores_none) {
  // A conversation with nothing waiting writes no confirmation table.
  harness h;
  events ev;
  (void)h.feed(ev.command(at_s(0), "c", "admin", "Show me today's active users", "user:root"));
  const auto row = h.tables.get(conversations_table, "c");
  BOOST_TEST_REQUIRE(row.has_value());
  aetherial::state::orchestrator::ConversationT unpacked;
  flatbuffers::GetRoot<aetherial::state::orchestrator::Conversation>(row->data())
      ->UnPackTo(&unpacked);
  BOOST_TEST(unpacked.turns.size() == 1u);
  BOOST_TEST(!unpacked.confirmation);
}

BOOST_AUTO_TEST_SUITE_END()

// Identity as the runtime verified it: an unproven command changes nothing and is audited; a
// verified one acts as the token's principal, in the first of its roles that may issue the
// intent, whatever the envelope claims.
BOOST_AUTO_TEST_SUITE(verified_identity)

BOOST_AUTO_TEST_CASE(an_unproven_command_is_refused_before_any_state) {
  harness h;
  events ev;
  identity refused;
  refused.status = identity_status::refused;
  refused.reason = "the token has expired";
  const auto& out = h.feed(ev.command(at_s(0), "c", "admin", deploy_text, "user:root"), &refused);
  BOOST_TEST(tasks(out).empty());
  BOOST_TEST_REQUIRE(replies(out).size() == 1u);
  BOOST_TEST(status_text(replies(out).at(0)->status()) == "refused");
  BOOST_TEST(str(replies(out).at(0)->text()).find("the token has expired") != std::string::npos);
  std::size_t audits = 0;
  for (const auto& e : out)
    if (const auto* a = envelope_of(e).payload_as_AccessAudit(); a != nullptr && !a->allowed())
      ++audits;
  BOOST_TEST(audits == 1u);
  BOOST_TEST(conversations(h).empty());
}

BOOST_AUTO_TEST_CASE(a_verified_command_acts_as_the_tokens_principal_and_role) {
  harness h;
  events ev;
  identity alice;
  alice.status = identity_status::verified;
  alice.principal = "user:alice";
  alice.roles = {"admin", "user"};
  // The command names no role: the first of alice's roles that may deploy (admin) is used.
  const auto& asked = h.feed(ev.command(at_s(0), "c", "", deploy_text, "user:alice"), &alice);
  BOOST_TEST_REQUIRE(replies(asked).size() == 1u);
  BOOST_TEST(status_text(replies(asked).at(0)->status()) == "needs_confirmation");
  identity bob = alice;
  bob.principal = "user:bob";
  const auto& other = h.feed(ev.command(at_s(10), "c", "", "yes", "user:bob"), &bob);
  BOOST_TEST(tasks(other).empty());
  const auto& yes = h.feed(ev.command(at_s(20), "c", "", "yes", "user:alice"), &alice);
  BOOST_TEST_REQUIRE(tasks(yes).size() == 1u);
  BOOST_TEST(str(tasks(yes).at(0)->requested_by()) == "user:alice");
  BOOST_TEST(str(tasks(yes).at(0)->role()) == "admin");
}

BOOST_AUTO_TEST_SUITE_END()
